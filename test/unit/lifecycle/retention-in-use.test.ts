import { describe, expect, it } from 'vitest';
import { inUse, needsReport, usageFromEntries } from '../../../core/fleet/usage.js';
import { planRetention } from '../../../core/lifecycle/retention.js';

const POLICY = { keep: 1, deleteAfterSeconds: 3 * 86_400, unpromotedGraceSeconds: 86_400 };
const promoted = (version: string, at: string, extra: Record<string, string> = {}) => ({
  version,
  promotions: [{ channel: 'prod', at }],
  ...extra,
});

describe('retention of versions member accounts still use', () => {
  const builds = [
    promoted('1.0.0/1', '2027-01-01T00:00:00Z', { retiredAt: '2027-01-02T00:00:00Z' }),
    promoted('1.0.0/2', '2027-01-03T00:00:00Z', { revokedAt: '2027-01-04T00:00:00Z' }),
    promoted('1.0.0/3', '2027-01-05T00:00:00Z'),
    promoted('1.0.0/4', '2027-01-06T00:00:00Z'),
  ];
  const input = {
    now: '2027-01-20T00:00:00Z',
    policy: POLICY,
    builds,
    pointers: { prod: '1.0.0/4' },
    heldByDescendants: new Set<string>(),
  };

  it('deletes what nobody uses and holds what somebody does, revoked or retired', () => {
    const plan = planRetention({ ...input, inUse: new Set(['1.0.0/1', '1.0.0/2']) });
    expect(plan.delete).toEqual([]);
    expect(plan.held['1.0.0/1']).toBe('in-use');
    expect(plan.held['1.0.0/2']).toBe('in-use');
    const none = planRetention(input);
    expect(none.delete.map((d) => d.version)).toEqual(['1.0.0/1', '1.0.0/2']);
  });

  it('retires a version in use but keeps its launch permissions', () => {
    const plan = planRetention({ ...input, inUse: new Set(['1.0.0/3']) });
    expect(plan.retire).toEqual(['1.0.0/3']);
    expect(plan.keepShared).toEqual(['1.0.0/3']);
    expect(planRetention(input).keepShared).toEqual([]);
  });
});

describe('usage observations', () => {
  it('sums report entries per account, leaving out Image Builder recipes', () => {
    const o = usageFromEntries(
      [
        { AccountId: '210000000001', ResourceType: 'ec2:Instance', UsageCount: 3 },
        { AccountId: '210000000001', ResourceType: 'ec2:LaunchTemplate', UsageCount: 1 },
        { AccountId: '210000000002', ResourceType: 'imagebuilder:ImageRecipe', UsageCount: 2 },
      ],
      '2027-01-01T00:00:00Z',
    );
    expect(o.accounts).toEqual({ '210000000001': { instances: 3, launchTemplates: 1 } });
    expect([o.instances, o.launchTemplates, inUse(o)]).toEqual([3, 1, true]);
    expect(inUse(usageFromEntries([], '2027-01-01T00:00:00Z'))).toBe(false);
  });

  it('asks for a new report once a day, never while one is pending', () => {
    expect(needsReport(undefined, '2027-01-02T00:00:00Z')).toBe(true);
    expect(needsReport({ reportId: 'amiur-1' }, '2027-01-02T00:00:00Z')).toBe(false);
    expect(needsReport({ observedAt: '2027-01-01T12:00:00Z' }, '2027-01-02T00:00:00Z')).toBe(false);
    expect(needsReport({ observedAt: '2027-01-01T00:00:00Z' }, '2027-01-02T00:00:00Z')).toBe(true);
  });
});
