import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { command } from '../../../cli/validate.js';
import { accountItem, ouItem, stateItem } from '../../../core/sharing/held-organization.js';
import type { OrgTree } from '../../../core/sharing/targets.js';
import { captureOutput } from '../../helpers/output.js';
import { writeSavedCloud } from '../../helpers/saved-cloud.js';
import { testTempDir } from '../../helpers/temp-dir.js';

/**
 * `goldsmith validate --local DIR` against a saved cloud whose ledger holds the daily grants count
 * (functions/key-grants.ts): a counted Region is warned from the count, not from the estimate.
 */

const REPO = join(import.meta.dirname, '../../..');
const VALID = JSON.parse(readFileSync(join(REPO, 'test/fixtures/catalogs/valid.json'), 'utf8'));
const WEB = 'ou-ab12-web00001';
const AT = '2027-02-01T06:00:00.000Z';
const tree: OrgTree = {
  organizationArn: 'arn:aws:organizations::999988887777:organization/o-a1b2c3d4e5',
  rootId: 'r-ab12',
  ous: new Map([[WEB, { arn: `arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/${WEB}`, parentId: 'r-ab12' }]]),
  accounts: new Map([['200000000001', { parentId: WEB, state: 'ACTIVE' }]]),
  tagsRead: false,
};

async function warnings(counted: number | undefined): Promise<string[]> {
  const dir = testTempDir('goldsmith-validate-counted-');
  const catalogFile = join(dir, 'catalog.json');
  const images = { base: { ...VALID.images.base, components: [{ managed: 'update-linux' }] } };
  writeFileSync(
    catalogFile,
    JSON.stringify({ ...VALID, images, channels: [{ name: 'prod', targets: { ous: [WEB] } }] }),
  );
  const ledger: object[] = [stateItem(tree, AT), ouItem(tree, WEB), accountItem(tree, '200000000001')];
  if (counted !== undefined)
    ledger.push({ pk: 'KEYGRANTS', sk: 'REGION#eu-west-1', region: 'eu-west-1', total: counted, countedAt: AT });
  const cloud = await writeSavedCloud(join(dir, 'cloud'), { catalogFile, at: AT, ledger });
  const out = await captureOutput(() =>
    command.run(['--catalog-only', '--json', '--config', catalogFile, '--local', cloud]),
  );
  expect(out.code, out.stderr).toBe(0);
  return JSON.parse(out.stdout).warnings;
}

describe("goldsmith validate --local: the AMI key's grants as counted", () => {
  it('warns from the count of a Region where the estimate (one account) says nothing', async () => {
    expect(await warnings(42_000)).toEqual([
      `the AMI key in eu-west-1 holds 42000 grants as ListGrants counted them at ${AT}, 84 % of 50000 per key: past it, launches from Goldsmith's encrypted AMIs fail there (docs/consumers.md, "KMS grants")`,
    ]);
    expect(await warnings(1_000)).toEqual([]);
    expect(await warnings(undefined)).toEqual([]);
  });
});
