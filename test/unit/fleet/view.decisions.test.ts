import { describe, expect, it } from 'vitest';
import { imageFleet, standingsAgainst } from '../../../core/fleet/view.js';

const AT = '2027-03-10T06:00:00.000Z';
const promoted = (version: string, channel = 'prod', outcome = 'promoted') => ({
  sk: `PROMOTION#${version}#${channel}`,
  version,
  channel,
  outcome,
});
const pointer = (version: string) => ({ sk: 'CHANNEL#prod', channel: 'prod', version });
const usage = (version: string, region: string, accounts: Record<string, [number, number]>, observedAt = AT) => ({
  sk: `USAGE#${version}#${region}`,
  version,
  region,
  ...(observedAt ? { observedAt } : {}),
  accounts: Object.fromEntries(
    Object.entries(accounts).map(([a, [instances, launchTemplates]]) => [a, { instances, launchTemplates }]),
  ),
  instances: Object.values(accounts).reduce((n, [i]) => n + i, 0),
  launchTemplates: Object.values(accounts).reduce((n, [, l]) => n + l, 0),
});

describe('standingsAgainst: where a version stands', () => {
  it('orders only the channel’s promoted outcomes: other channels, other outcomes and other items do not count', () => {
    const { standingOf } = standingsAgainst('prod', [
      promoted('1.0.0/1'),
      promoted('1.0.0/2', 'dev'),
      promoted('1.0.0/3', 'prod', 'rejected'),
      { sk: 'DECISION#1.0.0/4', version: '1.0.0/4', channel: 'prod', outcome: 'promoted' },
      promoted('1.0.0/5'),
      pointer('1.0.0/5'),
    ]);
    expect(standingOf('1.0.0/5')).toBe('current');
    expect(standingOf('1.0.0/1')).toBe('one-behind');
    expect(standingOf('1.0.0/2')).toBe('never-promoted');
    expect(standingOf('1.0.0/3')).toBe('never-promoted');
    expect(standingOf('1.0.0/4')).toBe('never-promoted');
  });

  it('counts as revoked and retired only revocations acted on and builds retired', () => {
    const { standingOf } = standingsAgainst('prod', [
      promoted('1.0.0/1'),
      promoted('1.0.0/2'),
      promoted('1.0.0/3'),
      promoted('1.0.0/4'),
      pointer('1.0.0/4'),
      { sk: 'REVOCATION#1.0.0/1', version: '1.0.0/1', state: 'requested' },
      { sk: 'PAUSED#1.0.0/2', version: '1.0.0/2', state: 'revoked' },
      // Sort keys whose tail reads like a version: only a retired BUILD# counts.
      { sk: 'HOLDX#1.0.0/1', retiredAt: AT },
      { sk: 'BUILD#1.0.0/1' },
      { sk: 'BUILD#1.0.0/2', retiredAt: AT },
    ]);
    expect(standingOf('1.0.0/1')).toBe('older');
    expect(standingOf('1.0.0/2')).toBe('retired');
    expect(standingOf('1.0.0/3')).toBe('one-behind');
  });

  it('orders the promoted versions by version, not by the order the ledger lists them', () => {
    const { standingOf } = standingsAgainst('prod', [promoted('1.0.0/10'), promoted('1.0.0/9'), pointer('1.0.0/10')]);
    expect(standingOf('1.0.0/9')).toBe('one-behind');
  });

  it('has no version one behind when no pointer names a version, or names one never promoted', () => {
    const first = standingsAgainst('prod', [promoted('1.0.0/1'), promoted('1.0.0/2')]);
    expect(first.current).toBeUndefined();
    expect(first.standingOf('1.0.0/1')).toBe('older');
    expect(first.standingOf('1.0.0/2')).toBe('older');
    const unknown = standingsAgainst('prod', [promoted('1.0.0/1'), pointer('1.0.0/9')]);
    expect(unknown.standingOf('1.0.0/1')).toBe('older');
    // A version never promoted is not one behind the first promoted one.
    const onFirst = standingsAgainst('prod', [promoted('1.0.0/1'), pointer('1.0.0/1')]);
    expect(onFirst.standingOf('1.0.0/0')).toBe('never-promoted');
  });
});

describe('imageFleet: who runs what', () => {
  const base = [promoted('1.0.0/1'), promoted('1.0.0/2'), pointer('1.0.0/2')];

  it('counts only observed usage items, accounts with an instance or a launch template, summed over Regions', () => {
    const fleet = imageFleet('base', 'prod', [
      ...base,
      usage('1.0.0/2', 'us-east-1', { '200000000001': [2, 0], '200000000002': [0, 3], '200000000003': [0, 0] }),
      usage('1.0.0/2', 'eu-west-1', { '200000000004': [1, 1] }),
      usage('1.0.0/2', 'ap-south-1', { '200000000005': [4, 0] }, ''),
      { sk: 'HOLD#1.0.0/2', version: '1.0.0/2', observedAt: AT, accounts: { '200000000006': { instances: 9 } } },
    ]);
    expect(fleet.versions).toEqual([
      { version: '1.0.0/2', standing: 'current', accounts: 3, instances: 3, launchTemplates: 4, observedAt: AT },
    ]);
  });

  it('dates a version by its oldest observation, whatever the order of its Regions', () => {
    const older = '2027-03-09T06:00:00.000Z';
    for (const regions of [
      [
        usage('1.0.0/2', 'us-east-1', { '200000000001': [1, 0] }, AT),
        usage('1.0.0/2', 'eu-west-1', { '200000000002': [1, 0] }, older),
      ],
      [
        usage('1.0.0/2', 'us-east-1', { '200000000001': [1, 0] }, older),
        usage('1.0.0/2', 'eu-west-1', { '200000000002': [1, 0] }, AT),
      ],
    ]) {
      expect(imageFleet('base', 'prod', [...base, ...regions]).versions[0]?.observedAt).toBe(older);
    }
  });

  it('lists no version nobody runs, newest first', () => {
    const fleet = imageFleet('base', 'prod', [
      ...base,
      usage('1.0.0/1', 'us-east-1', { '200000000001': [1, 0] }),
      usage('1.0.0/2', 'us-east-1', { '200000000002': [0, 0] }),
      usage('1.0.0/3', 'us-east-1', { '200000000003': [2, 0] }),
    ]);
    expect(fleet.versions.map((v) => v.version)).toEqual(['1.0.0/3', '1.0.0/1']);
  });
});
