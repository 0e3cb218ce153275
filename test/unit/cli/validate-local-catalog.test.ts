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
 * `goldsmith validate --local DIR` without --config checks the catalog the saved cloud ran (as every other command
 * given DIR does), not goldsmith.config.ts, and says which it checked.
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

/** A saved cloud that ran a one-image catalog (`lone`) kept beside it; returns both paths. */
async function savedCloud(): Promise<{ cloud: string; catalogFile: string }> {
  const dir = testTempDir('goldsmith-validate-saved-catalog-');
  const catalogFile = join(dir, 'catalog.json');
  const images = { lone: { ...VALID.images.base, components: [{ managed: 'update-linux' }] } };
  writeFileSync(
    catalogFile,
    JSON.stringify({ ...VALID, images, channels: [{ name: 'prod', targets: { ous: [WEB] } }] }),
  );
  const ledger = [stateItem(tree, AT), ouItem(tree, WEB), accountItem(tree, '200000000001')];
  return { cloud: await writeSavedCloud(join(dir, 'cloud'), { catalogFile, at: AT, ledger }), catalogFile };
}

describe('goldsmith validate --local DIR without --config', () => {
  it('checks the catalog the saved cloud ran and names it (--json: file and catalogOf)', async () => {
    const { cloud, catalogFile } = await savedCloud();
    const out = await captureOutput(() => command.run(['--catalog-only', '--json', '--local', cloud]));

    expect(out.code, out.stderr).toBe(0);
    const report = JSON.parse(out.stdout);
    expect(report).toMatchObject({ file: catalogFile, catalogOf: `the saved cloud in ${cloud}`, valid: true });
    expect(report.summary).toMatchObject({ images: { total: 1 } });
  });

  it('says in its first line which catalog it checked', async () => {
    const { cloud, catalogFile } = await savedCloud();
    const out = await captureOutput(() => command.run(['--catalog-only', '--local', cloud]));

    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout.split('\n')[0]).toBe(
      `checked ${catalogFile}: the catalog the saved cloud in ${cloud} ran (--config FILE checks another)`,
    );
  });
});
