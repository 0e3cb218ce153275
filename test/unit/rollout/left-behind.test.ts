import { describe, expect, it } from 'vitest';
import { renderFleet } from '../../../cli/fleet-output.js';
import { leftBehindOf, leftBehindText, movedNothing, sumLeftBehind } from '../../../core/rollout/left-behind.js';
import type { RolloutGroup } from '../../../core/rollout/record.js';

const none = { accounts: 0, instances: 0 };
const noTotals = {
  current: none,
  'one-behind': none,
  older: none,
  revoked: none,
  retired: none,
  'never-promoted': none,
};

const group = (name: string, extra: Partial<RolloutGroup>): RolloutGroup => ({
  account: '200000000001',
  region: 'us-east-1',
  group: name,
  launchTemplateId: 'lt-1',
  fromVersion: 3,
  toVersion: 4,
  refreshId: 'ir-1',
  status: 'Successful',
  ...extra,
});

/** An instance of the refresh's template, InService and Healthy. */
const ready = { launchTemplateId: 'lt-1', lifecycleState: 'InService', healthStatus: 'Healthy' } as const;

describe('instances a refresh left on an older version', () => {
  it("counts as moved only an instance of the refresh's own template at its version, InService and Healthy", () => {
    const l = leftBehindOf(
      [
        { ...ready, version: '4', protectedFromScaleIn: false },
        // The same version number of another template: launched from something else.
        { ...ready, launchTemplateId: 'lt-other', version: '4', protectedFromScaleIn: false },
        { ...ready, version: '4', protectedFromScaleIn: false, lifecycleState: 'Pending' },
        { ...ready, version: '4', protectedFromScaleIn: false, lifecycleState: 'Terminating:Wait' },
        { ...ready, version: '4', protectedFromScaleIn: false, lifecycleState: 'Detaching' },
        { ...ready, version: '4', protectedFromScaleIn: false, healthStatus: 'Unhealthy' },
      ],
      4,
      'lt-1',
    );
    expect(l).toMatchObject({ moved: 1, unready: 4, instances: 1, other: 1 });
  });

  it('finds a group whose only instances on the new version are not InService and Healthy moved nothing', () => {
    const leftBehind = leftBehindOf(
      [{ ...ready, version: '4', protectedFromScaleIn: false, lifecycleState: 'Pending' }],
      4,
      'lt-1',
    );
    expect(movedNothing({ leftBehind })).toBe(true);
  });

  it('counts each instance not on the new version once, Standby before protection', () => {
    const l = leftBehindOf(
      [
        { ...ready, version: '4', protectedFromScaleIn: true },
        { ...ready, version: '3', protectedFromScaleIn: true },
        { ...ready, version: '3', protectedFromScaleIn: true, lifecycleState: 'Standby' },
        { ...ready, version: '2', protectedFromScaleIn: false },
      ],
      4,
      'lt-1',
    );
    expect(l).toEqual({
      instances: 3,
      moved: 1,
      unready: 0,
      protected: 1,
      standby: 1,
      other: 1,
      versions: [
        { version: '3', instances: 2 },
        { version: '2', instances: 1 },
      ],
    });
    expect(leftBehindText(l)).toBe('3 instances (1 protected from scale in, 1 in Standby, 1 for another reason)');
  });

  it('adds up groups, leaving out those moved back, and goldsmith fleet prints the newest rollout’s', () => {
    const sum = sumLeftBehind([
      group('a', { leftBehind: { instances: 4, moved: 0, protected: 4, standby: 0, other: 0 } }),
      group('d', { leftBehind: { instances: 1, moved: 2, protected: 1, standby: 0, other: 0 } }),
      group('b', { leftBehind: { instances: 0, protected: 0, standby: 0, other: 0 } }),
      group('c', {
        leftBehind: { instances: 1, protected: 0, standby: 1, other: 0 },
        back: { version: 3, refreshId: 'ir-2', status: 'Successful' },
      }),
    ]);
    expect(sum).toEqual({ groups: 2, unmoved: 1, instances: 5, protected: 5, standby: 0, other: 0 });
    const text = renderFleet({
      images: [
        {
          image: 'base',
          channel: 'prod',
          versions: [],
          totals: noTotals,
          behind: { accounts: 0, revoked: 0, using: 0 },
        },
      ],
      channels: [],
      compliance: [],
      missed: [],
      ouNames: {},
      leftBehind: [{ image: 'base', channel: 'prod', version: '1.0.0/3', ...sum }],
    });
    expect(text).toContain(
      '  prod rollout 1.0.0/3 left 5 instances (5 protected from scale in) in 2 group(s) on an older version, 1 group(s) of them moving no instance',
    );
  });
});
