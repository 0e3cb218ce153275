import { DeregisterImageCommand } from '@aws-sdk/client-ec2';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { sweepLifecycle } from '../../functions/lifecycle-sweep.js';
import { amisOf, build, NOW, promoted, useLifecycleWorld } from './lifecycle-fixtures.js';
import { basePlan, plans } from './promotion-fixtures.js';

const { ddb, ec2 } = useLifecycleWorld();

/** The example catalog's images (base, its child hardened, …), base keeping one promoted version per channel. */
const PLANS = { ...plans, base: { ...basePlan, retentionKeep: 1 } };

/** The sweep's read of one of an image's partition ranges (functions/lifecycle-sweep.ts `SWEEP_READS`). */
function range(image: string, from: string, Items: Record<string, unknown>[]): void {
  ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': `IMAGE#${image}`, ':from': from } }).resolves({ Items });
}

/** base's 1.0.0/1, retired 40 days ago (past deleteAfter), and 1.0.0/9 which dev's pointer names. */
function baseWithRetiredVersion(): void {
  range('base', 'BUILD#', [
    build('1.0.0/1', { retiredAt: '2027-01-20T00:00:00Z' }),
    build('1.0.0/9'),
    { sk: 'CHANNEL#dev', channel: 'dev', version: '1.0.0/9', amis: amisOf(9) },
  ]);
  range('base', 'PROMOTION#', [
    { sk: 'PROMOTION#1.0.0/1#dev', ...promoted('1.0.0/1', 'dev', '2027-01-01T00:00:00Z', 1) },
    { sk: 'PROMOTION#1.0.0/9#dev', ...promoted('1.0.0/9', 'dev', '2027-02-01T00:00:00Z', 9) },
  ]);
}

const childReads = () =>
  ddb.commandCalls(QueryCommand).filter((c) => c.args[0].input.ExpressionAttributeValues?.[':pk'] === 'IMAGE#hardened');

describe("the lifecycle sweep's lineage holds", () => {
  it("holds a parent version for a child build, reading the child's builds once: in the child's own pass", async () => {
    baseWithRetiredVersion();
    range('hardened', 'BUILD#', [
      { sk: 'BUILD#2.0.0/1', parent: { image: 'base', channel: 'staging', buildVersion: '1.0.0/1' } },
    ]);

    const { results, failed } = await sweepLifecycle(PLANS, NOW);

    expect(failed).toEqual([]);
    expect(results.find((r) => r.image === 'base')?.deleted).toEqual([]);
    for (const ami of amisOf(1))
      expect(ec2).not.toHaveReceivedCommandWith(DeregisterImageCommand, { ImageId: ami.imageId });
    // The child's partition ranges, read once each by its own pass; no read of its builds by the parent's pass.
    expect(childReads().map((c) => c.args[0].input.KeyConditionExpression)).toEqual(
      childReads().map(() => 'pk = :pk AND sk BETWEEN :from AND :past'),
    );
  });

  it("reads a child's builds in the parent's pass when the child's own pass failed, and still holds", async () => {
    baseWithRetiredVersion();
    const builds = [{ sk: 'BUILD#2.0.0/1', parent: { image: 'base', channel: 'staging', buildVersion: '1.0.0/1' } }];
    range('hardened', 'BUILD#', builds);
    // The child's pass fails on its promotions' range; the parent's pass reads its builds by their prefix.
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#hardened', ':from': 'PROMOTION#' } })
      .rejects(Object.assign(new Error('The ledger is not answering'), { name: 'InternalServerError' }));
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#hardened', ':prefix': 'BUILD#' } })
      .resolves({ Items: builds });

    const { results, failed } = await sweepLifecycle(PLANS, NOW);

    expect(failed.map((f) => f.image)).toEqual(['hardened']);
    expect(results.find((r) => r.image === 'base')?.deleted).toEqual([]);
    for (const ami of amisOf(1))
      expect(ec2).not.toHaveReceivedCommandWith(DeregisterImageCommand, { ImageId: ami.imageId });
    expect(
      childReads().filter((c) => c.args[0].input.ExpressionAttributeValues?.[':prefix'] === 'BUILD#'),
    ).toHaveLength(1);
  });

  it('deletes a parent version no child build holds, in the same sweep', async () => {
    baseWithRetiredVersion();
    range('hardened', 'BUILD#', [
      { sk: 'BUILD#2.0.0/1', parent: { image: 'base', channel: 'staging', buildVersion: '1.0.0/9' } },
    ]);

    const { results } = await sweepLifecycle(PLANS, NOW);

    expect(results.find((r) => r.image === 'base')?.deleted).toEqual(['1.0.0/1']);
  });
});
