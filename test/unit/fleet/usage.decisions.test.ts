import { describe, expect, it } from 'vitest';
import {
  inUse,
  needsReport,
  USAGE_REFRESH_SECONDS,
  usageFromEntries,
  usageReportToken,
  usersOfVersion,
} from '../../../core/fleet/usage.js';

const AT = '2027-01-01T00:00:00Z';

describe('usageFromEntries', () => {
  it('sums the entries of each account and of the whole report, and keeps the observation time', () => {
    expect(
      usageFromEntries(
        [
          { AccountId: '210000000001', ResourceType: 'ec2:Instance', UsageCount: 3 },
          { AccountId: '210000000002', ResourceType: 'ec2:Instance', UsageCount: 4 },
          { AccountId: '210000000001', ResourceType: 'ec2:Instance', UsageCount: 2 },
          { AccountId: '210000000002', ResourceType: 'ec2:LaunchTemplate', UsageCount: 1 },
          { AccountId: '210000000002', ResourceType: 'ec2:LaunchTemplate', UsageCount: 5 },
        ],
        AT,
      ),
    ).toEqual({
      observedAt: AT,
      accounts: {
        '210000000001': { instances: 5, launchTemplates: 0 },
        '210000000002': { instances: 4, launchTemplates: 6 },
      },
      instances: 9,
      launchTemplates: 6,
    });
  });

  it('leaves out entries without an account or a count', () => {
    expect(
      usageFromEntries(
        [
          { ResourceType: 'ec2:Instance', UsageCount: 3 },
          { AccountId: '210000000001', ResourceType: 'ec2:Instance' },
          { AccountId: '210000000001', ResourceType: 'ec2:LaunchTemplate', UsageCount: 0 },
        ],
        AT,
      ),
    ).toEqual({ observedAt: AT, accounts: {}, instances: 0, launchTemplates: 0 });
  });

  it("keeps an account's fleet use when a recipe entry of the same account follows it", () => {
    const o = usageFromEntries(
      [
        { AccountId: '210000000001', ResourceType: 'ec2:Instance', UsageCount: 1 },
        { AccountId: '210000000001', ResourceType: 'imagebuilder:ImageRecipe', UsageCount: 7 },
      ],
      AT,
    );
    expect(o.accounts).toEqual({ '210000000001': { instances: 1, launchTemplates: 0 } });
    expect([o.instances, o.launchTemplates]).toEqual([1, 0]);
  });
});

describe('inUse', () => {
  it('is in use with an instance or a launch template, not with neither nor without an observation', () => {
    expect(inUse({ instances: 1, launchTemplates: 0 })).toBe(true);
    expect(inUse({ instances: 0, launchTemplates: 1 })).toBe(true);
    expect(inUse({ instances: 0, launchTemplates: 0 })).toBe(false);
    expect(inUse(undefined)).toBe(false);
  });
});

describe('needsReport', () => {
  it('asks again once the last observation is 20 hours old, not a second earlier', () => {
    expect(USAGE_REFRESH_SECONDS).toBe(72_000);
    expect(needsReport({ observedAt: '2027-01-01T00:00:00Z' }, '2027-01-01T20:00:00Z')).toBe(true);
    expect(needsReport({ observedAt: '2027-01-01T00:00:00Z' }, '2027-01-01T19:59:59Z')).toBe(false);
  });

  it('never asks while a report is pending, however old the last observation', () => {
    expect(needsReport({ reportId: 'amiur-1', observedAt: '2026-01-01T00:00:00Z' }, '2027-01-01T00:00:00Z')).toBe(
      false,
    );
  });

  it('counts from when the observed report was asked for, so a report read today is followed by one asked today', () => {
    // Asked for at yesterday's sweep, read at today's: today's sweep asks again, a day after the last request.
    const item = { observedAt: '2027-01-02T00:00:00Z', lastRequestedAt: '2027-01-01T00:00:00Z' };
    expect(needsReport(item, '2027-01-02T00:00:00Z')).toBe(true);
    expect(needsReport({ ...item, lastRequestedAt: '2027-01-01T04:00:01Z' }, '2027-01-02T00:00:00Z')).toBe(false);
  });

  it('asks for an AMI never observed', () => {
    expect(needsReport({}, '2027-01-01T00:00:00Z')).toBe(true);
  });
});

describe('usageReportToken', () => {
  it("is the same all day for one AMI, and another for the next day's report", () => {
    expect(usageReportToken('ami-0123456789abcdef0', '2027-01-01T23:59:59Z')).toBe(
      'goldsmith-usage-ami-0123456789abcdef0-2027-01-01',
    );
    expect(usageReportToken('ami-0123456789abcdef0', '2027-01-02T00:00:00Z')).toBe(
      'goldsmith-usage-ami-0123456789abcdef0-2027-01-02',
    );
  });
});

describe('usersOfVersion', () => {
  it('carries each user’s counts, Region and observation time', () => {
    expect(
      usersOfVersion([
        {
          region: 'us-east-1',
          observedAt: '2027-02-02T00:00:00.000Z',
          accounts: { '200000000001': { instances: 2, launchTemplates: 1 } },
        },
        { region: 'eu-west-1', observedAt: '2027-02-02T00:00:00.000Z' },
      ]),
    ).toEqual([
      {
        account: '200000000001',
        region: 'us-east-1',
        observedAt: '2027-02-02T00:00:00.000Z',
        instances: 2,
        launchTemplates: 1,
      },
    ]);
  });

  it('sorts by account first, then by Region', () => {
    const users = usersOfVersion([
      {
        region: 'us-east-1',
        observedAt: '2027-02-02T00:00:00.000Z',
        accounts: {
          '200000000002': { instances: 1, launchTemplates: 0 },
          '200000000001': { instances: 1, launchTemplates: 0 },
        },
      },
      {
        region: 'ap-south-1',
        observedAt: '2027-02-02T00:00:00.000Z',
        accounts: { '200000000002': { instances: 1, launchTemplates: 0 } },
      },
    ]);
    expect(users.map((u) => `${u.account} ${u.region}`)).toEqual([
      '200000000001 us-east-1',
      '200000000002 ap-south-1',
      '200000000002 us-east-1',
    ]);
  });
});
