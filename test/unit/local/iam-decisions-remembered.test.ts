import { describe, expect, it } from 'vitest';
import { evaluate, type PolicyDocument } from '../../../local/trust/policies.js';

const role = 'arn:aws:iam::111111111111:role/writer';
const table = 'arn:aws:dynamodb:us-east-1:111111111111:table/ledger';

function request(identity: PolicyDocument) {
  return {
    principal: role,
    action: 'dynamodb:PutItem',
    resource: table,
    resourceAccount: '111111111111',
    context: { 'aws:PrincipalArn': role },
    identityPolicies: [identity],
  };
}

const allow = (): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: table }],
});

describe("the local cloud's IAM decisions, remembered by the request's content", () => {
  it('answers a repeated question as the engine did, and a policy changed in place gets a new answer', async () => {
    const policy = allow();
    expect((await evaluate(request(policy))).decision).toBe('Allowed');
    expect((await evaluate(request(policy))).decision).toBe('Allowed');
    policy.Statement = [{ Effect: 'Deny', Action: 'dynamodb:PutItem', Resource: table }];
    expect((await evaluate(request(policy))).decision).toBe('ExplicitlyDenied');
    expect((await evaluate({ ...request(policy), action: 'dynamodb:GetItem' })).decision).toBe('ImplicitlyDenied');
  });

  it('sees a statement edited deep inside the same objects, and a policy replaced in the same list', async () => {
    const policy = allow();
    const policies = [policy];
    const asked = { ...request(policy), identityPolicies: policies };
    expect((await evaluate(asked)).decision).toBe('Allowed');
    // The same statement object, its effect and then its resource changed.
    const statement = policy.Statement[0] as Record<string, unknown>;
    statement.Effect = 'Deny';
    expect((await evaluate(asked)).decision).toBe('ExplicitlyDenied');
    statement.Effect = 'Allow';
    expect((await evaluate(asked)).decision).toBe('Allowed');
    statement.Resource = `${table}-other`;
    expect((await evaluate(asked)).decision).toBe('ImplicitlyDenied');
    // The list the caller passes every time, its policy replaced by one that allows again.
    policies[0] = allow();
    expect((await evaluate(asked)).decision).toBe('Allowed');
    policies.push({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] });
    expect((await evaluate(asked)).decision).toBe('ExplicitlyDenied');
  });

  it('asks afresh for another resource, another context or a changed resource policy', async () => {
    const policy = allow();
    const resourcePolicy: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 'dynamodb:PutItem',
          Resource: table,
          Condition: { StringNotEquals: { 'aws:PrincipalArn': role } },
        },
      ],
    };
    const asked = { ...request(policy), resourcePolicy };
    expect((await evaluate(asked)).decision).toBe('Allowed');
    expect((await evaluate({ ...asked, resource: `${table}-other` })).decision).toBe('ImplicitlyDenied');
    const other = 'arn:aws:iam::111111111111:role/other';
    expect((await evaluate({ ...asked, context: { 'aws:PrincipalArn': other } })).decision).toBe('ExplicitlyDenied');
    const condition = (resourcePolicy.Statement[0] as { Condition: { StringNotEquals: Record<string, string> } })
      .Condition.StringNotEquals;
    condition['aws:PrincipalArn'] = other;
    expect((await evaluate(asked)).decision).toBe('ExplicitlyDenied');
  });
});
