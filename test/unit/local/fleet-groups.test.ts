import { afterEach, describe, expect, it } from 'vitest';
import type { RefreshMove } from '../../../local/fakes/autoscaling-refresh-types.js';
import { FleetGroups } from '../../../local/simulator/fleet-groups.js';
import { scenarioSchema } from '../../../local/simulator/scenario.js';
import { resetClients, START } from './helpers.js';
import { MEMBER, memberGroup, REGION, rolloutCloud } from './rollout-member.js';

afterEach(resetClients);

const HOUR = 3_600_000;

/** The scenario faults FleetGroups acts on, parsed as a scenario file's would be. */
function faults(raw: Record<string, unknown>) {
  return scenarioSchema.parse({ start: START, until: '2027-02-01T00:00:00Z', faults: raw });
}

describe('the fleets’ groups and the scenario’s rollout faults', () => {
  it('puts an account’s alarm in ALARM at its time for its duration, in every Region', async () => {
    const cloud = rolloutCloud();
    const groups = new FleetGroups(
      { installed: cloud, clock: cloud.clock },
      faults({ alarms: [{ at: '2027-01-02T00:00:00Z', account: MEMBER, alarm: 'app-5xx', for: '2h' }] }),
      () => undefined,
    );
    groups.scheduleAlarms([REGION, 'us-east-1']);
    const { alarms } = cloud.fakes;
    await cloud.clock.run(Date.parse('2027-01-02T01:00:00Z'));
    expect(alarms.state(MEMBER, REGION, 'app-5xx')).toBe('ALARM');
    expect(alarms.state(MEMBER, 'us-east-1', 'app-5xx')).toBe('ALARM');
    await cloud.clock.run(Date.parse('2027-01-02T02:30:00Z'));
    expect(alarms.state(MEMBER, REGION, 'app-5xx')).toBe('OK');
  });

  it('fails the refreshes of an account named in refreshFailures after an hour, stepping them on the clock', async () => {
    const cloud = rolloutCloud();
    const moves: RefreshMove[] = [];
    new FleetGroups({ installed: cloud, clock: cloud.clock }, faults({ refreshFailures: [{ account: MEMBER }] }), (m) =>
      moves.push(m),
    );
    const { group, template } = memberGroup(cloud, 'web', cloud.share('base-1'), { instances: 2 });
    const v2 = cloud.fakes.ec2.templates?.addVersion(template, { ImageId: cloud.share('base-2') });
    await cloud.fakes.autoscaling.handle({
      service: 'autoscaling',
      action: 'StartInstanceRefresh',
      input: {
        AutoScalingGroupName: group.name,
        DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: template.id, Version: String(v2?.number) } },
      },
      body: undefined,
      region: REGION,
      accountId: MEMBER,
    });
    // Nobody calls Auto Scaling: the steps run on the clock alone.
    await cloud.clock.run(cloud.clock.now() + 2 * HOUR);
    const [refresh] = cloud.fakes.autoscaling.refreshes;
    expect(refresh?.status).toBe('Failed');
    expect(refresh?.statusReason).toMatch(/health checks/);
    expect(moves).toEqual([]);
  });
});
