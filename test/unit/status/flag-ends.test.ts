import { describe, expect, it } from 'vitest';
import { historyOf } from '../../../cli/operator/ledger-history.js';
import { renderStatus } from '../../../cli/operator/render.js';
import { imageView, type LedgerItem } from '../../../core/status/image-view.js';

/**
 * hardened 1.0.0/2, built on base 1.0.0/2, soaks in staging when a critical CVE revokes base 1.0.0/2 (day four
 * 20:00): the flag stops its soak at once and hardened 1.0.0/3 is rebuilt on the rolled-back base, available at
 * 20:52 (the ledger of the flagged-child scenario, as it stands at each instant).
 */
const FLAG = 'built on revoked base 1.0.0/2';
const build = (version: string, status: string, updatedAt: string, extra: Record<string, unknown> = {}) => ({
  pk: 'IMAGE#hardened',
  sk: `BUILD#${version}`,
  buildVersion: version,
  trigger: 'cascade',
  requestedAt: '2027-01-04T06:52:00.000Z',
  updatedAt,
  status,
  ...extra,
});
const flagged = build('1.0.0/2', 'AVAILABLE', '2027-01-04T07:44:00.000Z', {
  flaggedAt: '2027-01-04T20:00:00.000Z',
  flaggedReason: FLAG,
});
const soak = (state: string) => ({
  pk: 'IMAGE#hardened',
  sk: 'SOAK#1.0.0/2#staging',
  version: '1.0.0/2',
  channel: 'staging',
  startedAt: '2027-01-04T07:44:00.000Z',
  until: '2027-01-05T07:44:00.000Z',
  state,
});
const aborted = {
  pk: 'IMAGE#hardened',
  sk: 'PROMOTION#1.0.0/2#staging',
  version: '1.0.0/2',
  channel: 'staging',
  outcome: 'aborted',
  at: '2027-01-04T20:00:00.000Z',
  reason: `${FLAG}: held, it passes no further gate, soak check or approval`,
};
const rebuild = (status: string, updatedAt: string) => ({
  ...build('1.0.0/3', status, updatedAt),
  trigger: 'revocation',
  requestedAt: '2027-01-04T20:00:00.000Z',
});

const statusAt = (items: LedgerItem[], at: string) => {
  const now = new Date(at);
  return renderStatus([{ ...imageView('hardened', ['staging', 'prod'], items, now), cost: COST }], now);
};
const COST = {
  currency: 'USD',
  buildsLast30Days: 0,
  buildCostLast30Days: 0,
  unfinishedLast30Days: 0,
  storagePerMonth: 0,
};

describe('a flag in status shows only while it holds something', () => {
  const stopped = [flagged, soak('ended'), aborted];

  it('shows while the rebuild it waits for is still building', () => {
    const text = statusAt([...stopped, rebuild('BUILDING', '2027-01-04T20:10:00.000Z')], '2027-01-04T20:30:00.000Z');
    expect(text).toContain(`flagged: 1.0.0/2 since 2027-01-04 20:00: ${FLAG}; held out of every further channel`);
  });

  it('says nothing of it from the instant the rebuild is available, its promotion having stopped; history keeps it', () => {
    const items = [...stopped, rebuild('AVAILABLE', '2027-01-04T20:52:00.000Z')];
    expect(statusAt(items, '2027-01-04T20:52:00.000Z')).not.toContain('flagged');
    expect(historyOf(items).map((e) => e.what)).toContainEqual(expect.stringMatching(/^flagged: built on revoked/));
  });

  it('keeps showing while the flagged version is still promoting, rebuilt or not', () => {
    const items = [flagged, soak('soaking'), rebuild('AVAILABLE', '2027-01-04T20:52:00.000Z')];
    expect(statusAt(items, '2027-01-04T20:52:00.000Z')).toContain(
      `flagged: 1.0.0/2 since 2027-01-04 20:00: ${FLAG}; held out of every further channel, its promotion stops at its next gate`,
    );
  });

  it('keeps showing when the rebuild failed: nothing has replaced the flagged version yet', () => {
    const items = [...stopped, rebuild('FAILED', '2027-01-04T20:52:00.000Z')];
    expect(statusAt(items, '2027-01-05T06:00:00.000Z')).toContain('flagged: 1.0.0/2');
  });

  const pointer = (version: string, at: string) => ({
    pk: 'IMAGE#hardened',
    sk: 'CHANNEL#staging',
    version,
    at,
    amis: { 'us-east-1': `ami-${version.replace(/\W/g, '')}` },
  });

  it('marks a channel that still serves the flagged version until its replacement is promoted there', () => {
    const rebuilt = rebuild('AVAILABLE', '2027-01-04T20:52:00.000Z');
    const serving = [...stopped, rebuilt, pointer('1.0.0/2', '2027-01-04T07:44:00.000Z')];
    const text = statusAt(serving, '2027-01-05T06:00:00.000Z');
    expect(text).toMatch(
      /staging\s+1\.0\.0\/2 .*\n\s+flagged since 2027-01-04 20:00: built on revoked base 1\.0\.0\/2; kept here until its replacement is promoted here/,
    );
    const replaced = [...stopped, rebuilt, pointer('1.0.0/3', '2027-01-05T08:00:00.000Z')];
    expect(statusAt(replaced, '2027-01-05T09:00:00.000Z')).not.toContain('flagged');
  });
});
