import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { scanItem } from '../../../core/sbom/ledger-content.js';
import { baseContent, CURL_FINDING, OPENSSL_FINDING, patchedContent, recordedItems } from '../../fixtures/sbom.js';
import { captureOutput } from '../../helpers/output.js';
import { writeSavedCloud } from '../../helpers/saved-cloud.js';
import { cycloneDxProblems, spdxProblems } from '../../helpers/sbom-validation.js';
import { testTempDir } from '../../helpers/temp-dir.js';

/** `goldsmith sbom` and `goldsmith diff` against a saved local cloud whose ledger recorded two versions of base. */

const CATALOG = join(import.meta.dirname, '../../fixtures/catalogs/valid.json');
const AT = '2027-02-01T06:00:00.000Z';
const CRITICAL = { id: 'CVE-2024-6387', severity: 'CRITICAL' as const, packages: ['openssh 8.7p1-8.amzn2023.0.10'] };

/** base 1.0.0/2 (found CRITICAL), 1.0.0/3 (fixed it; found the openssl CVE), 1.0.0/4 (openssl patched; curl's CVE and the CRITICAL back), 1.0.0/5 failed, 1.0.0/1 from before SBOMs. */
const LEDGER = [
  ...recordedItems(baseContent('1.0.0/2')),
  scanItem('base', '1.0.0/2', [CRITICAL]),
  ...recordedItems(baseContent('1.0.0/3')),
  scanItem('base', '1.0.0/3', [OPENSSL_FINDING]),
  ...recordedItems(patchedContent('1.0.0/4')),
  scanItem('base', '1.0.0/4', [CURL_FINDING, CRITICAL]),
  { pk: 'IMAGE#base', sk: 'BUILD#1.0.0/1', buildVersion: '1.0.0/1', status: 'AVAILABLE' },
  { pk: 'IMAGE#base', sk: 'BUILD#1.0.0/5', buildVersion: '1.0.0/5', status: 'FAILED' },
];

async function goldsmith(...args: string[]) {
  const cloud = await writeSavedCloud(join(testTempDir('goldsmith-sbom-'), 'cloud'), {
    catalogFile: CATALOG,
    at: AT,
    ledger: LEDGER,
  });
  return { cloud, ...(await captureOutput(() => main([...args, '--local', cloud]))) };
}

describe('goldsmith sbom', () => {
  it('prints a CycloneDX document by default and SPDX with --format spdx, each valid', async () => {
    const cyclonedx = await goldsmith('sbom', 'base', '1.0.0/4');
    const spdx = await goldsmith('sbom', 'base', '1.0.0-4', '--format', 'spdx');

    expect(cyclonedx.code, cyclonedx.stderr).toBe(0);
    expect(await cycloneDxProblems(JSON.parse(cyclonedx.stdout))).toEqual([]);
    expect(JSON.parse(cyclonedx.stdout).metadata.component).toMatchObject({ name: 'base', version: '1.0.0/4' });
    expect(spdx.code, spdx.stderr).toBe(0);
    expect(spdxProblems(JSON.parse(spdx.stdout))).toEqual([]);
    expect(spdx.stdout).toContain('pkg:rpm/amazon/openssl@3.0.8-1.amzn2023.0.18?distro=amzn-2023&epoch=1');
  });

  it('refuses a version the ledger does not know, naming the versions it has', async () => {
    const out = await goldsmith('sbom', 'base', '1.0.0/9');

    expect(out.code).toBe(1);
    expect(out.stderr).toBe(
      `goldsmith sbom: unknown version 1.0.0/9 of base (its versions: 1.0.0/1, 1.0.0/2, 1.0.0/3, 1.0.0/4, 1.0.0/5; goldsmith history base --local ${out.cloud})\n`,
    );
    expect(out.stdout).toBe('');
  });

  it('refuses a version with no content recorded, saying which have one and what to run', async () => {
    const out = await goldsmith('sbom', 'base', '1.0.0/1');

    expect(out.code).toBe(1);
    expect(out.stderr).toBe(
      `goldsmith sbom: base 1.0.0/1 has no content recorded (built before Goldsmith kept SBOMs); versions with one: 1.0.0/2, 1.0.0/3, 1.0.0/4; a new build records one: goldsmith build base --local ${out.cloud}\n`,
    );
  });

  it('refuses a failed build, an unknown image, a version that is not one and an unknown format, each in one line', async () => {
    const failed = await goldsmith('sbom', 'base', '1.0.0/5');
    const image = await goldsmith('sbom', 'nope', '1.0.0/4');
    const version = await goldsmith('sbom', 'base', 'latest');
    const format = await goldsmith('sbom', 'base', '1.0.0/4', '--format', 'swid');

    expect(failed.stderr).toContain('base 1.0.0/5 has no content: its build is FAILED');
    expect(image.stderr).toBe('goldsmith sbom: unknown image "nope" (the catalog has: base)\n');
    expect(version.stderr).toBe(
      'goldsmith sbom: VERSION "latest" is not a version: write it as Image Builder does, e.g. 1.0.0/3\n',
    );
    expect(format.stderr).toBe('goldsmith sbom: --format "swid" is not one of: cyclonedx, spdx\n');
    for (const out of [failed, image, version, format]) {
      expect(out.code).toBe(1);
      expect(out.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('goldsmith diff', () => {
  it('lists the openssl change with both versions and the findings it fixed, then those new and back', async () => {
    const out = await goldsmith('diff', 'base', '1.0.0/3', '1.0.0/4');

    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe(
      [
        'base 1.0.0/3 → 1.0.0/4',
        'recipe: unchanged',
        'parent: unchanged',
        'components: unchanged',
        'packages (4):',
        '  upgraded kernel 6.1.112-122.189.amzn2023 → 6.1.112-122.189.amzn2023, 6.1.115-126.197.amzn2023',
        '  upgraded openssl 1:3.0.8-1.amzn2023.0.14 → 1:3.0.8-1.amzn2023.0.18',
        '  upgraded openssl-libs 1:3.0.8-1.amzn2023.0.14 → 1:3.0.8-1.amzn2023.0.18',
        '  added curl 8.5.0-1.amzn2023.0.4',
        'findings (1 fixed, 2 new):',
        '  reappeared (fixed before, back again) CVE-2024-6387 CRITICAL in openssh 8.7p1-8.amzn2023.0.10',
        '  fixed CVE-2024-5535 HIGH in openssl 1:3.0.8-1.amzn2023.0.14',
        '  new CVE-2024-2398 MEDIUM in curl 8.5.0-1.amzn2023.0.4',
        '',
      ].join('\n'),
    );
  });

  it('--json prints the diff and its digest', async () => {
    const out = await goldsmith('diff', 'base', '1.0.0/3', '1.0.0/4', '--json');

    expect(out.code, out.stderr).toBe(0);
    const { diff, digest } = JSON.parse(out.stdout);
    expect(diff).toMatchObject({ image: 'base', from: '1.0.0/3', to: '1.0.0/4' });
    expect(diff.packages).toContainEqual({
      name: 'openssl',
      change: 'upgraded',
      from: '1:3.0.8-1.amzn2023.0.14',
      to: '1:3.0.8-1.amzn2023.0.18',
    });
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses when either side has no content, naming that side', async () => {
    const out = await goldsmith('diff', 'base', '1.0.0/1', '1.0.0/4');

    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/^goldsmith diff: base 1\.0\.0\/1 has no content recorded/);
  });
});
