import { BatchGetCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { auditKeyGrants } from '../../functions/key-grants.js';
import { grant, LEAVER, NOW, useKeyGrantsWorld, world } from './key-grants-world.js';

/**
 * How often the AMI key grants auditor lists a Region (core/audit/key-grants.ts `countDue`): ListGrants pages through
 * every grant, so a Region whose count nothing has changed keeps that count for up to a week; one near the quota, or
 * whose organization changed, is listed every day. The world: 160 grants in us-east-1 against a quota of 200 (past
 * half of it), none in eu-west-1.
 */

useKeyGrantsWorld();

const DAY = 86_400_000;
const later = (days: number) => new Date(NOW.getTime() + days * DAY);
const byRegion = (run: Awaited<ReturnType<typeof auditKeyGrants>>) =>
  Object.fromEntries(run.regions.map((r) => [r.region, r]));

describe('the AMI key grants auditor lists only what may have changed', () => {
  it('keeps a quiet Region’s count for a week, and lists it again then', async () => {
    await auditKeyGrants(NOW);
    const first = world.calls['kms:ListGrants'] ?? 0;
    // A grant made outside the baseline meanwhile (an EBS volume's, say) is seen at the next full count.
    grant('eu-west-1', LEAVER, 'arn:aws:iam::444455556666:role/outside', 'outside');

    const nextDay = byRegion(await auditKeyGrants(later(1)));
    expect(nextDay['eu-west-1']).toMatchObject({ total: 0, heldFrom: NOW.toISOString(), revoked: [], findings: [] });
    expect(nextDay['eu-west-1']?.listed).toBeUndefined();
    // The home Region is past half its quota: listed every day (two pages).
    expect(nextDay['us-east-1']).toMatchObject({ total: 160, listed: 'the last count was past 50 % of the quota' });
    expect(world.calls['kms:ListGrants']).toBe(first + 2);

    const week = byRegion(await auditKeyGrants(later(7)));
    expect(week['eu-west-1']).toMatchObject({ total: 1, listed: '7 days since the last count' });
  });

  it("reads every Region's held count in one request, not one a Region", async () => {
    await auditKeyGrants(NOW);
    const send = vi.spyOn(documentClient(), 'send');
    const nextDay = byRegion(await auditKeyGrants(later(1)));
    const sent = send.mock.calls.map(([command]) => command);
    send.mockRestore();

    // The quiet Region's count stands, read from the ledger; the busy one is listed and its new count read back.
    expect(nextDay['eu-west-1']).toMatchObject({ total: 0, heldFrom: NOW.toISOString() });
    const countReads = sent.filter(
      (c) => c instanceof BatchGetCommand && c.input.RequestItems?.ledger?.Keys?.some((k) => k.pk === 'KEYGRANTS'),
    );
    expect(countReads).toHaveLength(1);
    const gets = sent.filter((c) => c instanceof GetCommand && c.input.Key?.pk === 'KEYGRANTS');
    // Only the read-back of the one count written (us-east-1's).
    expect(gets.map((c) => (c as GetCommand).input.Key?.sk)).toEqual(['REGION#us-east-1']);
  });

  it('reads the organization the ledger holds only on a day a Region is listed, once for every Region listed', async () => {
    const heldTreeReads = async (at: Date) => {
      const send = vi.spyOn(documentClient(), 'send');
      const run = byRegion(await auditKeyGrants(at));
      const queries = send.mock.calls
        .map(([command]) => command)
        .filter((c) => c instanceof QueryCommand && c.input.ExpressionAttributeValues?.[':pk'] === 'ORG');
      send.mockRestore();
      return { run, reads: queries.length };
    };
    // The first count lists both Regions: the tree is read once for the two.
    const first = await heldTreeReads(NOW);
    expect(Object.values(first.run).filter((r) => r.listed !== undefined)).toHaveLength(2);
    expect(first.reads).toBe(1);
    // The home Region's held count brought under half the quota: the next day lists no Region, and the tree (every
    // OU and account item) is not read; the STATE item alone says the organization did not change.
    await documentClient().send(
      new UpdateCommand({
        TableName: 'ledger',
        Key: { pk: 'KEYGRANTS', sk: 'REGION#us-east-1' },
        UpdateExpression: 'SET #total = :total',
        ExpressionAttributeNames: { '#total': 'total' },
        ExpressionAttributeValues: { ':total': 10 },
      }),
    );
    const quiet = await heldTreeReads(later(1));
    expect(Object.values(quiet.run).filter((r) => r.listed !== undefined)).toHaveLength(0);
    expect(quiet.reads).toBe(0);
  });

  it('lists every Region again once the organization the ledger holds changed after its count', async () => {
    await auditKeyGrants(NOW);
    await documentClient().send(
      new UpdateCommand({
        TableName: 'ledger',
        Key: { pk: 'ORG', sk: 'STATE' },
        UpdateExpression: 'SET changedAt = :at',
        ExpressionAttributeValues: { ':at': later(0.5).toISOString() },
      }),
    );
    const next = byRegion(await auditKeyGrants(later(1)));
    expect(next['eu-west-1']).toMatchObject({ listed: 'the organization changed since the last count' });
  });
});
