import { describe, expect, it } from 'vitest';
import { ORGANIZATION_SHAPE, totalAccounts, totalOus } from '../../../bench/catalog.js';
import { OrganizationsFake, organizationFromCatalog } from '../../../local/fakes/organizations.js';

const catalog = {
  organization: { id: 'o-a1b2c3d4e5' },
  channels: [
    { targets: { ous: ['ou-x1y2-dev00001'], accounts: [], exclude: { ous: [], accounts: [] } } },
    { targets: { ous: ['ou-x1y2-prd00001'], accounts: [], exclude: { ous: [], accounts: [] } } },
  ],
};
const MANAGEMENT = '111111111111';

function fake(opts: { levels?: number; fanOut?: number; accountsPerOu?: number } = {}) {
  return new OrganizationsFake(organizationFromCatalog(catalog, { managementAccountId: MANAGEMENT, ...opts }));
}

describe("the simulator's organization", () => {
  it('nests OUs below each channel OU and puts the accounts in the deepest ones', () => {
    const org = fake({ levels: 3, fanOut: 2, accountsPerOu: 5 });
    // 2 channel OUs, each with 2 children and 4 grandchildren: 14 OUs; 8 deepest × 5 accounts.
    const accounts = org.accountIds().filter((a) => a !== MANAGEMENT);
    expect(accounts).toHaveLength(40);
    const deep = accounts[0]!;
    expect(org.ancestors(deep)).toHaveLength(4);
    expect(org.ancestors(deep).at(-2)).toBe('ou-x1y2-dev00001');
    expect(org.accountsUnder('ou-x1y2-dev00001')).toHaveLength(20);
  });

  it("the benchmark's fleet-scale shape is 4,960 accounts in 210 OUs", () => {
    expect(totalAccounts(ORGANIZATION_SHAPE)).toBe(4960);
    expect(totalOus(ORGANIZATION_SHAPE)).toBe(210);
  });
});

describe('changes to the organization, as an administrator makes them', () => {
  it('moves an account and reports the move as CloudTrail delivers it', () => {
    const org = fake({ accountsPerOu: 2 });
    const account = org.accountsUnder('ou-x1y2-dev00001')[0]!;
    const [event, ...more] = org.change(
      { change: 'move-account', account, to: 'ou-x1y2-prd00001' },
      '2027-01-02T00:00:00Z',
    );
    expect(more).toEqual([]);
    expect(org.ancestors(account)[0]).toBe('ou-x1y2-prd00001');
    expect(org.accountsUnder('ou-x1y2-dev00001')).not.toContain(account);
    expect(event).toMatchObject({
      source: 'aws.organizations',
      'detail-type': 'AWS API Call via CloudTrail',
      region: 'us-east-1',
      detail: {
        eventName: 'MoveAccount',
        requestParameters: {
          accountId: account,
          sourceParentId: 'ou-x1y2-dev00001',
          destinationParentId: 'ou-x1y2-prd00001',
        },
      },
    });
  });

  it('closes, tags and untags accounts; a created account is told by CreateAccountResult', () => {
    const org = fake({ accountsPerOu: 1 });
    const [created, joined] = org.change({ change: 'create-account', account: '300000000001' }, '2027-01-02T00:00:00Z');
    expect(created?.['detail-type']).toBe('AWS Service Event via CloudTrail');
    expect(joined?.detail).toMatchObject({
      eventName: 'AccountJoinedOrganization',
      serviceEventDetails: { accountId: '300000000001', joinedMethod: 'Created' },
    });
    expect(org.isMember('300000000001')).toBe(true);
    org.change({ change: 'tag-account', account: '300000000001', tags: { ring: 'early' } }, '2027-01-02T00:00:00Z');
    expect(org.accountTags('300000000001')).toEqual({ ring: 'early' });
    const [untag] = org.change(
      { change: 'tag-account', account: '300000000001', tags: { ring: null } },
      '2027-01-02T00:00:00Z',
    );
    expect(untag?.detail.eventName).toBe('UntagResource');
    expect(org.accountTags('300000000001')).toEqual({});
    org.change({ change: 'close-account', account: '300000000001' }, '2027-01-02T00:00:00Z');
    expect(org.accountState('300000000001')).toBe('PENDING_CLOSURE');
  });

  it('tells a voluntary leave and an accepted invitation only by membership events, from us-east-1 to the management account', () => {
    const org = fake({ accountsPerOu: 1 });
    const member = org.accountsUnder('ou-x1y2-dev00001')[0]!;
    const left = org.change({ change: 'leave-organization', account: member }, '2027-01-02T00:00:00Z');
    expect(org.isMember(member)).toBe(false);
    expect(org.formerMembers.has(member)).toBe(true);
    expect(left).toEqual([
      expect.objectContaining({
        source: 'aws.organizations',
        'detail-type': 'AWS Service Event via CloudTrail',
        account: MANAGEMENT,
        region: 'us-east-1',
        detail: expect.objectContaining({
          eventName: 'AccountDepartedOrganization',
          eventType: 'AwsServiceEvent',
          recipientAccountId: MANAGEMENT,
          serviceEventDetails: { accountId: member, departedMethod: 'Left', departedTime: '2027-01-02T00:00:00Z' },
        }),
      }),
    ]);
    const joined = org.change({ change: 'accept-invitation', account: '300000000009' }, '2027-01-02T01:00:00Z');
    expect(org.ancestors('300000000009')).toEqual([org.rootId]);
    expect(joined.map((e) => e.detail.serviceEventDetails)).toEqual([
      { accountId: '300000000009', joinedMethod: 'Invited', joinedTime: '2027-01-02T01:00:00Z' },
    ]);
    const removed = org.change({ change: 'remove-account', account: '300000000009' }, '2027-01-02T02:00:00Z');
    expect(removed.map((e) => e.detail.eventName)).toEqual([
      'RemoveAccountFromOrganization',
      'AccountDepartedOrganization',
    ]);
    expect(() => org.change({ change: 'leave-organization', account: MANAGEMENT }, '2027-01-02T03:00:00Z')).toThrow(
      /cannot leave/,
    );
  });

  it('refuses to delete an OU that still holds accounts, and to move to an OU that does not exist', () => {
    const org = fake({ accountsPerOu: 1 });
    expect(() => org.change({ change: 'delete-ou', ou: 'ou-x1y2-dev00001' }, '2027-01-02T00:00:00Z')).toThrow(
      /still has accounts/,
    );
    const account = org.accountsUnder('ou-x1y2-dev00001')[0]!;
    expect(() =>
      org.change({ change: 'move-account', account, to: 'ou-x1y2-none0001' }, '2027-01-02T00:00:00Z'),
    ).toThrow(/no root or OU/);
  });
});
