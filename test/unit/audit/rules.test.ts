import { describe, expect, it } from 'vitest';
import { describeRuleDrift, hasRuleDrift, ruleDrift, ruleDriftSk, type WantedRule } from '../../../core/audit/rules.js';
import { catalogShapeSchema } from '../../../core/config/schema.js';
import { isSweepDue } from '../../../core/reconcile/decide.js';

const HOME_BUS = 'arn:aws:events:us-east-1:111122223333:event-bus/default';
const ROLE = 'arn:aws:iam::111122223333:role/forwarding';
const WANTED: WantedRule = {
  name: 'prod-goldsmith-findings-to-home',
  regions: ['eu-west-1'],
  pattern: { source: ['aws.inspector2'], 'detail-type': ['Inspector2 Finding'] },
  description: 'd',
  target: { id: 'goldsmith-home-bus', arn: HOME_BUS, roleArn: ROLE },
};
const asMade = {
  state: 'ENABLED',
  pattern: { 'detail-type': ['Inspector2 Finding'], source: ['aws.inspector2'] },
  targets: [WANTED.target],
};

describe('ruleDrift', () => {
  it('finds nothing in a rule as the stacks made it, whatever the order of its pattern keys', () => {
    expect(hasRuleDrift(ruleDrift(asMade, WANTED))).toBe(false);
  });

  it('names a rule disabled, narrowed, stripped of its target or given another', () => {
    const drift = ruleDrift(
      {
        state: 'DISABLED',
        pattern: { source: ['aws.nothing'] },
        targets: [{ id: 'x', arn: 'arn:aws:sqs:eu-west-1:1:q' }],
      },
      WANTED,
    );
    expect(describeRuleDrift(drift)).toBe(
      'disabled, another event pattern, the home bus target removed or changed, targets the stacks did not make (x)',
    );
  });

  it('names a deleted rule, and keys the same change on another day as a new record', () => {
    const drift = ruleDrift(undefined, WANTED);
    expect(describeRuleDrift(drift)).toBe('no such rule (deleted)');
    const day = (d: string) => ruleDriftSk(WANTED.name, 'eu-west-1', drift, new Date(d));
    expect(day('2027-01-01T01:00:00Z')).not.toBe(day('2027-01-02T01:00:00Z'));
    expect(day('2027-01-01T01:00:00Z')).toBe(day('2027-01-01T03:00:00Z'));
  });
});

describe("the sweeps' cadence (launch permissions, pointers, every pipeline's listing)", () => {
  it('sweeps when the last completed sweep is a period old, so a failed sweep day is made up the next day', () => {
    const at = (d: number, h = 0) => new Date(Date.UTC(2027, 0, d, h, 10));
    // Swept on the 1st; the 8th's sweep failed (nothing recorded): the 9th's full pass sweeps.
    const last = at(1).toISOString();
    expect(isSweepDue(at(7), last, 7)).toBe(false);
    expect(isSweepDue(at(8), last, 7)).toBe(true);
    expect(isSweepDue(at(9), last, 7)).toBe(true);
    expect(isSweepDue(at(9, 12), last, 7)).toBe(false);
    // Completed on the 9th: not again until the 16th. Never swept: due on the first full pass.
    expect(isSweepDue(at(10), at(9).toISOString(), 7)).toBe(false);
    expect(isSweepDue(at(16), at(9).toISOString(), 7)).toBe(true);
    expect(isSweepDue(at(3), undefined, 7)).toBe(true);
  });

  it('takes a completion recorded in the future as no completion, within an hour of clock skew', () => {
    const now = new Date('2027-01-09T00:10:00Z');
    // Nobody's run finished in 9999: due now, not in 9999.
    expect(isSweepDue(now, '9999-12-31T00:00:00.000Z', 7)).toBe(true);
    expect(isSweepDue(now, '2027-01-10T00:10:00.000Z', 7)).toBe(true);
    // Half an hour ahead: a clock a little fast, taken as today's completion.
    expect(isSweepDue(now, '2027-01-09T00:40:00.000Z', 7)).toBe(false);
  });

  it('refuses a sweep period that is not whole days from 1d to 30d, naming the field', () => {
    const base = {
      organization: { id: 'o-a1b2c3d4e5', homeRegion: 'us-east-1' },
      images: {},
      channels: [{ name: 'dev' }],
    };
    for (const bad of ['12h', '31d', '36h']) {
      const parsed = catalogShapeSchema.safeParse({ ...base, monitoring: { launchPermissionSweepEvery: bad } });
      expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain('monitoring.launchPermissionSweepEvery');
    }
  });
});
