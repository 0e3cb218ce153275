import { describe, expect, it } from 'vitest';
import { delegationGaps } from '../../../core/preflight/policies.js';

const ACCOUNT = '200000000001';
const ORG = 'o-a1b2c3d4e5';
const policy = (...Statement: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const allow = (Action: unknown, Principal: unknown = { AWS: `arn:aws:iam::${ACCOUNT}:root` }, extra = {}) => ({
  Effect: 'Allow',
  Principal,
  Action,
  Resource: '*',
  ...extra,
});

describe('what preflight reads in the delegation policy', () => {
  it('accepts the account by id, root ARN or wildcard action, and names each read it does not allow', () => {
    expect(delegationGaps(policy(allow(['organizations:List*', 'organizations:Describe*'])), ACCOUNT, ORG)).toEqual([]);
    expect(delegationGaps(policy(allow('organizations:*', { AWS: ACCOUNT })), ACCOUNT, ORG)).toEqual([]);
    expect(delegationGaps(policy(allow(['organizations:List*'])), ACCOUNT, ORG)).toEqual([
      'organizations:DescribeOrganization',
      'organizations:DescribeAccount',
      'organizations:DescribeOrganizationalUnit',
    ]);
  });

  it('counts every member of the organization only through aws:PrincipalOrgID, and never another account', () => {
    const org = allow('organizations:*', '*', { Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } });
    const other = allow('organizations:*', '*', {
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' } },
    });
    expect(delegationGaps(policy(org), ACCOUNT, ORG)).toEqual([]);
    expect(delegationGaps(policy(other), ACCOUNT, ORG)).toHaveLength(8);
    expect(delegationGaps(policy(allow('organizations:*', { AWS: '999988887777' })), ACCOUNT, ORG)).toHaveLength(8);
  });

  it('lets a Deny win, and reads a policy that is not JSON as allowing nothing', () => {
    const deny = { Effect: 'Deny', Principal: '*', Action: 'organizations:ListTagsForResource', Resource: '*' };
    expect(delegationGaps(policy(allow('organizations:*'), deny), ACCOUNT, ORG)).toEqual([
      'organizations:ListTagsForResource',
    ]);
    expect(delegationGaps('not json', ACCOUNT, ORG)).toHaveLength(8);
  });
});
