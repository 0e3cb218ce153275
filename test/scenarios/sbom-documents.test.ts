import { beforeAll, describe, expect, it } from 'vitest';
import { diffVersions } from '../../core/sbom/diff.js';
import { diffLines } from '../../core/sbom/diff-text.js';
import { sbomDocuments } from '../../core/sbom/documents.js';
import { CONTENT_PREFIX, contentOf } from '../../core/sbom/ledger-content.js';
import type { ImageContent } from '../../core/sbom/model.js';
import { simulate } from '../../local/simulator/index.js';
import { cycloneDxProblems, spdxProblems } from '../helpers/sbom-validation.js';
import { AL2023, childImage, devChannel, everyTriggerCatalog, REPO_ROOT, scenarioBetween } from './helpers.js';

/**
 * A cheap representative run, on triggers.test.ts's catalog (one synthesis for both): base built on January's patch
 * window and again on a new Amazon Linux 2023 release, child following base's dev pointer rebuilt when it moves.
 * Every version's SBOMs, as Goldsmith writes them from what the ledger recorded, must pass CycloneDX's and SPDX's own
 * schemas and carry NTIA's minimum elements; child's second version must say its parent moved from base's first build
 * to its second.
 */
const catalog = everyTriggerCatalog({ child: childImage('base', 'dev', { regions: ['us-east-1', 'eu-west-1'] }) }, [
  devChannel(),
]);

let contents: ImageContent[] = [];

beforeAll(async () => {
  const result = await simulate(
    catalog,
    scenarioBetween('2027-01-13T00:00:00Z', '2027-01-22T00:00:00Z', {
      events: [{ at: '2027-01-20T09:00:00Z', kind: 'base-image-release', parameter: AL2023 }],
    }),
    REPO_ROOT,
    { snapshot: true },
  );
  const ledger = result.snapshot?.ledger ?? [];
  contents = ledger
    .filter((i) => String(i.sk).startsWith(CONTENT_PREFIX))
    .flatMap((i) => {
      const items = ledger.filter((j) => j.pk === i.pk);
      const c = contentOf(items, String(i.sk).slice(CONTENT_PREFIX.length));
      return c ? [c] : [];
    });
}, 600_000);

const of = (image: string) =>
  contents.filter((c) => c.image === image).sort((a, b) => (a.version < b.version ? -1 : 1));

describe("a run's SBOMs", () => {
  it('records content for both versions of base and of child, with the operating system and resolved components', () => {
    expect(of('base').map((c) => c.version)).toEqual(['1.0.0/1', '1.0.0/2']);
    expect(of('child').map((c) => c.version)).toEqual(['1.0.0/1', '1.0.0/2']);
    for (const c of contents) {
      expect(c.osVersion).toBe('Amazon Linux 2023');
      expect(c.components.find((x) => x.name === 'update-linux')).toMatchObject({
        version: '1.0.2/1',
        requested: expect.stringMatching(/update-linux\/x\.x\.x$/),
      });
    }
  });

  it('are valid against CycloneDX 1.6 and SPDX 2.3 JSON schemas, every package with its supplier and distro', async () => {
    expect(contents.length).toBe(4);
    for (const c of contents) {
      const docs = sbomDocuments(c);
      expect(await cycloneDxProblems(docs['cyclonedx.json']), `${c.image} ${c.version}`).toEqual([]);
      expect(spdxProblems(docs['spdx.json']), `${c.image} ${c.version}`).toEqual([]);
      const spdx = docs['spdx.json'] as { packages: { SPDXID: string; supplier?: string; externalRefs?: unknown[] }[] };
      const packages = spdx.packages.filter((p) => p.SPDXID.startsWith('SPDXRef-Package-'));
      expect(packages.length).toBeGreaterThan(0);
      for (const p of packages) {
        expect(p.supplier).toBe('Organization: Amazon Web Services');
        expect(JSON.stringify(p.externalRefs)).toContain('distro=amzn-2023');
      }
    }
  });

  it("names child's parent as the base build and AMI it was made from, so the diff shows the base moving", () => {
    const [first, second] = of('child');
    if (!first || !second) throw new Error('child was not built twice');

    expect(first.parentBuild).toMatchObject({
      image: 'base',
      channel: 'dev',
      version: '1.0.0/1',
      ami: expect.stringMatching(/^ami-/),
    });
    expect(second.parentBuild).toMatchObject({ version: '1.0.0/2', ami: expect.stringMatching(/^ami-/) });
    const line = diffLines(diffVersions(first, second, { from: [], to: [] })).find((l) => l.startsWith('parent:'));
    expect(line).toBe(`parent: base 1.0.0/1 (${first.parentBuild?.ami}) → base 1.0.0/2 (${second.parentBuild?.ami})`);
  });
});
