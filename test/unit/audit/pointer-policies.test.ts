import { describe, expect, it } from 'vitest';
import { foreignPointerPolicies, pointerPolicyDriftSk, policyAccounts } from '../../../core/audit/pointer-policies.js';
import { resolvedShareReach } from '../../../core/audit/pointer-reach.js';
import type { OrgTree } from '../../../core/sharing/targets.js';

const ORG = 'o-a1b2c3d4e5';
const ORG_ARN = `arn:aws:organizations::999988887777:organization/${ORG}`;
const OU = `arn:aws:organizations::999988887777:ou/${ORG}/ou-x1y2-dev00001`;
const POINTER = 'arn:aws:ssm:us-east-1:111122223333:parameter/goldsmith/base/dev';

const held = (...statements: Record<string, unknown>[]) => ({
  id: 'policy-1',
  hash: 'a'.repeat(40),
  policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
});
const read = (Principal: unknown, extra: Record<string, unknown> = {}) => ({
  Effect: 'Allow',
  Principal,
  Action: ['ssm:GetParameter', 'ssm:GetParameters'],
  Resource: POINTER,
  ...extra,
});
const judge = (principals: string[], ...statements: Record<string, unknown>[]) =>
  foreignPointerPolicies([held(...statements)], { principals, organizationId: ORG }).map((p) => p.reasons);

