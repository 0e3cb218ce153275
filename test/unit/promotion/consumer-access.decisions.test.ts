import { describe, expect, it } from 'vitest';
import {
  type PolicyStatement,
  PULL_ACTIONS,
  pointerPrincipals,
  pullSid,
  pullStatements,
  withChannelStatements,
} from '../../../core/promotion/consumer-access.js';

const ORG = { id: 'o-a1b2c3d4e5', managementAccountId: '999988887777' };
const ORG_ARN = 'arn:aws:organizations::999988887777:organization/o-a1b2c3d4e5';
const targets = (
  over: Partial<{
    organization: boolean;
    ous: string[];
    accounts: string[];
    accountTags: Record<string, string>;
    exclude: { ous: string[]; accounts: string[] };
  }> = {},
) => ({ ous: [], accounts: [], accountTags: {}, exclude: { ous: [], accounts: [] }, ...over });

describe('pointerPrincipals: the whole organization', () => {
  it('shares with the organization, wider than the targets only when something is excluded', () => {
    expect(pointerPrincipals(targets({ organization: true }), ORG)).toEqual({
      principals: [ORG_ARN],
      wider: undefined,
    });
    for (const exclude of [
      { ous: ['ou-x1y2-lab00001'], accounts: [] },
      { ous: [], accounts: ['111122223333'] },
    ]) {
      expect(pointerPrincipals(targets({ organization: true, exclude }), ORG)).toEqual({
        principals: [ORG_ARN],
        wider:
          'exclusions inside the organization cannot be expressed in RAM: excluded accounts can read the pointer, not launch or pull the image',
      });
    }
  });
});

describe('pointerPrincipals: exclusions inside a shared OU', () => {
  const inside = (t: ReturnType<typeof targets>) => pointerPrincipals(t, ORG).wider !== undefined;

  it('is wider for an excluded account or a child OU under a shared OU', () => {
    expect(inside(targets({ ous: ['ou-x1y2-prd00001'], exclude: { ous: [], accounts: ['111122223333'] } }))).toBe(true);
    expect(inside(targets({ ous: ['ou-x1y2-prd00001'], exclude: { ous: ['ou-x1y2-lab00001'], accounts: [] } }))).toBe(
      true,
    );
  });

  it('is wider when any one exclusion is inside, among others that are targets taken out', () => {
    const ous = ['ou-x1y2-prd00001', 'ou-x1y2-lab00001'];
    expect(
      inside(
        targets({ ous, accounts: ['111122223333'], exclude: { ous: [], accounts: ['111122223333', '444455556666'] } }),
      ),
    ).toBe(true);
    expect(inside(targets({ ous, exclude: { ous: ['ou-x1y2-lab00001', 'ou-x1y2-dev00001'], accounts: [] } }))).toBe(
      true,
    );
  });

  it('is exact when no OU is shared, or the exclusions are themselves targets taken out', () => {
    expect(inside(targets({ accounts: ['444455556666'], exclude: { ous: [], accounts: ['111122223333'] } }))).toBe(
      false,
    );
    expect(
      inside(
        targets({
          ous: ['ou-x1y2-prd00001', 'ou-x1y2-lab00001'],
          accounts: ['111122223333'],
          exclude: { ous: ['ou-x1y2-lab00001'], accounts: ['111122223333'] },
        }),
      ),
    ).toBe(false);
  });
});

describe('pullSid', () => {
  it('capitalizes each word between characters a Sid cannot hold', () => {
    expect(pullSid('prod-eu')).toBe('GoldsmithPullProdEu');
    expect(pullSid('-prod--eu_1.x', 'Ous')).toBe('GoldsmithPullProdEu1XOus');
  });
});

describe('pullStatements: the exact statements', () => {
  it('grants the whole organization in one statement, with its exclusions sorted and once each', () => {
    const exclude = { ous: ['ou-x1y2-lab00002', 'ou-x1y2-lab00001'], accounts: ['333', '111', '333'] };

    expect(pullStatements('prod', targets({ organization: true, exclude }), ['222'], ORG.id)).toEqual([
      {
        Sid: 'GoldsmithPullProdOrganization',
        Effect: 'Allow',
        Principal: '*',
        Action: PULL_ACTIONS,
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': ORG.id },
          StringNotEquals: { 'aws:PrincipalAccount': ['111', '333'] },
          'ForAllValues:StringNotLike': {
            'aws:PrincipalOrgPaths': ['o-a1b2c3d4e5/*/ou-x1y2-lab00001/*', 'o-a1b2c3d4e5/*/ou-x1y2-lab00002/*'],
          },
        },
      },
    ]);
  });

  it('adds no OU exclusion to the named accounts when no OU is excluded', () => {
    const [statement] = pullStatements('prod', targets({ exclude: { ous: [], accounts: ['111'] } }), ['222'], ORG.id);

    expect(statement?.Condition).toStrictEqual({
      StringEquals: { 'aws:PrincipalOrgID': ORG.id, 'aws:PrincipalAccount': ['222'] },
    });
  });

  it('leaves excluded OUs and accounts out of what it grants, and keeps excluded OUs out of the named accounts', () => {
    const t = targets({
      ous: ['ou-x1y2-prd00002', 'ou-x1y2-prd00001', 'ou-x1y2-lab00001', 'ou-x1y2-prd00001'],
      exclude: { ous: ['ou-x1y2-lab00001'], accounts: ['111'] },
    });

    expect(pullStatements('prod', t, ['333', '111', '222', '333'], ORG.id)).toEqual([
      {
        Sid: 'GoldsmithPullProdOus',
        Effect: 'Allow',
        Principal: '*',
        Action: PULL_ACTIONS,
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': ORG.id },
          'ForAnyValue:StringLike': {
            'aws:PrincipalOrgPaths': ['o-a1b2c3d4e5/*/ou-x1y2-prd00001/*', 'o-a1b2c3d4e5/*/ou-x1y2-prd00002/*'],
          },
          StringNotEquals: { 'aws:PrincipalAccount': ['111'] },
          'ForAllValues:StringNotLike': { 'aws:PrincipalOrgPaths': ['o-a1b2c3d4e5/*/ou-x1y2-lab00001/*'] },
        },
      },
      {
        Sid: 'GoldsmithPullProdAccounts',
        Effect: 'Allow',
        Principal: '*',
        Action: PULL_ACTIONS,
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': ORG.id, 'aws:PrincipalAccount': ['222', '333'] },
          'ForAllValues:StringNotLike': { 'aws:PrincipalOrgPaths': ['o-a1b2c3d4e5/*/ou-x1y2-lab00001/*'] },
        },
      },
    ]);
  });
});

describe('withChannelStatements', () => {
  it("replaces the channel's organization and accounts statements too, and keeps another channel's", () => {
    const stmt = (Sid: string): PolicyStatement => ({ Sid, Effect: 'Allow', Principal: '*', Action: PULL_ACTIONS });
    const current = {
      Version: '2012-10-17',
      Statement: [
        stmt('GoldsmithPullProdOrganization'),
        stmt('GoldsmithPullProdAccounts'),
        stmt('GoldsmithPullProdEuAccounts'),
      ],
    };
    const wanted = [stmt('GoldsmithPullProdOus')];

    expect(withChannelStatements(current, 'prod', wanted)).toEqual({
      Version: '2012-10-17',
      Statement: [stmt('GoldsmithPullProdEuAccounts'), ...wanted],
    });
  });
});
