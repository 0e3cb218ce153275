import { describe, expect, it } from 'vitest';
import { describePolicyDrift, expectedPolicyFrom, hasPolicyDrift, policyDrift } from '../../../core/audit/policies.js';

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
