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
      'instanceType: team-deploy needs instanceType or userData (what the team changes)',
    ]);
    expect(issues({ account: '200000000004', instanceType: 'large' })).toEqual([
      'instanceType: must be an instance type like "m6i.large"',
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
