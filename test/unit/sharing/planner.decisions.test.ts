import { describe, expect, it } from 'vitest';
import { grantFrom, grantKey, isAccountGrant, type LaunchGrant, uniqueGrants } from '../../../core/sharing/grants.js';
import {
  applyLaunchPermissionCalls,
  diffGrants,
  MAX_LAUNCH_PERMISSION_ENTRIES_PER_CALL,
  MAX_SNAPSHOT_MODIFICATIONS_PER_CALL,
  minimumLaunchPermissionCalls,
  planLaunchPermissions,
  planSnapshotPermissions,
} from '../../../core/sharing/planner.js';

const account = (n: number): LaunchGrant => ({ UserId: String(100000000000 + n) });
const accounts = (from: number, count: number) => Array.from({ length: count }, (_, i) => account(from + i));
const ORG = { OrganizationArn: 'arn:aws:organizations::111111111111:organization/o-a1b2c3d4e5' };
const OU = { OrganizationalUnitArn: 'arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-x1y2-aaaaaaaa' };

describe('EC2 per-request limits', () => {
  it('are the documented 10 000 launch permission entries and 500 snapshot modifications', () => {
    expect(MAX_LAUNCH_PERMISSION_ENTRIES_PER_CALL).toBe(10_000);
    expect(MAX_SNAPSHOT_MODIFICATIONS_PER_CALL).toBe(500);
  });
});

describe('planLaunchPermissions', () => {
  it('asks for nothing when what is in force is what is wanted, in any order and with duplicates', () => {
    expect(planLaunchPermissions([ORG, OU, account(1)], [account(1), OU, ORG, OU])).toEqual([]);
  });

  it('packs additions and removals into one call', () => {
    expect(planLaunchPermissions([account(1), OU], [account(2), OU])).toEqual([
      { Add: [account(2)], Remove: [account(1)] },
    ]);
  });

  it('fills each call to exactly 10 000 entries, additions first', () => {
    const calls = planLaunchPermissions(accounts(0, 3), accounts(3, MAX_LAUNCH_PERMISSION_ENTRIES_PER_CALL));
    expect(calls.map((c) => [c.Add.length, c.Remove.length])).toEqual([
      [10_000, 0],
      [0, 3],
    ]);
    const exact = planLaunchPermissions([], accounts(0, MAX_LAUNCH_PERMISSION_ENTRIES_PER_CALL));
    expect(exact).toHaveLength(1);
    expect(planLaunchPermissions([], accounts(0, MAX_LAUNCH_PERMISSION_ENTRIES_PER_CALL + 1))).toHaveLength(2);
  });

  it('replaces the organization grant by OU grants: the OU is added before the organization is removed', () => {
    expect(planLaunchPermissions([ORG], [OU])).toEqual([{ Add: [OU], Remove: [ORG] }]);
  });
});

describe('minimumLaunchPermissionCalls', () => {
  it('is the number of changed entries over 10 000, rounded up', () => {
    expect(minimumLaunchPermissionCalls([account(1)], [account(1)])).toBe(0);
    expect(minimumLaunchPermissionCalls([account(1)], [account(2)])).toBe(1);
    expect(minimumLaunchPermissionCalls([], accounts(0, 10_000))).toBe(1);
    expect(minimumLaunchPermissionCalls(accounts(0, 1), accounts(1, 10_000))).toBe(2);
  });
});

describe('diffGrants', () => {
  it('adds what is wanted and missing, removes what is in force and unwanted, each once', () => {
    expect(diffGrants([account(1), account(1), ORG], [account(2), account(2), ORG])).toEqual({
      add: [account(2)],
      remove: [account(1)],
    });
  });
});

