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

describe("the local cloud's IAM decisions, remembered by the request's content", () => {
  it('answers a repeated question as the engine did, and a policy changed in place gets a new answer', async () => {
    const policy: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: table }],
    };
    expect((await evaluate(request(policy))).decision).toBe('Allowed');
    expect((await evaluate(request(policy))).decision).toBe('Allowed');
    policy.Statement = [{ Effect: 'Deny', Action: 'dynamodb:PutItem', Resource: table }];
    expect((await evaluate(request(policy))).decision).toBe('ExplicitlyDenied');
    expect((await evaluate({ ...request(policy), action: 'dynamodb:GetItem' })).decision).toBe('ImplicitlyDenied');
  });
});
