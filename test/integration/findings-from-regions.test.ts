import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusRule } from '../../local/eventbridge/bus.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { raiseInstanceFinding } from '../../local/simulator/inspector-findings.js';
import { notificationsOf } from '../../local/simulator/report-notifications.js';
import { devChannel, prodChannel } from '../scenarios/helpers.js';
import { ACCOUNT, pointerOf } from './operator-helpers.js';
import { findingInEuWest1 as finding, ledgerItems, startTwoRegionCloud } from './region-fixtures.js';

let cloud: LocalCloud;
let member: string;

const items = (prefix: string) => ledgerItems(cloud, prefix);
/** A CRITICAL finding on the member's eu-west-1 instance of base 1.0.0/1 (region-fixtures.ts). */
const findingInEuWest1 = (id: string, pkg?: { name: string; version: string; release: string }) =>
  finding({ cloud, member }, id, 'CRITICAL', pkg);

const minutes = (n: number) => new Date(cloud.clock.now() + n * 60_000).toISOString();

beforeAll(async () => {
  // base in the home Region (us-east-1) and eu-west-1; dev revokes at once on a CRITICAL finding.
  const channels = [
    devChannel({ soak: '1h', vulnerabilities: { maxCritical: 0, maxHigh: 5, revokeOn: ['critical'] } }),
    prodChannel({ soak: '1h' }),
  ];
  ({ cloud, member } = await startTwoRegionCloud(channels, '2027-02-10T00:00:00Z'));
}, 180_000);

afterAll(() => cloud?.stop());

describe('findings in a distribution Region other than the home Region', () => {
  it('the stacks forward eu-west-1 findings (and its change events) to the home default bus, only from eu-west-1', () => {
    const forwarding = cloud.wiring.rules.filter((r) => r.region !== undefined);
    expect(forwarding.map((r) => [r.region, r.ruleName, r.eventBusName, r.targets])).toEqual([
      [
        'eu-west-1',
        'local-goldsmith-findings-to-home',
        'default',
        [`arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`],
      ],
      [
        'eu-west-1',
        'local-goldsmith-changes-to-home',
        'default',
        [`arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`],
      ],
    ]);
  });

  it('without the forwarding rules, a finding in eu-west-1 never reaches on-finding', async () => {
    expect(await pointerOf('dev')).toBe('1.0.0/1');
    // The deploy without the forwarding: its rules taken out of the running cloud, put back afterwards.
    const removed: BusRule[] = [];
    for (let i = cloud.wiring.rules.length - 1; i >= 0; i--) {
      if (cloud.wiring.rules[i]?.region !== undefined) removed.push(...cloud.wiring.rules.splice(i, 1));
    }
    try {
      raiseInstanceFinding(cloud, findingInEuWest1('0100'));
      await cloud.clock.run(minutes(10));
      expect(await items('FINDINGS#1.0.0/1#')).toEqual([]);
      expect(await items('REVOCATION#1.0.0/1')).toEqual([]);
      expect(await pointerOf('dev')).toBe('1.0.0/1');
    } finally {
      cloud.wiring.rules.push(...removed);
    }
  }, 60_000);

  it("a package the team installed on a member's eu-west-1 instance: a fleet notice naming eu-west-1", async () => {
    raiseInstanceFinding(cloud, findingInEuWest1('0102', { name: 'libxml2', version: '2.9.1', release: '1' }));
    await cloud.clock.run(minutes(10));
    expect(await items('FLEET#1.0.0/1#')).toEqual([
      expect.objectContaining({ account: member, region: 'eu-west-1', packages: ['libxml2 2.9.1'] }),
    ]);
    expect(notificationsOf(cloud).filter((n) => n.event === 'fleet-finding')).toHaveLength(1);
    expect(await items('FINDINGS#1.0.0/1#')).toEqual([]);
  }, 60_000);

  it("a CRITICAL finding on a member's eu-west-1 instance reaches on-finding and revokes as revokeOn says", async () => {
    raiseInstanceFinding(cloud, findingInEuWest1('0101'));
    await cloud.clock.run(minutes(10));

    // Read back from Inspector in eu-west-1 (the finding's Region) and counted against the version.
    expect(await items('FINDINGS#1.0.0/1#')).toEqual([
      expect.objectContaining({ severity: 'CRITICAL', findingId: 'CVE-2027-0101' }),
    ]);
    expect(await items('REVOCATION#1.0.0/1')).toEqual([expect.objectContaining({ image: 'base' })]);
    // revokeOn: revoked at once; the dev pointer no longer names it.
    expect(notificationsOf(cloud).filter((n) => n.event === 'revoked')).not.toEqual([]);
    expect(await pointerOf('dev')).not.toBe('1.0.0/1');
  }, 120_000);
});
