import { describe, expect, it } from 'vitest';
import { scenarioSchema } from '../../../local/simulator/scenario.js';
import { scenarioEventSchema } from '../../../local/simulator/scenario-events.js';

const at = '2027-01-03T12:00:00Z';
const issues = (event: Record<string, unknown>) => {
  const parsed = scenarioEventSchema.safeParse({ at, kind: 'team-deploy', image: 'base', channel: 'prod', ...event });
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('team-deploy scenario events and fleet shapes', () => {
  it('takes a team deploy of an instance type or user data', () => {
    expect(issues({ account: '200000000004', instanceType: 'm6i.xlarge' })).toEqual([]);
    expect(issues({ account: '200000000004', userData: '#!/bin/sh', region: 'us-east-1' })).toEqual([]);
  });

  it('names the field a team deploy gets wrong or lacks', () => {
    expect(issues({ account: '2000', instanceType: 'm6i.xlarge' })).toEqual(['account: must be a 12-digit account id']);
    expect(issues({ account: '200000000004' })).toEqual([
      'instanceType: team-deploy needs instanceType, userData, launchTemplateVersion or spot (what the team changes)',
    ]);
    expect(issues({ account: '200000000004', instanceType: 'large' })).toEqual([
      'instanceType: must be an instance type like "m6i.large"',
    ]);
  });

  it('takes what teams really change: a version of their template, a mixed instances policy', () => {
    expect(issues({ account: '200000000004', launchTemplateVersion: 1 })).toEqual([]);
    expect(issues({ account: '200000000004', spot: { types: ['c7g.large', 'c6g.large'], onDemandBase: 2 } })).toEqual(
      [],
    );
    expect(issues({ account: '200000000004', launchTemplateVersion: 1, instanceType: 'm6i.xlarge' })).toEqual([
      'launchTemplateVersion: launchTemplateVersion sets the group to an existing version: give it without instanceType or userData',
    ]);
    expect(issues({ account: '200000000004', spot: { types: [], onDemandPercentage: 101 } })).toEqual([
      'spot.types: must name at least one instance type',
      'spot.onDemandPercentage: Too big: expected number to be <=100',
    ]);
  });

  it('takes instance-state changes and names what they get wrong', () => {
    const state = (event: Record<string, unknown>) => {
      const parsed = scenarioEventSchema.safeParse({
        at,
        kind: 'instance-state',
        image: 'base',
        channel: 'prod',
        ...event,
      });
      return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    const account = '200000000004';
    expect(state({ account, change: 'unprotect' })).toEqual([]);
    expect(state({ account, change: 'enter-standby', decrement: false, count: 2 })).toEqual([]);
    expect(state({ account, change: 'exit-standby', decrement: false })).toEqual([
      'decrement: decrement applies only to change "enter-standby" (ShouldDecrementDesiredCapacity)',
    ]);
    expect(state({ account, change: 'detach' })[0]).toMatch(/^change: /);
  });

  it('takes a shape by its parameters and refuses more protected or Standby instances than the fleet runs', () => {
    const fleet = (shape: unknown) =>
      scenarioSchema.safeParse({
        start: at,
        until: at,
        fleets: [{ image: 'base', channel: 'prod', instances: 4, shapes: { '200000000004': shape } }],
      });
    expect(fleet({ protected: 2, standby: 1, spot: { types: ['m7i.large'], onDemandBase: 1 } }).success).toBe(true);
    expect(fleet({ protected: 'all', groups: 3, launchHookSeconds: 600 }).success).toBe(true);
    // A lifecycle hook's HeartbeatTimeout is 30–7200 s: a bootstrap that never completes within it is not a shape.
    expect(fleet({ launchHookSeconds: 7201 }).error?.issues.map((i) => i.path.join('.'))).toEqual([
      'fleets.0.shapes.200000000004.launchHookSeconds',
    ]);
    expect(fleet({ protected: 5, standby: 6 }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      "fleets.0.shapes.200000000004.protected: must not exceed the fleet's instances (4)",
      "fleets.0.shapes.200000000004.standby: must not exceed the fleet's instances (4)",
    ]);
    // The first 3 protected and the last 2 in Standby: one instance would be both, five in a group of four.
    expect(fleet({ protected: 3, standby: 2 }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      "fleets.0.shapes.200000000004.standby: protected (3) and standby (2) together must not exceed the fleet's instances (4)",
    ]);
    expect(fleet({ protected: 2, standby: 2 }).success).toBe(true);
  });

  it('names every problem of an event at once: its time and its body, each at its path', () => {
    const parsed = scenarioSchema.safeParse({
      start: at,
      until: at,
      seed: 'x',
      events: [{ at: 'tomorrow', kind: 'instance-state', image: 'base', channel: 'prod', account: '42', change: 'up' }],
    });
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual([
      'events.0.at',
      'events.0.account',
      'events.0.change',
      'seed',
    ]);
  });

  it('names a fleet shape it does not know', () => {
    const parsed = scenarioSchema.safeParse({
      start: at,
      until: at,
      fleets: [{ image: 'base', channel: 'prod', shapes: { '200000000004': 'warm-pool' } }],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['fleets.0.shapes.200000000004']);
  });
});
