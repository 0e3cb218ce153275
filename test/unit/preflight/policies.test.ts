import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DELEGATION_POLICY_ACTIONS,
  delegationGaps,
  PREFLIGHT_READS_BEYOND_THE_POLICY,
} from '../../../core/preflight/policies.js';

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
      'organizations:DescribePolicy',
    ]);
  });

  it('counts every member of the organization only through aws:PrincipalOrgID, and never another account', () => {
    const org = allow('organizations:*', '*', { Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } });
    const other = allow('organizations:*', '*', {
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' } },
    });
    expect(delegationGaps(policy(org), ACCOUNT, ORG)).toEqual([]);
    expect(delegationGaps(policy(other), ACCOUNT, ORG)).toHaveLength(10);
    expect(delegationGaps(policy(allow('organizations:*', { AWS: '999988887777' })), ACCOUNT, ORG)).toHaveLength(10);
  });

  it('lets a Deny win, and reads a policy that is not JSON as allowing nothing', () => {
    const deny = { Effect: 'Deny', Principal: '*', Action: 'organizations:ListTagsForResource', Resource: '*' };
    expect(delegationGaps(policy(allow('organizations:*'), deny), ACCOUNT, ORG)).toEqual([
      'organizations:ListTagsForResource',
    ]);
    expect(delegationGaps('not json', ACCOUNT, ORG)).toHaveLength(10);
  });
});

const ROOT = new URL('../../../', import.meta.url).pathname;

/** The Organizations actions a file's code sends: the commands and paginators it imports from the SDK's client. */
function organizationsCalls(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const imports = [...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-organizations'/g)];
  return imports.flatMap((m) =>
    (m[1] ?? '').split(',').flatMap((name) => {
      const n = name.trim();
      const command = /^(\w+)Command$/.exec(n)?.[1] ?? /^paginate(\w+)$/.exec(n)?.[1];
      return command ? [`organizations:${command}`] : [];
    }),
  );
}

const tsUnder = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));

describe("docs/deploy.md's delegation policy", () => {
  it("allows exactly what the code reads of Organizations: the functions' reads and preflight's SCP reads", () => {
    const page = readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8');
    const json = /```json\n(\{[\s\S]*?"Sid": "GoldsmithReadsTheTree"[\s\S]*?\})\n```/.exec(page)?.[1] ?? '{}';
    const documented = (JSON.parse(json) as { Statement: { Action: string[] }[] }).Statement.flatMap((s) => s.Action);
    expect(documented).toEqual([...DELEGATION_POLICY_ACTIONS]);
    const called = new Set(tsUnder('aws').flatMap(organizationsCalls));
    expect(called.has('organizations:ListPoliciesForTarget')).toBe(true);
    expect(called.has('organizations:DescribePolicy')).toBe(true);
    const beyond: readonly string[] = PREFLIGHT_READS_BEYOND_THE_POLICY;
    expect([...called].filter((a) => !documented.includes(a) && !beyond.includes(a))).toEqual([]);
    expect(documented.filter((a) => !called.has(a))).toEqual([]);
  });
});
