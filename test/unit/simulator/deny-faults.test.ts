import { describe, expect, it } from 'vitest';
import { applyDeniedActions } from '../../../local/simulator/cloud-image-validation.js';
import { scenarioSchema } from '../../../local/simulator/scenario.js';
import type { Wiring } from '../../../local/simulator/wiring.js';
import type { PolicyDocument } from '../../../local/trust/policies.js';

const ROLE = 'arn:aws:iam::123456789012:role/goldsmith-publish';
const base = { start: '2027-01-01T00:00:00Z', until: '2027-01-02T00:00:00Z' };
const wiring = {
  functions: new Map([
    [
      'arn:aws:lambda:us-east-1:123456789012:function:publish',
      {
        logicalId: 'PromotionPublish',
        handler: 'functions/promotion/publish.handler',
        environment: {},
      },
    ],
  ]),
} as unknown as Wiring;

describe('scenario faults.deny', () => {
  it('denies the action to the role of the function whose handler module it names', () => {
    const policies = new Map<string, PolicyDocument[]>([[ROLE, []]]);
    applyDeniedActions(
      [{ function: 'functions/promotion/publish', action: 'ec2:DescribeImages' }],
      wiring,
      new Map([['PromotionPublish', ROLE]]),
      policies,
    );
    expect(policies.get(ROLE)).toEqual([
      { Version: '2012-10-17', Statement: [expect.objectContaining({ Effect: 'Deny', Action: 'ec2:DescribeImages' })] },
    ]);
  });

  it('stops the run, naming the entry, when it names no function of the stacks', () => {
    const deny = [{ function: 'functions/promotion/publsh', action: 'ec2:DescribeImages' }];
    expect(() => applyDeniedActions(deny, wiring, new Map(), new Map())).toThrow(/faults\.deny\[0\]\.function/);
  });

  it('refuses an entry that is not a handler module and an IAM action, naming the field', () => {
    const bad = scenarioSchema.safeParse({
      ...base,
      faults: { deny: [{ function: 'Publish', action: 'DescribeImages' }] },
    });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(['faults.deny.0.function', 'faults.deny.0.action']);
  });
});
