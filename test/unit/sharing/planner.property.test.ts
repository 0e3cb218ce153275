import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grantKey, type LaunchGrant } from '../../../core/sharing/grants.js';
import {
  applyLaunchPermissionCalls,
  MAX_LAUNCH_PERMISSION_ENTRIES_PER_CALL,
  MAX_SNAPSHOT_MODIFICATIONS_PER_CALL,
  minimumLaunchPermissionCalls,
  planLaunchPermissions,
  planSnapshotPermissions,
} from '../../../core/sharing/planner.js';

const ORG = 'arn:aws:organizations::123456789012:organization/o-a1b2c3d4e5';
const ou = (n: number) => `arn:aws:organizations::123456789012:ou/o-a1b2c3d4e5/ou-ab12-${String(n).padStart(8, '0')}`;
const account = (n: number) => String(200000000000 + n);

// A small universe, so starting and target states overlap often.
const grantArb: fc.Arbitrary<LaunchGrant> = fc.oneof(
  fc.constant({ OrganizationArn: ORG }),
  fc.integer({ min: 0, max: 6 }).map((n) => ({ OrganizationalUnitArn: ou(n) })),
  fc.integer({ min: 0, max: 30 }).map((n) => ({ UserId: account(n) })),
);
const currentArb = fc.array(fc.oneof(grantArb, fc.constant<LaunchGrant>({ Group: 'all' })), { maxLength: 40 });
const desiredArb = fc.array(grantArb, { maxLength: 40 });
const keys = (gs: readonly LaunchGrant[]) => new Set(gs.map(grantKey));

describe('planLaunchPermissions', () => {
  it('turns any starting state into exactly the target state', () => {
    fc.assert(
      fc.property(currentArb, desiredArb, (current, desired) => {
        const after = applyLaunchPermissionCalls(current, planLaunchPermissions(current, desired));
        expect(keys(after)).toEqual(keys(desired));
      }),
    );
  });

  it('changes nothing when applied a second time', () => {
    fc.assert(
      fc.property(currentArb, desiredArb, (current, desired) => {
        const once = applyLaunchPermissionCalls(current, planLaunchPermissions(current, desired));
        expect(planLaunchPermissions(once, desired)).toEqual([]);
      }),
    );
  });

  it('makes the minimum number of calls, never a call without a change, never over the per-request limit', () => {
    fc.assert(
      fc.property(currentArb, desiredArb, (current, desired) => {
        const calls = planLaunchPermissions(current, desired);
        expect(calls).toHaveLength(minimumLaunchPermissionCalls(current, desired));
        for (const call of calls) {
          expect(call.Add.length + call.Remove.length).toBeGreaterThan(0);
          expect(call.Add.length + call.Remove.length).toBeLessThanOrEqual(MAX_LAUNCH_PERMISSION_ENTRIES_PER_CALL);
        }
      }),
    );
  });

  it('asks for nothing that is already in force', () => {
    fc.assert(
      fc.property(currentArb, desiredArb, (current, desired) => {
        const have = keys(current);
        for (const call of planLaunchPermissions(current, desired)) {
          for (const g of call.Add) expect(have.has(grantKey(g))).toBe(false);
        }
      }),
    );
  });

  it('splits 25 000 new account ids into three calls of at most 10 000', () => {
    const desired = Array.from({ length: 25_000 }, (_, i) => ({ UserId: account(i) }));
    const calls = planLaunchPermissions([{ OrganizationArn: ORG }], desired);
    expect(calls.map((c) => c.Add.length + c.Remove.length)).toEqual([10_000, 10_000, 5_001]);
    expect(keys(applyLaunchPermissionCalls([{ OrganizationArn: ORG }], calls))).toEqual(keys(desired));
  });

  it('removes a public grant found in force', () => {
    expect(planLaunchPermissions([{ Group: 'all' }, { UserId: account(1) }], [{ UserId: account(1) }])).toEqual([
      { Add: [], Remove: [{ Group: 'all' }] },
    ]);
  });
});

describe('planSnapshotPermissions', () => {
  const accountsArb = fc.uniqueArray(fc.integer({ min: 0, max: 1200 }).map(account), { maxLength: 1200 });

  it('reaches exactly the wanted accounts with add-only and remove-only calls of at most 500', () => {
    fc.assert(
      fc.property(accountsArb, accountsArb, (have, want) => {
        const { calls } = planSnapshotPermissions(
          have.map((UserId) => ({ UserId })),
          want,
        );
        const state = new Set(have);
        for (const call of calls) {
          expect(call.userIds.length).toBeGreaterThan(0);
          expect(call.userIds.length).toBeLessThanOrEqual(MAX_SNAPSHOT_MODIFICATIONS_PER_CALL);
          for (const id of call.userIds) {
            if (call.operation === 'add') state.add(id);
            else state.delete(id);
          }
        }
        expect(state).toEqual(new Set(want));
        const adds = want.filter((a) => !have.includes(a)).length;
        const removes = have.filter((a) => !want.includes(a)).length;
        expect(calls).toHaveLength(
          Math.ceil(adds / MAX_SNAPSHOT_MODIFICATIONS_PER_CALL) +
            Math.ceil(removes / MAX_SNAPSHOT_MODIFICATIONS_PER_CALL),
        );
      }),
      { numRuns: 50 },
    );
  });
});
