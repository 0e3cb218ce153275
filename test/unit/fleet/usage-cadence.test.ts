import { describe, expect, it } from 'vitest';
import type { UsageCadenceInput } from '../../../core/fleet/usage.js';

/**
 * The module is imported inside the tests, not at the top, and its fixed figures are checked first: the first test
 * loads it, so mutation testing counts that test as the one that reaches the module-level figures.
 */
const load = () => import('../../../core/fleet/usage.js');

const NOW = '2027-03-20T00:00:00.000Z';
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.parse(NOW) - days * DAY).toISOString();
const ahead = (days: number) => new Date(Date.parse(NOW) + days * DAY).toISOString();
/** A version nobody runs, of an image nobody runs, named by no channel, promoted a month ago, kept. */
const idle: UsageCadenceInput = {
  now: NOW,
  versionInUse: false,
  imageInUse: false,
  pointed: false,
  promotedAt: ago(30),
};

describe('usageRefreshSeconds: how often a version is asked about', () => {
  it('keeps room for the schedule’s jitter: a daily report is due after 20 hours, a weekly one 4 hours early', async () => {
    // Imported inside the test, so mutation testing counts this test as the one that reaches the module's figures.
    const figures = await load();
    expect(figures.USAGE_REFRESH_SECONDS).toBe(72_000);
    expect(figures.USAGE_IDLE_REFRESH_SECONDS).toBe(590_400);
    expect(figures.USAGE_ADOPTION_SECONDS).toBe(604_800);
    expect(figures.USAGE_BEFORE_DELETION_SECONDS).toBe(172_800);
    const last = { observedAt: '2027-03-13T00:00:00.000Z' };
    expect(figures.needsReport(last, '2027-03-19T20:00:00.000Z', figures.USAGE_IDLE_REFRESH_SECONDS)).toBe(true);
    expect(figures.needsReport(last, '2027-03-19T19:59:59.000Z', figures.USAGE_IDLE_REFRESH_SECONDS)).toBe(false);
    expect(figures.needsReport(last, '2027-03-19T19:59:59.000Z')).toBe(true);
  });

  it('asks weekly about a version nobody runs, of an image nobody runs', async () => {
    const { usageRefreshSeconds, USAGE_IDLE_REFRESH_SECONDS } = await load();
    expect(usageRefreshSeconds(idle)).toBe(USAGE_IDLE_REFRESH_SECONDS);
    expect(usageRefreshSeconds({ ...idle, pointed: true })).toBe(USAGE_IDLE_REFRESH_SECONDS);
    expect(usageRefreshSeconds({ ...idle, imageInUse: true })).toBe(USAGE_IDLE_REFRESH_SECONDS);
    expect(usageRefreshSeconds({ ...idle, promotedAt: undefined })).toBe(USAGE_IDLE_REFRESH_SECONDS);
  });

  it('asks daily about a version in use, and about the version a channel names when the image has a fleet', async () => {
    const { usageRefreshSeconds, USAGE_REFRESH_SECONDS } = await load();
    expect(usageRefreshSeconds({ ...idle, versionInUse: true })).toBe(USAGE_REFRESH_SECONDS);
    expect(usageRefreshSeconds({ ...idle, pointed: true, imageInUse: true })).toBe(USAGE_REFRESH_SECONDS);
  });

  it('asks daily for a week after a promotion, then weekly', async () => {
    const { usageRefreshSeconds, USAGE_REFRESH_SECONDS, USAGE_IDLE_REFRESH_SECONDS } = await load();
    expect(usageRefreshSeconds({ ...idle, promotedAt: ago(6.99) })).toBe(USAGE_REFRESH_SECONDS);
    expect(usageRefreshSeconds({ ...idle, promotedAt: ago(7) })).toBe(USAGE_IDLE_REFRESH_SECONDS);
  });

  it('asks daily from two days before retention may delete the version', async () => {
    const { usageRefreshSeconds, USAGE_REFRESH_SECONDS, USAGE_IDLE_REFRESH_SECONDS } = await load();
    expect(usageRefreshSeconds({ ...idle, deletableAt: ahead(2) })).toBe(USAGE_REFRESH_SECONDS);
    expect(usageRefreshSeconds({ ...idle, deletableAt: ago(3) })).toBe(USAGE_REFRESH_SECONDS);
    expect(usageRefreshSeconds({ ...idle, deletableAt: ahead(2.01) })).toBe(USAGE_IDLE_REFRESH_SECONDS);
  });
});
