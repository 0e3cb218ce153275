import { describe, expect, it } from 'vitest';
import { documentDrift, type Statement } from '../../../core/audit/role-documents.js';

const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/ledger';
const ROLE = 'arn:aws:iam::123456789012:role/reader';

/** The deployment's statement: its lists sorted, each item once, as the stacks write most of them. */
const wanted = (): Statement => ({
  Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
  Condition: { StringEquals: { 'aws:PrincipalOrgID': ['o-a', 'o-b'], 'aws:SourceAccount': '123456789012' } },
  Effect: 'Allow',
  Principal: { AWS: [ROLE, '210987654321'], Service: 'lambda.amazonaws.com' },
  Resource: [TABLE, `${TABLE}/index/*`],
  Sid: 'Ledger',
});

const drift = (held: Statement, expected: Statement) =>
  documentDrift({ Version: '2012-10-17', Statement: [held] }, { Version: '2012-10-17', Statement: [expected] });

describe("a policy document's statements against the deployment's", () => {
  it('finds nothing in the same statement written otherwise: order, repeats, case of actions, lists of one', () => {
    const held: Statement = {
      Sid: 'Ledger',
      // In order, one repeated.
      Resource: [TABLE, TABLE, `${TABLE}/index/*`],
      Principal: { Service: ['lambda.amazonaws.com'], AWS: ['210987654321', ROLE] },
      Effect: 'Allow',
      Condition: {
        StringEquals: { 'aws:SourceAccount': ['123456789012'], 'aws:PrincipalOrgID': ['o-b', 'o-a', 'o-b'] },
      },
      Action: ['DynamoDB:PutItem', 'dynamodb:getitem', 'dynamodb:PutItem'],
    };
    const actions = [...(held.Action as string[])];
    expect(drift(held, wanted())).toEqual({ added: [], removed: [] });
    expect(drift(wanted(), wanted())).toEqual({ added: [], removed: [] });
    // The documents read are compared, not rewritten.
    expect(held.Action).toEqual(actions);
  });

  it.each<[string, (s: Statement) => Statement]>([
    ['an action added', (s) => ({ ...s, Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan'] })],
    ['an action swapped', (s) => ({ ...s, Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem'] })],
    ['actions turned into NotAction', ({ Action, ...s }) => ({ ...s, NotAction: Action })],
    ['a resource widened', (s) => ({ ...s, Resource: [TABLE, `${TABLE}/*`] })],
    ['the effect', (s) => ({ ...s, Effect: 'Deny' })],
    [
      'a principal added',
      (s) => ({ ...s, Principal: { AWS: [ROLE, '111111111111'], Service: 'lambda.amazonaws.com' } }),
    ],
    [
      'a service principal',
      (s) => ({ ...s, Principal: { AWS: [ROLE, '210987654321'], Service: 'ec2.amazonaws.com' } }),
    ],
    [
      'a condition value',
      (s) => ({
        ...s,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a', 'aws:SourceAccount': '123456789012' } },
      }),
    ],
    [
      'a condition operator',
      (s) => ({
        ...s,
        Condition: { StringLike: { 'aws:PrincipalOrgID': ['o-a', 'o-b'], 'aws:SourceAccount': '123456789012' } },
      }),
    ],
    ['the condition removed', ({ Condition: _, ...s }) => s],
  ])('finds %s', (_, change) => {
    const held = change(wanted());
    expect(drift(held, wanted())).toEqual({ added: [held], removed: [wanted()] });
  });
});