describe("the audit's judgement of the resource policies on a channel pointer", () => {
  it('leaves a policy that lets only the share’s principals read, in either account form', () => {
    expect(judge(['222233334444'], read({ AWS: 'arn:aws:iam::222233334444:root' }))).toEqual([]);
    expect(judge(['222233334444'], read({ AWS: ['222233334444'] }))).toEqual([]);
  });

  it('leaves a policy as RAM may write it for an OU share: the OU’s ARN, or its path with wildcard segments', () => {
    // AWS documents only that RAM fills the Principal in "from the list of identities added to the resource share".
    expect(judge([OU], read({ AWS: OU }))).toEqual([]);
    for (const path of [`${ORG}/*/ou-x1y2-dev00001/*`, `${ORG}/r-ab12/*/ou-x1y2-dev00001/`]) {
      const held = { Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': path } } };
      expect(judge([OU], read({ AWS: '*' }, held))).toEqual([]);
    }
  });

  it('finds a path that reaches beyond the shared OU: another OU by prefix, the organization, another organization', () => {
    for (const path of [`${ORG}/*/ou-x1y2-dev*`, `${ORG}/*`, `${ORG}/*/*`, 'o-zzzzzzzzzz/*/ou-x1y2-dev00001/*']) {
      const held = { Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': path } } };
      expect(judge([OU], read({ AWS: '*' }, held))).toEqual([['lets anyone in']]);
    }
  });

  it('leaves a wildcard held to the organization the share reaches, or to an OU it reaches', () => {
    const inOrg = { Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } };
    expect(judge([ORG_ARN], read('*', inOrg))).toEqual([]);
    const inOu = {
      Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': `${ORG}/r-ab12/ou-x1y2-dev00001/*` } },
    };
    expect(judge([OU], read({ AWS: '*' }, inOu))).toEqual([]);
  });

  it('finds an account the share does not reach, naming it', () => {
    expect(judge([OU], read({ AWS: '444455556666' }, { Sid: 'Mine' }))).toEqual([['Mine: lets 444455556666 in']]);
    expect(policyAccounts(held(read({ AWS: 'arn:aws:iam::444455556666:root' })).policy)).toEqual(['444455556666']);
  });

  it('finds a wildcard held to another organization or to nothing, a write, a Deny and a service principal', () => {
    const otherOrg = { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' } } };
    expect(judge([ORG_ARN], read('*', otherOrg))).toEqual([['lets anyone in']]);
    expect(judge([ORG_ARN], read('*'))).toEqual([['lets anyone in']]);
    expect(judge(['222233334444'], read({ AWS: '222233334444' }, { Action: 'ssm:PutParameter' }))).toEqual([
      ['allows ssm:PutParameter'],
    ]);
    expect(judge(['222233334444'], { ...read({ AWS: '222233334444' }), Effect: 'Deny' })).toHaveLength(1);
    expect(judge(['222233334444'], read({ Service: 'lambda.amazonaws.com' }))).toEqual([['names Service principals']]);
  });

  it('finds a wildcard whose condition on the organization is negated, IfExists, another set operator or any path', () => {
    const inOu = `${ORG}/r-ab12/ou-x1y2-dev00001/*`;
    const conditions = [
      { StringNotEquals: { 'aws:PrincipalOrgID': ORG } },
      { StringEqualsIfExists: { 'aws:PrincipalOrgID': ORG } },
      { StringLike: { 'aws:PrincipalOrgID': 'o-*' } },
      { 'ForAnyValue:StringNotLike': { 'aws:PrincipalOrgPaths': inOu } },
      { 'ForAllValues:StringLike': { 'aws:PrincipalOrgPaths': inOu } },
      { 'ForAnyValue:StringLikeIfExists': { 'aws:PrincipalOrgPaths': inOu } },
      { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': '*/ou-x1y2-dev00001/*' } },
      { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': `${ORG}/*/ou-x1y2-dev0*` } },
    ];
    for (const Condition of conditions) {
      const found = foreignPointerPolicies([held(read('*', { Condition }))], {
        principals: [ORG_ARN, OU],
        organizationId: ORG,
      });
      expect(found.map((p) => [p.reasons, p.unclear, p.withinReach])).toEqual([[['lets anyone in'], false, false]]);
    }
  });

  it('leaves a wildcard held to the organization by plain StringLike, or to an OU path by StringEquals', () => {
    expect(judge([ORG_ARN], read('*', { Condition: { StringLike: { 'aws:principalorgid': ORG } } }))).toEqual([]);
    const path = { StringEquals: { 'aws:PrincipalOrgPaths': [`${ORG}/r-ab12/ou-x1y2-dev00001/`] } };
    expect(judge([OU], read('*', { Condition: path }))).toEqual([]);
  });

  it('marks unclear a wildcard held to the organization that carries another condition besides', () => {
    const Condition = {
      StringEquals: { 'aws:PrincipalOrgID': ORG },
      Bool: { 'aws:SecureTransport': 'true' },
    };
    const found = foreignPointerPolicies([held(read('*', { Condition }))], {
      principals: [ORG_ARN],
      organizationId: ORG,
    });
    expect(found.map((p) => [p.reasons, p.unclear])).toEqual([[['lets in whoever its condition admits'], true]]);
  });

  it('marks within reach a policy naming only accounts the share reaches through the organization, never more', () => {
    const tree: OrgTree = {
      organizationArn: ORG_ARN,
      rootId: 'r-ab12',
      ous: new Map([
        ['ou-x1y2-dev00001', { arn: OU, parentId: 'r-ab12' }],
        ['ou-x1y2-team0001', { arn: `${OU}-team`, parentId: 'ou-x1y2-dev00001' }],
      ]),
      accounts: new Map([
        ['555566667777', { parentId: 'ou-x1y2-team0001', state: 'ACTIVE' }],
        ['444455556666', { parentId: 'r-ab12', state: 'ACTIVE' }],
      ]),
      tagsRead: false,
    };
    const resolved = resolvedShareReach([OU], tree);
    expect(resolved).toEqual(['555566667777', OU]);
    expect(resolvedShareReach([ORG_ARN], tree)).toEqual(['444455556666', '555566667777', ORG_ARN]);
    const reach = { principals: ['222233334444'], organizationId: ORG };
    const within = (...s: Record<string, unknown>[]) =>
      foreignPointerPolicies([held(...s)], reach, resolved).map((p) => [p.reasons, p.withinReach]);
    expect(within(read({ AWS: 'arn:aws:iam::555566667777:root' }))).toEqual([[['lets 555566667777 in'], true]]);
    expect(within(read({ AWS: ['555566667777', '444455556666'] }))).toEqual([
      [['lets 555566667777 in', 'lets 444455556666 in'], false],
    ]);
    expect(within(read({ AWS: '555566667777' }, { Action: 'ssm:PutParameter' }))).toEqual([
      [['allows ssm:PutParameter', 'lets 555566667777 in'], false],
    ]);
  });

  it('finds a wildcard held only by conditions that hold no caller to the organization; a plain one is no doubt', () => {
    const reach = { principals: [OU], organizationId: ORG };
    const other = { Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } } };
    const account = { Condition: { StringEquals: { 'aws:PrincipalAccount': '999999999999' } } };
    expect(
      foreignPointerPolicies([held(read('*', other)), held(read('*', account))], reach).map((p) => [
        p.reasons,
        p.unclear,
      ]),
    ).toEqual([
      [['lets anyone in'], false],
      [['lets anyone in'], false],
    ]);
    expect(foreignPointerPolicies([held(read('*'))], reach).map((p) => p.unclear)).toEqual([false]);
    const alsoAnAccount = held(read('*', other), read({ AWS: '444455556666' }));
    expect(foreignPointerPolicies([alsoAnAccount], reach).map((p) => p.unclear)).toEqual([false]);
  });

  it('finds a policy that is no JSON or has no statement', () => {
    const reach = { principals: [OU], organizationId: ORG };
    expect(foreignPointerPolicies([{ id: 'p', hash: 'h', policy: '{' }], reach)[0]?.reasons).toEqual(['not JSON']);
    expect(foreignPointerPolicies([held()], reach)[0]?.reasons).toEqual(['no statement']);
  });

  it('names a drift by channel, Region, policy id and hash: the same version found again is the same record', () => {
    const p = held(read({ AWS: '444455556666' }));
    expect(pointerPolicyDriftSk('dev', 'us-east-1', p)).toBe(pointerPolicyDriftSk('dev', 'us-east-1', { ...p }));
    expect(pointerPolicyDriftSk('dev', 'us-east-1', p)).not.toBe(
      pointerPolicyDriftSk('dev', 'us-east-1', { ...p, hash: 'b'.repeat(40) }),
    );
  });
});
