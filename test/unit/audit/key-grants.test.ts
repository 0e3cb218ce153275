import { describe, expect, it } from 'vitest';
import {
  confirmLeftover,
  countGrants,
  grantAccount,
  grantFindings,
  KEEP_IN_FLIGHT_MS,
  type ListedGrant,
  leftoverGrants,
  notServedReason,
} from '../../../core/audit/key-grants.js';
import { catalogShapeSchema } from '../../../core/config/schema.js';
import type { OrgTree } from '../../../core/sharing/targets.js';

/** The grants count's pure decisions (core/audit/key-grants.ts): whose grant, how many, what to announce and revoke. */

const OU = 'ou-x1y2-dev00001';
const OTHER_OU = 'ou-x1y2-sbx00001';
const tree: OrgTree = {
  organizationArn: 'arn:aws:organizations::999988887777:organization/o-a1b2c3d4e5',
  rootId: 'r-x1y2',
  ous: new Map([
    [OU, { arn: 'arn', parentId: 'r-x1y2' }],
    [OTHER_OU, { arn: 'arn', parentId: 'r-x1y2' }],
  ]),
  accounts: new Map([
    ['200000000001', { parentId: OU, state: 'ACTIVE' }],
    ['200000000002', { parentId: OTHER_OU, state: 'ACTIVE' }],
    ['200000000003', { parentId: OU, state: 'SUSPENDED' }],
    ['111122223333', { parentId: 'r-x1y2', state: 'ACTIVE' }],
  ]),
  tagsRead: false,
};
const catalogTargeting = (targets: Record<string, unknown>) =>
  catalogShapeSchema.parse({
    organization: { id: 'o-a1b2c3d4e5', homeRegion: 'us-east-1' },
    images: {
      solo: {
        parent: 'ami-0123456789abcdef0',
        components: [{ managed: 'update-linux', version: '1.0.x' }],
        regions: ['us-east-1'],
      },
    },
    channels: [{ name: 'live', targets }],
  });
