import { describe, expect, it } from 'vitest';
import {
  describePolicyDrift,
  doorInventory,
  expectedPolicyFrom,
  hasPolicyDrift,
  missingDoors,
  policyDrift,
} from '../../../core/audit/policies.js';

const statement = {
  Sid: 'SendOnlyByGoldsmith',
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: 'sqs:SendMessage',
  Resource: 'arn:aws:sqs:us-east-1:123456789012:q',
  Condition: {
    ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::123456789012:role/a', 'arn:aws:iam::123456789012:role/b'] },
  },
};
const expected = { Version: '2012-10-17', Statement: [statement] };

describe('a resource policy against the deployment’s', () => {
  it('takes a one-element list for its value, reordered lists and keys alike: no drift', () => {
    const held = {
      Statement: [
        {
          ...statement,
          Action: ['sqs:SendMessage'],
          Principal: { AWS: ['*'] },
          Condition: {
            ArnNotLike: {
              'aws:PrincipalArn': ['arn:aws:iam::123456789012:role/b', 'arn:aws:iam::123456789012:role/a'],
            },
          },
        },
      ],
      Version: '2012-10-17',
    };
    expect(hasPolicyDrift(policyDrift(JSON.stringify(held), expected))).toBe(false);
  });

  it('names each statement removed, changed or added, and an absent policy', () => {
    const wider = { ...statement, Condition: { ArnNotLike: { 'aws:PrincipalArn': ['*'] } } };
    expect(describePolicyDrift(policyDrift(JSON.stringify({ Statement: [wider, { Sid: 'X' }] }), expected))).toBe(
      'statement SendOnlyByGoldsmith changed; statement X added',
    );
    expect(describePolicyDrift(policyDrift(JSON.stringify({ Statement: [] }), expected))).toBe(
      'statement SendOnlyByGoldsmith removed',
    );
    expect(describePolicyDrift(policyDrift(undefined, expected))).toBe('no policy');
  });

  it('finds a wider statement under the deployment’s Sid placed before the deployment’s own', () => {
    const wider = { ...statement, Effect: 'Allow', Principal: '*', Condition: undefined };
    const held = { Statement: [wider, statement] };
    const drift = policyDrift(JSON.stringify(held), expected);
    expect(hasPolicyDrift(drift)).toBe(true);
    expect(describePolicyDrift(drift)).toBe('statement SendOnlyByGoldsmith repeated');
    expect(describePolicyDrift(policyDrift(JSON.stringify({ Statement: [statement, wider] }), expected))).toBe(
      'statement SendOnlyByGoldsmith repeated',
    );
  });

  it('finds a statement without a Sid, and the deployment’s statement with its Sid taken off', () => {
    const { Sid: _sid, ...unnamed } = statement;
    expect(describePolicyDrift(policyDrift(JSON.stringify({ Statement: [statement, unnamed] }), expected))).toBe(
      'statement (no Sid) added',
    );
    expect(describePolicyDrift(policyDrift(JSON.stringify({ Statement: [unnamed] }), expected))).toBe(
      'statement SendOnlyByGoldsmith removed; statement (no Sid) added',
    );
  });

  it('compares statements as a multiset: the same statements in another order are no drift', () => {
    const other = { ...statement, Sid: 'Other', Action: 'sqs:ReceiveMessage' };
    const two = { Version: '2012-10-17', Statement: [statement, other] };
    expect(hasPolicyDrift(policyDrift(JSON.stringify({ Statement: [other, statement] }), two))).toBe(false);
  });

  it('refuses a malformed inventory naming the variable and the entry', () => {
    expect(() => doorInventory(undefined)).toThrow('EXPECTED_POLICIES is not set');
    expect(() => doorInventory('topic/A,rule/B')).toThrow('EXPECTED_POLICIES: "rule/B" is not <topic|queue|bus>/<id>');
    expect(doorInventory('')).toEqual([]);
  });

  it("names the deployment's doors whose parameter is not under the stage's path", () => {
    const doors = doorInventory('topic/A,queue/B, bus/C');
    expect(
      missingDoors(doors, ['/goldsmith/_policies/prod/topic/A', '/goldsmith/_policies/dev/queue/B'], 'prod'),
    ).toEqual([
      { kind: 'queue', entry: 'queue/B' },
      { kind: 'bus', entry: 'bus/C' },
    ]);
  });

  it('refuses a malformed expected policy naming the parameter and the field', () => {
    expect(() => expectedPolicyFrom('/p', '{')).toThrow('/p: not JSON');
    expect(() => expectedPolicyFrom('/p', '{"kind":"rule","target":"x","policy":{"Statement":[]}}')).toThrow(
      '/p: kind must be topic, queue or bus',
    );
    expect(() => expectedPolicyFrom('/p', '{"kind":"queue","target":"x","policy":{}}')).toThrow(
      '/p: policy.Statement must be a list',
    );
  });
});

describe('principals as AWS gives them back', () => {
  const ROLE = 'arn:aws:iam::123456789012:role/prod-goldsmith-Promotion-Publish';
  const allowTo = (AWS: unknown) => ({
    Sid: 'Writers',
    Effect: 'Allow',
    Principal: { AWS },
    Action: 'sns:Publish',
    Resource: 'arn:aws:sns:us-east-1:123456789012:t',
  });
  const wanted = (AWS: unknown) => ({ Version: '2012-10-17', Statement: [allowTo(AWS)] });
  const held = (AWS: unknown) => JSON.stringify({ Statement: [allowTo(AWS)] });

  it('takes an account written as its id and returned as its root ARN (or the reverse) as the same: no drift', () => {
    expect(hasPolicyDrift(policyDrift(held('arn:aws:iam::210987654321:root'), wanted('210987654321')))).toBe(false);
    expect(
      hasPolicyDrift(policyDrift(held(['210987654321', ROLE]), wanted([ROLE, 'arn:aws:iam::210987654321:root']))),
    ).toBe(false);
  });

  it("takes a deleted role's unique id (AROA…) for the role the deployment named: no drift", () => {
    expect(hasPolicyDrift(policyDrift(held('AROAKSCDLFT9R5DQP782U'), wanted(ROLE)))).toBe(false);
    expect(
      hasPolicyDrift(policyDrift(held(['AROAKSCDLFT9R5DQP782U', '210987654321']), wanted([ROLE, '210987654321']))),
    ).toBe(false);
  });

  it('still finds another account, another role, or a unique id with no role of the deployment to stand for', () => {
    expect(describePolicyDrift(policyDrift(held('arn:aws:iam::999999999999:root'), wanted('210987654321')))).toBe(
      'statement Writers changed',
    );
    expect(describePolicyDrift(policyDrift(held('arn:aws:iam::123456789012:role/attacker'), wanted(ROLE)))).toBe(
      'statement Writers changed',
    );
    expect(describePolicyDrift(policyDrift(held([ROLE, 'AROAKSCDLFT9R5DQP782U']), wanted(ROLE)))).toBe(
      'statement Writers changed',
    );
  });
});
