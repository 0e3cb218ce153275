import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type PolicyDocument,
  type PolicyStatement,
  pointerPrincipals,
  pullSid,
  pullStatements,
  withChannelStatements,
} from '../../../core/promotion/consumer-access.js';

const ORG = { id: 'o-a1b2c3d4e5', managementAccountId: '999988887777' };
const targets = (
  over: Partial<{
    ous: string[];
    accounts: string[];
    accountTags: Record<string, string>;
    exclude: { ous: string[]; accounts: string[] };
  }> = {},
) => ({
  ous: [],
  accounts: [],
  accountTags: {},
  exclude: { ous: [], accounts: [] },
  ...over,
});

describe('pointerPrincipals', () => {
  it('shares with the targeted OUs by ARN and the named accounts by id, minus exclusions', () => {
    const p = pointerPrincipals(
      targets({
        ous: ['ou-x1y2-prd00001', 'ou-x1y2-prd00002'],
        accounts: ['111122223333', '222233334444'],
        exclude: { ous: ['ou-x1y2-prd00002'], accounts: ['222233334444'] },
      }),
      ORG,
    );

    expect(p.principals).toEqual([
      '111122223333',
      'arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/ou-x1y2-prd00001',
    ]);
    expect(p.wider).toBeUndefined();
  });

  it('says the share is wider when an excluded account sits inside a shared OU', () => {
    const p = pointerPrincipals(
      targets({ ous: ['ou-x1y2-prd00001'], exclude: { ous: [], accounts: ['111122223333'] } }),
      ORG,
    );

    expect(p.principals).toEqual(['arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/ou-x1y2-prd00001']);
    expect(p.wider).toMatch(/cannot be expressed in RAM/);
  });

  it('shares with the organization when the channel selects accounts by tag', () => {
    const p = pointerPrincipals(targets({ accountTags: { env: 'prod' } }), ORG);

    expect(p.principals).toEqual(['arn:aws:organizations::999988887777:organization/o-a1b2c3d4e5']);
    expect(p.wider).toMatch(/tag/);
  });
});

describe('pullStatements', () => {
  it('grants OUs by organization path and named accounts by account id, each inside the organization', () => {
    const s = pullStatements('prod-eu', targets({ ous: ['ou-x1y2-prd00001'] }), ['111122223333'], ORG.id);

    expect(s.map((x) => x.Sid)).toEqual(['GoldsmithPullProdEuOus', 'GoldsmithPullProdEuAccounts']);
    expect(s[0]?.Condition).toEqual({
      StringEquals: { 'aws:PrincipalOrgID': ORG.id },
      'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ['o-a1b2c3d4e5/*/ou-x1y2-prd00001/*'] },
    });
    expect(s[1]?.Condition).toEqual({
      StringEquals: { 'aws:PrincipalOrgID': ORG.id, 'aws:PrincipalAccount': ['111122223333'] },
    });
  });

  it('keeps excluded accounts and OUs out with negated conditions', () => {
    const [s] = pullStatements(
      'prod',
      targets({ ous: ['ou-x1y2-prd00001'], exclude: { ous: ['ou-x1y2-lab00001'], accounts: ['111122223333'] } }),
      [],
      ORG.id,
    );

    expect(s?.Condition?.StringNotEquals).toEqual({ 'aws:PrincipalAccount': ['111122223333'] });
    expect(s?.Condition?.['ForAllValues:StringNotLike']).toEqual({
      'aws:PrincipalOrgPaths': ['o-a1b2c3d4e5/*/ou-x1y2-lab00001/*'],
    });
  });

  it('grants nothing to a channel without targets', () => {
    expect(pullStatements('dev', targets(), [], ORG.id)).toEqual([]);
  });
});

describe('withChannelStatements', () => {
  const foreign: PolicyStatement = { Sid: 'CiPush', Effect: 'Allow', Principal: '*', Action: 'ecr:PutImage' };
  const sid = fc.constantFrom('dev', 'staging', 'prod', 'prod-eu');
  const statementsFor = (channel: string, n: number): PolicyStatement[] =>
    n === 0 ? [] : pullStatements(channel, targets({ ous: [`ou-x1y2-${channel}${n}`] }), [], ORG.id);

  it('replaces only its channel statements and keeps everyone else, in any order of channels', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(sid, fc.integer({ min: 0, max: 3 })), { maxLength: 8 }), (steps) => {
        let policy: PolicyDocument | undefined = { Version: '2012-10-17', Statement: [foreign] };
        for (const [channel, n] of steps) {
          const wanted = statementsFor(channel, n);
          policy = withChannelStatements(policy, channel, wanted) ?? policy;
          // Applying the same statements again changes nothing (no call).
          expect(withChannelStatements(policy, channel, wanted)).toBeUndefined();
          const own = new Set([pullSid(channel, 'Ous'), pullSid(channel, 'Accounts')]);
          expect(policy.Statement.filter((s) => own.has(s.Sid ?? ''))).toEqual(wanted);
          expect(policy.Statement[0]).toEqual(foreign);
        }
      }),
    );
  });

  it('writes a new policy when the repository has none and the channel grants something', () => {
    const wanted = statementsFor('dev', 1);

    expect(withChannelStatements(undefined, 'dev', wanted)).toEqual({ Version: '2012-10-17', Statement: wanted });
    expect(withChannelStatements(undefined, 'dev', [])).toBeUndefined();
  });
});
