import { describe, expect, it } from 'vitest';
import { sameReading, usageFromEntries } from '../../../core/fleet/usage.js';

const AT = '2027-03-20T15:00:00.000Z';
const held = {
  observedAt: '2027-03-20T03:00:00.000Z',
  accounts: {
    '200000000001': { instances: 2, launchTemplates: 1 },
    '200000000002': { instances: 0, launchTemplates: 1 },
  },
  instances: 2,
  launchTemplates: 2,
};
const entries = [
  { AccountId: '200000000001', ResourceType: 'ec2:Instance', UsageCount: 2 },
  { AccountId: '200000000001', ResourceType: 'ec2:LaunchTemplate', UsageCount: 1 },
  { AccountId: '200000000002', ResourceType: 'ec2:LaunchTemplate', UsageCount: 1 },
];

describe('sameReading', () => {
  it('is true when the report counts what the item holds, in all and per account, whenever it was read', () => {
    expect(sameReading(held, usageFromEntries(entries, AT))).toBe(true);
    expect(sameReading({ ...held, accounts: {}, instances: 0, launchTemplates: 0 }, usageFromEntries([], AT))).toBe(
      true,
    );
  });

  it('is false when the totals, an account’s use or the accounts differ', () => {
    const more = [...entries, { AccountId: '200000000001', ResourceType: 'ec2:Instance', UsageCount: 1 }];
    expect(sameReading(held, usageFromEntries(more, AT))).toBe(false);
    // Same totals, moved from one account to another.
    const moved = entries.map((e) =>
      e.ResourceType === 'ec2:LaunchTemplate' ? { ...e, AccountId: '200000000003' } : e,
    );
    expect(sameReading(held, usageFromEntries(moved, AT))).toBe(false);
    // One account fewer.
    expect(sameReading(held, usageFromEntries(entries.slice(0, 2), AT))).toBe(false);
  });

  it('is false for an item with no observation yet', () => {
    expect(sameReading({}, usageFromEntries([], AT))).toBe(false);
    expect(sameReading({ ...held, observedAt: undefined }, usageFromEntries(entries, AT))).toBe(false);
  });
});