describe('applyLaunchPermissionCalls', () => {
  it('applies a call’s removals before its additions, as EC2 does', () => {
    expect(applyLaunchPermissionCalls([account(1)], [{ Add: [account(1)], Remove: [account(1)] }])).toEqual([
      account(1),
    ]);
    expect(applyLaunchPermissionCalls([account(1), OU], [{ Add: [account(2)], Remove: [OU] }])).toEqual([
      account(1),
      account(2),
    ]);
  });

  it('applies calls in order', () => {
    const calls = [
      { Add: [account(2)], Remove: [] },
      { Add: [], Remove: [account(2)] },
    ];
    expect(applyLaunchPermissionCalls([], calls)).toEqual([]);
  });
});

describe('planSnapshotPermissions', () => {
  it('adds then removes account ids, sorted, never both in one call', () => {
    expect(planSnapshotPermissions([account(3), account(1)], ['100000000002', '100000000001', '100000000000'])).toEqual(
      {
        calls: [
          { operation: 'add', userIds: ['100000000000', '100000000002'] },
          { operation: 'remove', userIds: ['100000000003'] },
        ],
        removePublic: false,
      },
    );
  });

  it('lists removals sorted too, whatever order they are in force', () => {
    expect(planSnapshotPermissions([account(9), account(4), account(7)], []).calls).toEqual([
      { operation: 'remove', userIds: ['100000000004', '100000000007', '100000000009'] },
    ]);
  });

  it('splits at exactly 500 account ids a call', () => {
    const want = accounts(0, 501).map((g) => ('UserId' in g ? g.UserId : ''));
    const { calls } = planSnapshotPermissions([], want);
    expect(calls.map((c) => [c.operation, c.userIds.length])).toEqual([
      ['add', 500],
      ['add', 1],
    ]);
    expect(planSnapshotPermissions([], want.slice(0, 500)).calls).toHaveLength(1);
    const remove = planSnapshotPermissions(accounts(0, 501), []).calls;
    expect(remove.map((c) => [c.operation, c.userIds.length])).toEqual([
      ['remove', 500],
      ['remove', 1],
    ]);
  });

  it('ignores organization and OU grants (snapshots are shared with accounts only) and removes a public one', () => {
    expect(planSnapshotPermissions([ORG, OU, { Group: 'all' }], [])).toEqual({ calls: [], removePublic: true });
    expect(planSnapshotPermissions([ORG, OU], [])).toEqual({ calls: [], removePublic: false });
  });
});

describe('launch grants', () => {
  it('each kind has its own key', () => {
    expect([account(1), OU, ORG, { Group: 'all' as const }].map(grantKey)).toEqual([
      'account:100000000001',
      `ou:${OU.OrganizationalUnitArn}`,
      `org:${ORG.OrganizationArn}`,
      'group:all',
    ]);
  });

  it('only an account id is an account grant', () => {
    expect([account(1), OU, ORG, { Group: 'all' as const }].map(isAccountGrant)).toEqual([true, false, false, false]);
  });

  it('reads the first field EC2 set: account, then OU, then organization, then the public group', () => {
    expect(grantFrom({ UserId: '1', OrganizationalUnitArn: 'ou', OrganizationArn: 'org', Group: 'all' })).toEqual({
      UserId: '1',
    });
    expect(grantFrom({ OrganizationalUnitArn: 'ou', OrganizationArn: 'org', Group: 'all' })).toEqual({
      OrganizationalUnitArn: 'ou',
    });
    expect(grantFrom({ OrganizationArn: 'org', Group: 'all' })).toEqual({ OrganizationArn: 'org' });
    expect(grantFrom({ Group: 'all' })).toEqual({ Group: 'all' });
    expect(grantFrom({ Group: 'other' })).toBeUndefined();
    expect(grantFrom({ UserId: '' })).toBeUndefined();
  });

  it('uniqueGrants keeps the first of each, ordered by key', () => {
    const first = { UserId: '2' };
    expect(uniqueGrants([first, ORG, { UserId: '1' }, { UserId: '2' }, OU])).toEqual([{ UserId: '1' }, first, ORG, OU]);
    expect(uniqueGrants([first, { UserId: '2' }])[0]).toBe(first);
  });
});
