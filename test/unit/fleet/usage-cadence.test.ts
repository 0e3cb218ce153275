import { describe, expect, it } from 'vitest';
import {
  needsReport,
  USAGE_IDLE_REFRESH_SECONDS,
  USAGE_REFRESH_SECONDS,
  type UsageCadenceInput,
  usageRefreshSeconds,
} from '../../../core/fleet/usage.js';

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
  it('asks weekly about a version nobody runs, of an image nobody runs', () => {
    expect(usageRefreshSeconds(idle)).toBe(USAGE_IDLE_REFRESH_SECONDS);
    expect(usageRefreshSeconds({ ...idle, pointed: true })).toBe(USAGE_IDLE_REFRESH_SECONDS);
    expect(usageRefreshSeconds({ ...idle, imageInUse: true })).toBe(USAGE_IDLE_REFRESH_SECONDS);
    expect(usageRefreshSeconds({ ...idle, promotedAt: undefined })).toBe(USAGE_IDLE_REFRESH_SECONDS);
  });

  it('asks daily about a version in use, and about the version a channel names when the image has a fleet', () => {
    expect(usageRefreshSeconds({ ...idle, versionInUse: true })).toBe(USAGE_REFRESH_SECONDS);
    expect(usageRefreshSeconds({ ...idle, pointed: true, imageInUse: true })).toBe(USAGE_REFRESH_SECONDS);
  });

  it('asks daily for a week after a promotion, then weekly', () => {
    expect(usageRefreshSeconds({ ...idle, promotedAt: ago(6.99) })).toBe(USAGE_REFRESH_SECONDS);
    expect(usageRefreshSeconds({ ...idle, promotedAt: ago(7) })).toBe(USAGE_IDLE_REFRESH_SECONDS);
  });

  it('asks daily from two days before retention may delete the version', () => {
    expect(usageRefreshSeconds({ ...idle, deletableAt: ahead(2) })).toBe(USAGE_REFRESH_SECONDS);
    expect(usageRefreshSeconds({ ...idle, deletableAt: ago(3) })).toBe(USAGE_REFRESH_SECONDS);
    expect(usageRefreshSeconds({ ...idle, deletableAt: ahead(2.01) })).toBe(USAGE_IDLE_REFRESH_SECONDS);
  });

  it('keeps room for the schedule’s jitter: a daily report is due after 20 hours, a weekly one 4 hours early', () => {
    expect(USAGE_REFRESH_SECONDS).toBe(20 * 3600);
    expect(USAGE_IDLE_REFRESH_SECONDS).toBe(7 * 86_400 - 4 * 3600);
    const last = { observedAt: '2027-03-13T00:00:00.000Z' };
    expect(needsReport(last, '2027-03-19T20:00:00.000Z', USAGE_IDLE_REFRESH_SECONDS)).toBe(true);
    expect(needsReport(last, '2027-03-19T19:59:59.000Z', USAGE_IDLE_REFRESH_SECONDS)).toBe(false);
    expect(needsReport(last, '2027-03-19T19:59:59.000Z')).toBe(true);
  });
});
