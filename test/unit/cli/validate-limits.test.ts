import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { command } from '../../../cli/validate.js';
import { captureOutput } from '../../helpers/output.js';
import { testTempDir } from '../../helpers/temp-dir.js';

const REPO = join(import.meta.dirname, '../../..');
const VALID = JSON.parse(readFileSync(join(REPO, 'test/fixtures/catalogs/valid.json'), 'utf8'));
/** The valid catalog's image with a managed component: no component file to find beside a temporary catalog. */
const MANAGED = { base: { ...VALID.images.base, components: [{ managed: 'update-linux' }] } };

/** Runs `goldsmith validate` in process (SST loads once for the file) and captures what it writes. */
function validate(args: string[]) {
  return captureOutput(() => command.run(args));
}

/** Writes `catalog` as a JSON catalog file in a fresh folder, removed after the test, and returns its path. */
function catalogFile(catalog: unknown): string {
  const path = join(testTempDir('goldsmith-validate-limits-'), 'catalog.json');
  writeFileSync(path, JSON.stringify(catalog));
  return path;
}

// Each synthesizes the stacks (about 9 s of CPU with the synthesis thread's imports): on a loaded 2-core machine
// that passes the default 30 s.
describe('goldsmith validate: AWS limits', { timeout: 120_000 }, () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('synthesizes the example catalog and finds it within every limit, printing the tightest', async () => {
    const { code, stdout } = await validate(['--config', join(REPO, 'goldsmith.config.ts')]);

    expect(code).toBe(0);
    expect(stdout.split('\n')[1]).toMatch(/^limits: within all \d+ AWS limits; tightest: .+ of .+ \(largest: .+\)$/);
  });

  it('refuses a catalog whose operators make the role trust policy too long, naming the limit and the figure', async () => {
    const operators = Array.from(
      { length: 45 },
      (_, i) => `arn:aws:iam::123456789012:role/platform-engineering-operator-${i}`,
    );
    const path = catalogFile({
      ...VALID,
      images: { base: { ...VALID.images.base, components: [{ managed: 'update-linux' }] } },
      access: { operators },
    });

    const { code, stdout } = await validate(['--config', path]);

    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^access: role Operators\w+ \(Trust\) would be [\d,]+ characters, over the IAM role trust policy size limit of 2,048; adjustable/m,
    );
  });

  it('refuses a recipe of 21 components without synthesizing (--catalog-only), naming the image', async () => {
    const components = Array.from({ length: 21 }, (_, i) => ({ managed: `step-${i}` }));
    const path = catalogFile({ ...VALID, images: { base: { ...VALID.images.base, components } } });

    const { code, stdout } = await validate(['--catalog-only', '--config', path]);

    expect([code, stdout]).toEqual([
      1,
      'images.base.components: recipe of base (21 build + 0 test components) would be 21 components, over the Image Builder components per recipe limit of 20 (images: base)\n',
    ]);
  });

  it('lists every limit with its tightest figure in --json', async () => {
    const path = catalogFile({
      ...VALID,
      images: { base: { ...VALID.images.base, components: [{ managed: 'update-linux' }] } },
    });

    const { code, stdout } = await validate(['--catalog-only', '--json', '--config', path]);

    expect(code).toBe(0);
    const figures: { id: string; max: number; tightest?: { value: number } }[] = JSON.parse(stdout).limits;
    expect(figures.find((f) => f.id === 'imageBuilderComponentsPerRecipe')).toMatchObject({
      max: 20,
      tightest: { value: 1 },
    });
    expect(figures.find((f) => f.id === 'cfnResources')?.tightest).toBeUndefined();
  });

  it('refuses a channel that would share each AMI with 1,001 entities, naming the channel, the count and the quota', async () => {
    const accounts = Array.from({ length: 1_001 }, (_, i) => String(300000000000 + i));
    const path = catalogFile({ ...VALID, images: MANAGED, channels: [{ name: 'prod', targets: { accounts } }] });

    const { code, stdout } = await validate(['--catalog-only', '--config', path]);

    expect([code, stdout]).toEqual([
      1,
      'channels.prod.targets: each AMI of a version in channels prod at once (prod 1,001; as the catalog names them) would be 1,001 entities, over the EC2 AMI sharing (entities per AMI and Region) limit of 1,000 (images: base); adjustable: request an increase through Service Quotas first\n',
    ]);
  });

  it('resolves the targets against the organization a scenario describes (--scenario)', async () => {
    const ous = ['ou-ab12-web00001', 'ou-ab12-api00001'];
    const channels = [{ name: 'prod', targets: { ous, exclude: { ous: [ous[1]] } } }];
    const path = catalogFile({ ...VALID, images: MANAGED, channels });
    const scenario = join(testTempDir('goldsmith-validate-scenario-'), 'scenario.json');
    writeFileSync(scenario, JSON.stringify({ start: '2027-01-01T00:00:00Z', until: '2027-01-02T00:00:00Z' }));

    const { code, stdout } = await validate(['--catalog-only', '--json', '--scenario', scenario, '--config', path]);

    expect(code).toBe(0);
    const figures: { id: string; tightest?: { subject: string; value: number } }[] = JSON.parse(stdout).limits;
    expect(figures.find((f) => f.id === 'amiSharingEntities')?.tightest).toMatchObject({
      subject: 'each AMI of a version in channels prod at once (prod 1; resolved against the organization)',
      value: 1,
    });
  });
});
