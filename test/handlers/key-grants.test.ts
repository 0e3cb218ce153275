import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { KEY_GRANTS_PK, keyGrantsSk } from '../../core/audit/key-grants.js';
import { auditKeyGrants } from '../../functions/key-grants.js';
import {
  announced,
  autoScalingRole,
  BIG,
  grant,
  JOINER,
  KEY_ARN,
  KEY_ID,
  LEAVER,
  MOVED,
  NOW,
  STAYER,
  useKeyGrantsWorld,
  world,
} from './key-grants-world.js';

/**
 * The AMI key grants auditor (functions/key-grants.ts) against the local KMS, SNS and a ledger in dynalite: every
 * grant counted per Region through ListGrants' pages, the count kept and read back, the Region near the quota and
 * the accounts above their share announced by name, and the grants of accounts the key no longer serves revoked —
 * once.
 */

useKeyGrantsWorld();

describe('the AMI key grants auditor', () => {
  it('counts every grant through the pages, per account, and keeps the count in the ledger', async () => {
    const run = await auditKeyGrants(NOW);
    const home = run.regions.find((r) => r.region === 'us-east-1');
    expect(home).toMatchObject({ total: 160, accounts: 2, recorded: true });
    expect(run.regions.find((r) => r.region === 'eu-west-1')).toMatchObject({ total: 0, recorded: true });
    // 162 grants at 100 a page: two ListGrants calls in the home Region, one in the replica's.
    expect(world.calls['kms:ListGrants']).toBe(3);
    expect(world.fakes.kms.grantsHeld('us-east-1', KEY_ID)?.explicit).toBe(160);
    const held = await documentClient().send(
      new GetCommand({ TableName: 'ledger', Key: { pk: KEY_GRANTS_PK, sk: keyGrantsSk('us-east-1') } }),
    );
    expect(held.Item).toMatchObject({
      total: 160,
      keyArn: KEY_ARN,
      top: [
        { account: STAYER, grants: 130 },
        { account: BIG, grants: 30 },
      ],
    });
  });

  it('announces the Region at 80 % of the quota and names each account above its share', async () => {
    await auditKeyGrants(NOW);
    const high = announced().filter((n) => n.event === 'key-grants-high');
    expect(high.map((n) => n.detail)).toEqual([
      { finding: 'quota', region: 'us-east-1', total: 160, quota: 200 },
      { finding: 'account-share', region: 'us-east-1', total: 160, quota: 200, account: STAYER, grants: 130 },
      { finding: 'account-share', region: 'us-east-1', total: 160, quota: 200, account: BIG, grants: 30 },
    ]);
  });

  it("revokes the baseline's grants of an account that left and of one no channel targets, and announces each", async () => {
    const run = await auditKeyGrants(NOW);
    const home = run.regions.find((r) => r.region === 'us-east-1');
    expect(home?.revoked.map((r) => [r.account, r.outcome])).toEqual([
      [LEAVER, 'revoked'],
      [MOVED, 'revoked'],
    ]);
    const left = world.fakes.kms.key('us-east-1', KEY_ID)?.grants.map((g) => g.granteePrincipal) ?? [];
    expect(left).not.toContain(autoScalingRole(LEAVER));
    expect(left).not.toContain(autoScalingRole(MOVED));
    expect(left).toContain(autoScalingRole(STAYER));
    expect(
      announced()
        .filter((n) => n.event === 'key-grant-revoked')
        .map((n) => n.detail.reason),
    ).toEqual(['the account left the organization', 'no channel targets the account any more']);
  });

  it("keeps a joiner's fresh grant while the ledger's copy of the organization lags: Organizations says the key serves it", async () => {
    grant('us-east-1', JOINER, autoScalingRole(JOINER), 'goldsmith-auto-scaling-stack4');
    const run = await auditKeyGrants(NOW);
    const home = run.regions.find((r) => r.region === 'us-east-1');
    expect(home?.revoked.map((r) => r.account)).toEqual([LEAVER, MOVED]);
    expect(home?.kept).toEqual([
      {
        grantId: expect.any(String),
        account: JOINER,
        why: "Organizations says the key still serves the account (the ledger's copy of the organization lags)",
      },
    ]);
    expect(world.fakes.kms.key('us-east-1', KEY_ID)?.grants.map((g) => g.granteePrincipal)).toContain(
      autoScalingRole(JOINER),
    );
    expect(announced().filter((n) => n.event === 'key-grant-revoked' && n.detail.account === JOINER)).toEqual([]);
    // The leaver, the moved account and the joiner: each asked of Organizations once.
    expect(world.calls['organizations:DescribeAccount']).toBe(3);
  });

  it('run again the same day: nothing revoked, nothing announced twice', async () => {
    await auditKeyGrants(NOW);
    const before = world.fakes.sns.messages.length;
    const again = await auditKeyGrants(new Date(NOW.getTime() + 3600_000));
    expect(again.regions.flatMap((r) => r.revoked)).toEqual([]);
    expect(world.fakes.sns.messages.length).toBe(before);
  });

  it('without a held organization, counts every grant and revokes none', async () => {
    await documentClient().send(new DeleteCommand({ TableName: 'ledger', Key: { pk: 'ORG', sk: 'STATE' } }));
    const run = await auditKeyGrants(NOW);
    expect(run.sweepSkipped).toMatch(/no organization/);
    expect(run.regions.find((r) => r.region === 'us-east-1')).toMatchObject({ total: 162, revoked: [] });
    expect(world.fakes.kms.grantsHeld('us-east-1', KEY_ID)?.explicit).toBe(162);
  });
});
