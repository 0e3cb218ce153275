import { describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { openSbomExports, putSbomExport } from '../../aws/sbom/export-records.js';
import type { SbomExportStatus } from '../../core/sbom/inspector-export.js';
import { contentOf } from '../../core/sbom/ledger-content.js';
import { pollOpenSbomExports } from '../../functions/builds/sbom-exports.js';
import { onImageEvent } from '../../functions/on-image-event.js';
import { EXPORT_MS } from '../../local/fakes/inspector2-sbom.js';
import { stateChangeEvent } from './promotion-fixtures.js';
import { exportOf, KEY_ARN, partition, SBOM_BUCKET, useSbomExportWorld } from './sbom-export-fixtures.js';

const OWN_PREFIX = /^inspector\/base\/1\.0\.0-3\/[0-9a-f]{32}$/;

describe("a container version's packages from Inspector's SBOM export", () => {
  const world = useSbomExportWorld();

  it('requests an export with the content, starts it, polls it IN_PROGRESS, then takes its packages', async () => {
    await onImageEvent(stateChangeEvent('AVAILABLE'));
    expect(world.exports.exports.size).toBe(0);
    expect(await pollOpenSbomExports(['base'], world.clock.iso())).toMatchObject({
      outcomes: { 'base 1.0.0/3': 'IN_PROGRESS' },
    });
    expect([...world.exports.exports.values()]).toMatchObject([
      {
        format: 'CYCLONEDX_1_4',
        filterCriteria: {
          ecrRepositoryName: [{ comparison: 'EQUALS', value: 'goldsmith-base' }],
          ecrImageTags: [{ comparison: 'EQUALS', value: '1.0.0-3' }],
        },
        // The version's folder and the claim's random component, recorded before the call.
        s3Destination: { bucketName: SBOM_BUCKET, keyPrefix: expect.stringMatching(OWN_PREFIX), kmsKeyArn: KEY_ARN },
      },
    ]);
    expect(await exportOf()).toMatchObject({
      status: 'IN_PROGRESS',
      repository: 'goldsmith-base',
      tag: '1.0.0-3',
      keyPrefix: expect.stringMatching(OWN_PREFIX),
    });
    expect(contentOf(await partition(), '1.0.0/3')?.packageSource).toBe('none');

    // Still running: nothing changes.
    expect(await pollOpenSbomExports(['base'], world.clock.iso())).toMatchObject({
      outcomes: { 'base 1.0.0/3': 'IN_PROGRESS' },
    });
    expect(contentOf(await partition(), '1.0.0/3')?.packageSource).toBe('none');

    world.clock.moveTo(world.clock.now() + EXPORT_MS);
    const report = await pollOpenSbomExports(['base'], world.clock.iso());

    expect(report).toEqual({ polled: 1, outcomes: { 'base 1.0.0/3': 'READ' }, failed: 0 });
    const content = contentOf(await partition(), '1.0.0/3');
    expect(content?.packageSource).toBe('inspector');
    expect(content?.packages).toEqual([
      { name: 'bash', version: '5.2.15-1.amzn2023.0.2' },
      { name: 'openssl-libs', version: '1:3.0.8-1.amzn2023.0.18' },
    ]);
    const cyclonedx = world.s3.read(SBOM_BUCKET, 'sbom/base/1.0.0-3/cyclonedx.json') ?? '';
    expect(cyclonedx).toContain('openssl-libs');
    expect(world.s3.read(SBOM_BUCKET, 'sbom/base/1.0.0-3/spdx.json')).toContain('openssl-libs');
    // Nothing left to poll.
    expect(await pollOpenSbomExports(['base'], world.clock.iso())).toMatchObject({ polled: 0 });
  });

  it('starts no second export for a re-delivered event, nor after the export was read', async () => {
    await onImageEvent(stateChangeEvent('AVAILABLE'));
    await pollOpenSbomExports(['base'], world.clock.iso());
    await onImageEvent(stateChangeEvent('AVAILABLE'));
    await pollOpenSbomExports(['base'], world.clock.iso());
    expect(world.exports.exports.size).toBe(1);

    world.clock.moveTo(world.clock.now() + EXPORT_MS);
    await pollOpenSbomExports(['base'], world.clock.iso());
    await onImageEvent({ ...stateChangeEvent('AVAILABLE'), time: '2027-01-18T19:00:00Z' });

    expect(world.exports.exports.size).toBe(1);
    expect(contentOf(await partition(), '1.0.0/3')?.packageSource).toBe('inspector');
  });

  it("keeps packageSource 'none' with Inspector's reason when the export fails", async () => {
    world.exports.images = () => [];
    await onImageEvent(stateChangeEvent('AVAILABLE'));
    await pollOpenSbomExports(['base'], world.clock.iso());
    world.clock.moveTo(world.clock.now() + EXPORT_MS);

    expect(await pollOpenSbomExports(['base'], world.clock.iso())).toMatchObject({
      outcomes: { 'base 1.0.0/3': 'FAILED' },
    });
    expect(await exportOf()).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/^NO_FINDINGS_FOUND: /) });
    expect(contentOf(await partition(), '1.0.0/3')?.packageSource).toBe('none');
    expect(world.s3.read(SBOM_BUCKET, 'sbom/base/1.0.0-3/cyclonedx.json')).not.toContain('openssl-libs');
  });

  it('starts no export where no export key is set (the packages stay unknown)', async () => {
    delete process.env.SBOM_EXPORT_KEY_ARN;
    await onImageEvent(stateChangeEvent('AVAILABLE'));
    expect(world.exports.exports.size).toBe(0);
    expect(await exportOf()).toBeUndefined();
  });

  it('reads back only the unfinished exports: the finished ones are not returned by the Query', async () => {
    const statuses: SbomExportStatus[] = ['READ', 'FAILED', 'REQUESTED', 'CANCELLED', 'IN_PROGRESS', 'NOT_COVERED'];
    for (const [i, status] of statuses.entries()) {
      await putSbomExport({
        image: 'base',
        version: `1.0.0/${i + 1}`,
        repository: 'goldsmith-base',
        tag: `1.0.0-${i + 1}`,
        keyPrefix: `inspector/base/1.0.0-${i + 1}`,
        status,
        startedAt: '2027-01-18T17:00:00Z',
      });
    }
    // Every item each Query answer carried, as DynamoDB returned it.
    const returned: string[] = [];
    const client = documentClient();
    const name = 'count-returned-sbom-exports';
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const items = (result.output as { Items?: { sk?: string }[] }).Items;
        if (context.commandName === 'QueryCommand') returned.push(...(items ?? []).map((i) => i.sk ?? ''));
        return result;
      },
      { step: 'initialize', name },
    );
    try {
      const open = await openSbomExports('base');
      expect(open.map((r) => `${r.version} ${r.status}`).sort()).toEqual(['1.0.0/3 REQUESTED', '1.0.0/5 IN_PROGRESS']);
      expect(returned.sort()).toEqual(['SBOMEXPORT#1.0.0/3', 'SBOMEXPORT#1.0.0/5']);
    } finally {
      client.middlewareStack.remove(name);
    }
  });
});