const byOu = catalogTargeting({ ous: [OU] });
const wholeOrg = catalogTargeting({ organization: true });
const role = (a: string) =>
  `arn:aws:iam::${a}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
const baseline = (a: string, id = a): ListedGrant => ({
  grantId: id,
  name: `goldsmith-auto-scaling-${id}`,
  granteePrincipal: role(a),
  issuingAccount: `arn:aws:iam::${a}:root`,
});
const volume = (a: string, id: string): ListedGrant => ({
  grantId: id,
  granteePrincipal: 'aws:ec2-infrastructure',
  issuingAccount: `arn:aws:iam::${a}:root`,
});

describe('grantAccount', () => {
  it("is the grantee's account for a role, the issuer's for a volume's grant", () => {
    expect(grantAccount(baseline('200000000001'))).toBe('200000000001');
    expect(grantAccount(volume('200000000002', 'v'))).toBe('200000000002');
    expect(grantAccount({ grantId: 'x', granteePrincipal: 'aws:ec2-infrastructure' })).toBeUndefined();
  });
});

describe('countGrants and grantFindings', () => {
  const grants = [
    ...Array.from({ length: 7 }, (_, i) => volume('200000000001', `a${i}`)),
    ...Array.from({ length: 2 }, (_, i) => volume('200000000002', `b${i}`)),
    { grantId: 'anon', granteePrincipal: 'aws:ec2-infrastructure' },
  ];
  const count = countGrants('eu-west-1', 'arn:key', grants, '2027-01-01T00:00:00.000Z');

  it('counts the total and the largest holders first', () => {
    expect(count).toMatchObject({ total: 10, accounts: 3 });
    expect(count.top).toEqual([
      { account: '200000000001', grants: 7 },
      { account: '200000000002', grants: 2 },
    ]);
  });

  it('announces the Region from 80 % of the quota, and each account above its share', () => {
    expect(grantFindings(count, 12, 0.5).map((f) => [f.finding, f.account])).toEqual([
      ['quota', undefined],
      ['account-share', '200000000001'],
    ]);
    // 10 of 13 is under 80 %; 7 is not more than 60 % of 13 (7.8).
    expect(grantFindings(count, 13, 0.6)).toEqual([]);
  });
});

describe('leftoverGrants', () => {
  it('revokes the grants to the Auto Scaling roles of accounts gone, suspended or no longer targeted, whatever their name; never volumes nor the factory', () => {
    const grants = [
      baseline('200000000001'),
      baseline('200000000002'),
      baseline('200000000003'),
      baseline('444455556666'),
      baseline('111122223333'),
      volume('444455556666', 'vol'),
      { ...baseline('444455556666', 'hand'), name: 'made-by-hand' },
    ];
    expect(leftoverGrants(byOu, tree, '111122223333', grants).map((l) => [l.account, l.reason])).toEqual([
      ['200000000002', 'no channel targets the account any more'],
      ['200000000003', 'the account is suspended'],
      ['444455556666', 'the account left the organization'],
      ['444455556666', 'the account left the organization'],
    ]);
  });

  it('a channel for the whole organization serves every active member', () => {
    expect(notServedReason(wholeOrg, tree, '200000000002')).toBeUndefined();
    expect(notServedReason(wholeOrg, tree, '444455556666')).toBe('the account left the organization');
  });
});

describe('confirmLeftover: a leftover of the ledger’s copy is revoked only on AWS’s word', () => {
  const leftover = (account: string) => ({
    grant: baseline(account),
    account,
    reason: 'the account left the organization',
  });

  it('revokes when Organizations no longer has the account, whatever the StackSet lists', () => {
    expect(confirmLeftover(byOu, leftover('444455556666'), { organization: 'gone', instances: [] })).toEqual({
      revoke: leftover('444455556666'),
    });
  });

  it('keeps the grant of an account Organizations has under a targeted OU (a joiner the ledger has not read)', () => {
    expect(confirmLeftover(byOu, leftover('200000000001'), { organization: tree })).toEqual({
      keep: "Organizations says the key still serves the account (the ledger's copy of the organization lags)",
    });
  });

  const at = '2027-01-01T06:00:00.000Z';
  const hoursLater = (h: number) => new Date(Date.parse(at) + h * 3600_000).toISOString();

  it('keeps the grant of an account outside the targets while its instance has an operation in flight, for the bound at most; revokes it once none is listed', () => {
    const word = { organization: tree, instances: [{ status: 'CURRENT', detailed: 'RUNNING' }] };
    expect(confirmLeftover(byOu, leftover('200000000002'), word, { now: at })).toEqual({
      keep: "the member baseline's StackSet has an operation in flight on its stack instance (CURRENT RUNNING), whose deletion retires the grant",
      until: hoursLater(KEEP_IN_FLIGHT_MS / 3600_000),
    });
    expect(confirmLeftover(byOu, leftover('200000000002'), word, { now: hoursLater(12), keptSince: at })).toMatchObject(
      { revoke: { reason: expect.stringMatching(/still CURRENT RUNNING 12 hours after/) } },
    );
    expect(confirmLeftover(byOu, leftover('200000000002'), { organization: tree, instances: [] })).toEqual({
      revoke: { ...leftover('200000000002'), reason: 'no channel targets the account any more' },
    });
  });

  it('revokes at once the grant of an account whose instance is left stuck OUTDATED FAILED or INOPERABLE', () => {
    for (const stuck of [
      { status: 'OUTDATED', detailed: 'FAILED' },
      { status: 'INOPERABLE', detailed: 'INOPERABLE' },
      { status: 'OUTDATED', detailed: 'CANCELLED' },
    ])
      expect(
        confirmLeftover(byOu, leftover('200000000002'), { organization: tree, instances: [stuck] }, { now: at }),
      ).toEqual({
        revoke: {
          ...leftover('200000000002'),
          reason: `no channel targets the account any more; its stack instance is ${stuck.status} ${stuck.detailed}, no operation under way`,
        },
      });
  });

  it('revokes a suspended account’s grant with Organizations’ reason, though its instance is still listed', () => {
    const word = { organization: tree, instances: [{ status: 'CURRENT' }] };
    expect(confirmLeftover(byOu, leftover('200000000003'), word)).toEqual({
      revoke: { ...leftover('200000000003'), reason: 'the account is suspended' },
    });
  });
});
