import { describe, expect, it } from 'vitest';
import { scenarioEventSchema } from '../../../local/simulator/scenario-events.js';

const at = '2027-01-03T12:00:00Z';
const issues = (event: Record<string, unknown>) => {
  const parsed = scenarioEventSchema.safeParse({ at, kind: 'outside-change', ...event });
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('outside-change scenario events', () => {
  it('takes each action with the fields it needs', () => {
    expect(issues({ action: 'put-parameter', image: 'base', channel: 'prod', region: 'us-east-1' })).toEqual([]);
    expect(issues({ action: 'delete-schedule', image: 'base', version: '1.0.0/2' })).toEqual([]);
    const grant = { UserId: '999999999999' };
    expect(
      issues({
        action: 'modify-launch-permission',
        image: 'base',
        version: '1.0.0/3',
        region: 'us-east-1',
        add: [grant],
      }),
    ).toEqual([]);
  });

  it('names each field an action needs and lacks', () => {
    expect(issues({ action: 'put-parameter', image: 'base' })).toEqual([
      'channel: required for put-parameter',
      'region: required for put-parameter',
    ]);
    expect(
      issues({ action: 'modify-launch-permission', image: 'base', version: '1.0.0/3', region: 'us-east-1' }),
    ).toEqual(['add: modify-launch-permission needs add or remove']);
  });

  it('refuses a field another action takes, a malformed AMI id and a grantee EC2 would not name', () => {
    expect(
      issues({ action: 'delete-schedule', image: 'base', version: '1.0.0/2', value: 'ami-0123456789abcdef0' }),
    ).toEqual(['value: only for put-parameter']);
    expect(
      issues({ action: 'put-parameter', image: 'base', channel: 'prod', region: 'us-east-1', value: 'not-an-ami' }),
    ).toEqual(['value: must be an AMI id like "ami-0123456789abcdef0"']);
    expect(
      issues({
        action: 'modify-launch-permission',
        image: 'base',
        version: '1.0.0/3',
        region: 'us-east-1',
        add: [{ UserId: '42' }],
      }).length,
    ).toBeGreaterThan(0);
  });
});
