import { describe, expect, it } from 'vitest';
import { renderFleet } from '../../../cli/fleet-output.js';
import { channelFleet } from '../../../core/fleet/channel-view.js';
import { imageFleet } from '../../../core/fleet/view.js';
import type { LedgerItem } from '../../../core/status/image-view.js';

/**
 * A new user's quarter: prod on `os 1.0.0/1`, revoked on 19 Jan with no earlier version (prod withdrawn), then
 * `1.0.0/2` promoted by approval on 24 Jan. EC2 is asked about the revoked version no more, so its last reading
 * (20 Jan) stands in the ledger while the four accounts moved to 1.0.0/2.
 */
const REVOKED_AT = '2027-01-19T12:00:00.000Z';
const PROMOTED_AT = '2027-01-24T10:00:00.000Z';
const TEAMS = ['100000000001', '100000000002', '100000000003', '100000000004'];
const usage = (version: string, observedAt: string, accounts: readonly string[], region = 'us-east-1') => ({
  pk: 'IMAGE#os',
  sk: `USAGE#${version}#${region}`,
  version,
  region,
  observedAt,
  accounts: Object.fromEntries(accounts.map((a) => [a, { instances: 4, launchTemplates: 0 }])),
  instances: 4 * accounts.length,
  launchTemplates: 0,
});
const promoted = (version: string, at: string) => ({
  pk: 'IMAGE#os',
  sk: `PROMOTION#${version}#prod`,
  version,
  channel: 'prod',
  outcome: 'promoted',
  at,
});
const LEDGER: LedgerItem[] = [
  promoted('1.0.0/1', '2027-01-05T10:00:00.000Z'),
  {
    pk: 'IMAGE#os',
    sk: 'REVOCATION#1.0.0/1',
    version: '1.0.0/1',
    state: 'revoked',
    reason: 'CVE-2027-0001',
    channels: ['prod'],
    at: REVOKED_AT,
    revokedAt: REVOKED_AT,
  },
  {
    pk: 'IMAGE#os',
    sk: 'ROLLBACK#prod#1.0.0/1',
    kind: 'rollback',
    channel: 'prod',
    from: '1.0.0/1',
    to: null,
    by: 'goldsmith',
    reason: 'revoked: CVE-2027-0001',
    at: REVOKED_AT,
  },
  promoted('1.0.0/2', PROMOTED_AT),
  { pk: 'IMAGE#os', sk: 'CHANNEL#prod', channel: 'prod', version: '1.0.0/2', at: PROMOTED_AT },
  usage('1.0.0/1', '2027-01-20T00:00:00.000Z', TEAMS),
  usage('1.0.0/2', '2027-01-30T00:00:00.000Z', TEAMS),
];
const headline = (items: LedgerItem[]) =>
  renderFleet({
    images: [imageFleet('os', 'prod', items)],
    channels: [],
    compliance: [],
    missed: [],
    ouNames: {},
  }).split('\n');

describe('the fleet after a revocation its accounts moved on from', () => {
  it("stops counting the revoked version's last reading once a newer report names the account in that Region", () => {
    const fleet = imageFleet('os', 'prod', LEDGER);
    expect(fleet.versions.map((v) => [v.version, v.standing, v.accounts, v.instances])).toEqual([
      ['1.0.0/2', 'current', 4, 16],
    ]);
    expect(fleet.totals.revoked).toEqual({ accounts: 0, instances: 0 });
    expect(headline(LEDGER).join('\n')).not.toContain('still run a revoked version');
    const [ou] = channelFleet('os', 'prod', LEDGER, undefined, () => 'ou-prod');
    expect(ou?.standings).toEqual({ current: { accounts: 4, instances: 16 } });
    expect(ou?.laggards).toEqual([]);
  });

  it('keeps counting the revoked reading of an account no newer report in its Region names', () => {
    const items = [
      ...LEDGER.slice(0, -1),
      usage('1.0.0/1', '2027-01-20T00:00:00.000Z', ['100000000005'], 'eu-west-1'),
      usage('1.0.0/2', '2027-01-30T00:00:00.000Z', TEAMS.slice(0, 3)),
    ];
    const fleet = imageFleet('os', 'prod', items);
    expect(fleet.versions.map((v) => [v.version, v.standing, v.accounts, v.instances])).toEqual([
      ['1.0.0/2', 'current', 3, 12],
      ['1.0.0/1', 'revoked', 2, 8],
    ]);
    // The us-east-1 reading of the revoked version still counts for its fourth account: its time is shown.
    expect(fleet.versions.map((v) => v.observedAt)).toEqual(['2027-01-30T00:00:00.000Z', '2027-01-20T00:00:00.000Z']);
    expect(headline(items)).toContain('  2 account(s) still run a revoked version');
  });

  it('says prod was promoted to its version after the revocation withdrew it, not rolled back to it', () => {
    expect(headline(LEDGER)[0]).toBe(
      'os  (prod: 1.0.0/2, promoted 2027-01-24 10:00 after 1.0.0/1 revoked 2027-01-19 12:00 (CVE-2027-0001))',
    );
    expect(imageFleet('os', 'prod', LEDGER).movedBack?.promotedAt).toBe(PROMOTED_AT);
  });

  it('says the channel is empty since the revocation before the promotion', () => {
    const before = LEDGER.filter((i) => !String(i.sk).startsWith('CHANNEL#') && i.sk !== 'PROMOTION#1.0.0/2#prod');
    expect(headline(before)[0]).toBe('os  (prod: empty since 1.0.0/1 revoked 2027-01-19 12:00 (CVE-2027-0001))');
  });
});
