import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { historyOf } from '../../cli/operator/ledger-history.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { reportCve } from '../../local/simulator/lifecycle-requests.js';
import { devChannel, prodChannel } from '../scenarios/helpers.js';
import { operatorCatalog, pointerOf, releaseOpenssl, startOperatorCloud } from './operator-helpers.js';

/**
 * Every channel allows one critical finding (`maxCritical: 1`) and revokes on a new critical one (`revokeOn`): the
 * maximum is about promoting, revokeOn about what is already out. A scan finding arrives on the version both
 * channels serve; what `history base` then prints.
 */

let cloud: LocalCloud;

const minutes = (n: number) => new Date(cloud.clock.now() + n * 60_000).toISOString();

/** The lines `history base` prints for the ledger as it is now. */
async function history(): Promise<string[]> {
  const out = await documentClient().send(
    new QueryCommand({
      TableName: cloud.wiring.tables[0]?.name ?? '',
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'IMAGE#base' },
    }),
  );
  return historyOf(out.Items ?? [], undefined, ['dev', 'prod']).map((e) => `${e.version ?? ''} ${e.what}`);
}

beforeAll(async () => {
  const vulnerabilities = { maxCritical: 1, maxHigh: 5, revokeOn: ['critical' as const] };
  const channels = [devChannel({ vulnerabilities }), prodChannel({ vulnerabilities })];
  cloud = await startOperatorCloud(operatorCatalog(['us-east-1'], channels, {}), '2027-02-10T00:00:00Z');
  await releaseOpenssl(cloud, '3.0.1');
  for (let i = 0; i < 48 && (await pointerOf('prod')) !== '1.0.0/1'; i++) await cloud.clock.run(minutes(15));
}, 180_000);

afterAll(() => cloud?.stop());

describe('revokeOn on a finding the channel maximum allows', () => {
  it('a medium finding is recorded and shown in history as within policy, nothing done', async () => {
    expect(await pointerOf('prod')).toBe('1.0.0/1');
    expect(await reportCve(cloud, { image: 'base', critical: 0, high: 0, medium: 1 })).toBeUndefined();
    await cloud.clock.run(minutes(10));

    expect(await history()).toContain('1.0.0/1 findings reported: 1 medium — within policy, nothing done');
    expect(await pointerOf('prod')).toBe('1.0.0/1');
  }, 60_000);

  it('one new critical finding revokes the version at once, rebuilds it, and history names revokeOn', async () => {
    expect(await reportCve(cloud, { image: 'base', critical: 1, high: 0, medium: 0 })).toBeUndefined();
    await cloud.clock.run(minutes(10));

    const lines = await history();
    expect(lines).toContain(
      '1.0.0/1 findings reported: 1 critical, 1 medium — revoked (dev, prod: revokeOn), rebuild asked',
    );
    expect(lines).toContain(
      "1.0.0/1 revoked by goldsmith (vulnerabilities.revokeOn): 1 new critical finding; dev's revokeOn names critical",
    );
    expect(lines.join('\n')).not.toMatch(/exceeds the channel's maximum/);
    expect(await pointerOf('prod')).not.toBe('1.0.0/1');
    expect(lines).toContain('1.0.0/2 build requested (cve)');
  }, 120_000);
});
