import { describe, expect, it } from 'vitest';
import { readRollout } from '../../aws/rollout/rollout-ledger.js';
import { renderRolloutStatus } from '../../cli/operator/rollout-text.js';
import { startRollout } from '../../functions/rollout/start.js';
import { CANARY, followingGroup, INPUT, memberOf, useRolloutWorld } from './rollout-fixtures.js';

describe('a rollout over a mixed-instances group', () => {
  useRolloutWorld();

  it('refreshes it with its whole mixed instances policy, only the template version changed', async () => {
    followingGroup(CANARY);
    const g = memberOf(CANARY).groups[0];
    if (!g?.template) throw new Error('no canary group');
    const overrides = [{ InstanceType: 'c7g.large' }, { InstanceType: 'c6g.large', WeightedCapacity: '1' }];
    const distribution = {
      OnDemandBaseCapacity: 2,
      OnDemandPercentageAboveBaseCapacity: 0,
      SpotAllocationStrategy: 'capacity-optimized',
    };
    g.mixed = {
      LaunchTemplate: {
        LaunchTemplateSpecification: { LaunchTemplateId: g.template.id, Version: '3' },
        Overrides: overrides,
      },
      InstancesDistribution: distribution,
    };

    await startRollout(INPUT);

    const refresh = memberOf(CANARY).refreshes[0];
    expect(refresh?.desiredConfiguration).toEqual({
      MixedInstancesPolicy: {
        LaunchTemplate: {
          LaunchTemplateSpecification: { LaunchTemplateId: g.template.id, Version: '4' },
          Overrides: overrides,
        },
        InstancesDistribution: distribution,
      },
    });
    // rollout status (text and --json, which prints the record) shows what was sent for the group.
    const record = await readRollout(INPUT.image, INPUT.channel, INPUT.version);
    if (!record) throw new Error('no record');
    expect(record.waves[0]?.groups[0]?.mixed).toEqual({
      instanceTypes: ['c7g.large', 'c6g.large'],
      types: 2,
      onDemandBase: 2,
      onDemandPercentAboveBase: 0,
      spotAllocation: 'capacity-optimized',
    });
    expect(renderRolloutStatus(record)).toContain(
      '; mixed instances: c7g.large, c6g.large kept; On-Demand base 2, above it 0% On-Demand, 100% Spot (capacity-optimized)',
    );
  });
});
