import { describe, expect, it } from 'vitest';
import { channelFleet } from '../../../core/fleet/channel-view.js';
import { imageFleet } from '../../../core/fleet/view.js';
import { promotedToProd } from '../../fixtures/fleet-ledger.js';
import { rolloutGroup, rolloutRecord } from '../../fixtures/rollouts.js';

/**
 * prod moved from 1.0.0/2 to 1.0.0/3, and a rollout refreshed the teams' groups. The sweep's last reports were asked
 * for at midnight and read the next midnight: they counted the groups before the rollout.
 */
const ASKED = '2027-01-05T00:00:00.000Z';
const READ = '2027-01-06T00:00:00.000Z';
const usage = (version: string, accounts: Record<string, number>, askedAt = ASKED, readAt = READ) => ({
  pk: 'IMAGE#base',
  sk: `USAGE#${version}#us-east-1`,
  version,
  region: 'us-east-1',
  observedAt: readAt,
  lastRequestedAt: askedAt,
  accounts: Object.fromEntries(Object.entries(accounts).map(([a, n]) => [a, { instances: n, launchTemplates: 1 }])),
});
const completed = () => {
  const r = rolloutRecord({ state: 'completed', currentWave: 2, endedAt: '2027-01-05T11:00:00.000Z' });
  r.waves = [
    { ...r.waves[0]!, state: 'healthy' },
    {
      name: 'wave-1',
      state: 'healthy',
      startedAt: '2027-01-05T09:12:00.000Z',
      endedAt: '2027-01-05T10:00:00.000Z',
      groups: [rolloutGroup('222222222222', 'Successful'), rolloutGroup('333333333333', 'Successful')],
    },
    { name: 'rest', state: 'rolled-back', startedAt: '2027-01-05T10:00:00.000Z', groups: [] },
  ];
  r.waves[2]!.groups = [rolloutGroup('444444444444', 'Successful')];
  return { pk: 'IMAGE#base', sk: 'ROLLOUT#prod#1.0.0/3', ...r, openWork: undefined };
};
const BASE = [
  promotedToProd('1.0.0/2'),
  promotedToProd('1.0.0/3'),
  { pk: 'IMAGE#base', sk: 'CHANNEL#prod', channel: 'prod', version: '1.0.0/3' },
];
const standings = (items: Record<string, unknown>[]) =>
  imageFleet('base', 'prod', items).versions.map((v) => `${v.version} ${v.standing} ${v.accounts}/${v.instances}`);

describe('the fleet after a rollout its last reports predate', () => {
  const reports = usage('1.0.0/2', { '111111111111': 2, '222222222222': 2, '333333333333': 2, '444444444444': 2 });

  it('counts the accounts a healthy wave refreshed on the rolled-out version, not one behind', () => {
    const items = [...BASE, reports, completed()];
    expect(standings(items)).toEqual(['1.0.0/3 current 3/6', '1.0.0/2 one-behind 1/2']);
    // The rolled-back wave's account stays where its report saw it; the others are current from their wave's end.
    const fleet = imageFleet('base', 'prod', items);
    expect(fleet.versions[0]?.observedAt).toBe('2027-01-05T09:12:00.000Z');
    const ous = channelFleet('base', 'prod', items, undefined, () => 'ou-prod');
    expect(ous[0]?.standings).toEqual({
      current: { accounts: 3, instances: 6 },
      'one-behind': { accounts: 1, instances: 2 },
    });
  });

  it('believes a report asked for after the refresh, and leaves a group the rollout skipped to the reports', () => {
    const later = usage('1.0.0/2', { '222222222222': 1 }, '2027-01-05T12:00:00.000Z', '2027-01-06T12:00:00.000Z');
    const skipped = completed();
    skipped.skippedGroups = [{ account: '333333333333', region: 'us-east-1', group: 'batch', reason: 'not ready' }];
    expect(standings([...BASE, reports, later, skipped])).toEqual(['1.0.0/3 current 1/2', '1.0.0/2 one-behind 3/5']);
  });

  it('reads the reports as before when no rollout refreshed anything', () => {
    expect(standings([...BASE, reports])).toEqual(['1.0.0/2 one-behind 4/8']);
  });
});
