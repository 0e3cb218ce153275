import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../../cli/load-catalog.js';
import { catalogChanges, checkUpgradeCatalog } from '../../../cli/operator/saved-catalog.js';
import { catalogDigest } from '../../../cli/operator/saved-identity.js';
import { auditUpgradedExecutions } from '../../../local/snapshot/upgrade.js';

describe('catalogChanges: the catalog given to an upgrade against the one saved', () => {
  const saved = { images: { base: { version: '1.0.0', regions: ['us-east-1'] } }, channels: [{ name: 'dev' }] };

  it('lets through a field this release fills in that the file does not set (a default)', () => {
    const given = {
      images: { base: { version: '1.0.0', regions: ['us-east-1'], retries: 2 } },
      channels: [{ name: 'dev', bake: 0 }],
    };
    const written = { images: { base: { version: '1.0.0', regions: ['us-east-1'] } }, channels: [{ name: 'dev' }] };
    expect(catalogChanges(saved, given, written)).toEqual([]);
  });

  it('lets through a default this release changed, in a field the file does not set, and not one the file sets', () => {
    const before = { monitoring: { launchPermissionSweepEvery: '7d', pointerSweepEvery: '7d' } };
    const given = { monitoring: { launchPermissionSweepEvery: '28d', pointerSweepEvery: '1d' } };
    const written = { monitoring: { pointerSweepEvery: '1d' } };
    expect(catalogChanges(before, given, written)).toEqual([
      'catalog.monitoring.pointerSweepEvery: saved "7d", given "1d"',
    ]);
  });

  it('names every changed, removed or written-in field by its path', () => {
    const given = { images: { base: { version: '1.1.0' }, extra: { version: '1.0.0' } }, channels: [] };
    const written = given;
    expect(catalogChanges(saved, given, written)).toEqual([
      'catalog.images.base.version: saved "1.0.0", given "1.1.0"',
      'catalog.images.base.regions: saved ["us-east-1"], given absent',
      'catalog.images.extra: saved absent, given {"version":"1.0.0"}',
      'catalog.channels: saved [{"name":"dev"}], given []',
    ]);
  });
});

describe('checkUpgradeCatalog', () => {
  it('without the saved catalog, lets the same catalog through by its digest and names how to record it otherwise', async () => {
    const file = join(import.meta.dirname, '../../../examples/catalogs/example-rollout.ts');
    const catalog = await loadCatalogFile(file);
    const same = { digest: catalogDigest(catalog) };
    await expect(checkUpgradeCatalog('DIR', 'saved.ts', same, file, catalog)).resolves.toBeUndefined();
    await expect(checkUpgradeCatalog('DIR', 'saved.ts', { digest: 'f'.repeat(64) }, file, catalog)).rejects.toThrow(
      /^DIR was saved with the catalog saved\.ts; .* \(1 difference: its digest \(the deployment beside the save records no catalog: write it again with "npm run release:deployment -- --root <a checkout of the release that saved it> --into DIR"\)\)/,
    );
  });
});

describe('the audit of an upgraded run', () => {
  it('names each execution running at the save that failed after the upgrade', () => {
    const arn = (n: string) => `arn:aws:states:us-east-1:123456789012:execution:Rollout:${n}`;
    const audit = auditUpgradedExecutions(
      [arn('a'), arn('b')],
      [
        {
          executionArn: arn('a'),
          stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:Rollout',
          status: 'FAILED',
          error: 'Lambda.ResourceNotFoundException',
        },
        {
          executionArn: arn('b'),
          stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:Rollout',
          status: 'SUCCEEDED',
        },
        {
          executionArn: arn('c'),
          stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:Rollout',
          status: 'FAILED',
        },
      ],
    );
    expect(audit.problems).toEqual([
      'execution a of Rollout, running when the cloud was saved, ended FAILED after the upgrade (Lambda.ResourceNotFoundException)',
    ]);
  });
});
