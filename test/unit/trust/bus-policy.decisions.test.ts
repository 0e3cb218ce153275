import { describe, expect, it } from 'vitest';
import { type BusWriter, busPolicyStatements } from '../../../core/trust/bus-policy.js';

const BUS = 'arn:aws:events:us-east-1:123456789012:event-bus/goldsmith-prod';
const PROMOTER = 'arn:aws:iam::123456789012:role/promoter';
const REVOKER = 'arn:aws:iam::123456789012:role/revoker';
const CI_ROLE = 'arn:aws:iam::123456789012:role/ci';

const input = (writers: BusWriter[], ci: string[]) => ({
  busArn: BUS,
  organizationId: 'o-a1b2c3d4e5',
  factSource: 'goldsmith',
  ciSource: 'goldsmith.ci',
  ciDetailType: 'Package Update',
  writers,
  ci,
});
const base = { Effect: 'Deny', Principal: '*', Action: 'events:PutEvents', Resource: BUS };

describe('busPolicyStatements: the whole policy', () => {
  it('denies first, one deny per detail-type in sorted order, then allows CI within the organization', () => {
    const writers = [
      { roleArn: REVOKER, detailTypes: ['Image Revoked', 'Image Promoted'] },
      { roleArn: PROMOTER, detailTypes: ['Image Promoted'] },
      { roleArn: PROMOTER, detailTypes: ['Image Promoted'] },
    ];
    expect(busPolicyStatements(input(writers, [CI_ROLE, '444455556666']))).toEqual([
      {
        Sid: 'DenyFactsExceptGoldsmithFunctions',
        ...base,
        Condition: {
          'ForAnyValue:StringNotEquals': { 'events:source': ['goldsmith.ci'] },
          ArnNotLike: { 'aws:PrincipalArn': [REVOKER, PROMOTER] },
        },
      },
      {
        Sid: 'DenyOtherSources',
        ...base,
        Condition: { 'ForAnyValue:StringNotEquals': { 'events:source': ['goldsmith', 'goldsmith.ci'] } },
      },
      {
        Sid: 'DenyCiSourceExceptCiPrincipals',
        ...base,
        Condition: {
          'ForAnyValue:StringEquals': { 'events:source': ['goldsmith.ci'] },
          ArnNotLike: { 'aws:PrincipalArn': [CI_ROLE] },
          StringNotEquals: { 'aws:PrincipalAccount': ['444455556666'] },
        },
      },
      {
        Sid: 'DenyCiSourceOtherDetailTypes',
        ...base,
        Condition: {
          'ForAnyValue:StringEquals': { 'events:source': ['goldsmith.ci'] },
          'ForAnyValue:StringNotEquals': { 'events:detail-type': ['Package Update'] },
        },
      },
      {
        Sid: 'DenyFactsOfUndeclaredDetailTypes',
        ...base,
        Condition: {
          'ForAnyValue:StringEquals': { 'events:source': ['goldsmith'] },
          'ForAnyValue:StringNotEquals': { 'events:detail-type': ['Image Promoted', 'Image Revoked'] },
        },
      },
      {
        Sid: 'DenyImagePromotedExceptItsWriters',
        ...base,
        Condition: {
          'ForAnyValue:StringEquals': { 'events:source': ['goldsmith'], 'events:detail-type': ['Image Promoted'] },
          ArnNotLike: { 'aws:PrincipalArn': [REVOKER, PROMOTER] },
        },
      },
      {
        Sid: 'DenyImageRevokedExceptItsWriters',
        ...base,
        Condition: {
          'ForAnyValue:StringEquals': { 'events:source': ['goldsmith'], 'events:detail-type': ['Image Revoked'] },
          ArnNotLike: { 'aws:PrincipalArn': [REVOKER] },
        },
      },
      {
        Sid: 'AllowCiPackageUpdates',
        Effect: 'Allow',
        Principal: { AWS: [CI_ROLE, '444455556666'] },
        Action: 'events:PutEvents',
        Resource: BUS,
        Condition: {
          'ForAllValues:StringEquals': { 'events:source': ['goldsmith.ci'], 'events:detail-type': ['Package Update'] },
          StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
        },
      },
    ]);
  });
});

describe('busPolicyStatements: edges', () => {
  it('with no writers, denies every fact to everyone: no principal exception, and a detail-type no fact has', () => {
    const statements = busPolicyStatements(input([], []));
    expect(statements.map((s) => s.Sid)).toEqual([
      'DenyFactsExceptGoldsmithFunctions',
      'DenyOtherSources',
      'DenyCiSourceExceptCiPrincipals',
      'DenyCiSourceOtherDetailTypes',
      'DenyFactsOfUndeclaredDetailTypes',
    ]);
    expect(statements[0]?.Condition).toEqual({ 'ForAnyValue:StringNotEquals': { 'events:source': ['goldsmith.ci'] } });
    expect(statements[4]?.Condition['ForAnyValue:StringNotEquals']).toEqual({ 'events:detail-type': ['-'] });
  });

  it('with no CI principals, denies the CI source to everyone and allows nothing', () => {
    const statements = busPolicyStatements(input([{ roleArn: PROMOTER, detailTypes: ['Image Promoted'] }], []));
    expect(statements.find((s) => s.Sid === 'DenyCiSourceExceptCiPrincipals')?.Condition).toEqual({
      'ForAnyValue:StringEquals': { 'events:source': ['goldsmith.ci'] },
    });
    expect(statements.some((s) => s.Effect === 'Allow')).toBe(false);
  });

  it('tells CI accounts from CI role ARNs: only a 12-digit id is an account', () => {
    const ci = ['444455556666', '4444555566667', 'arn:aws:iam::444455556666:user/ci'];
    const deny = busPolicyStatements(input([], ci)).find((s) => s.Sid === 'DenyCiSourceExceptCiPrincipals');
    expect(deny?.Condition).toEqual({
      'ForAnyValue:StringEquals': { 'events:source': ['goldsmith.ci'] },
      ArnNotLike: { 'aws:PrincipalArn': ['4444555566667', 'arn:aws:iam::444455556666:user/ci'] },
      StringNotEquals: { 'aws:PrincipalAccount': ['444455556666'] },
    });
    const accountsOnly = busPolicyStatements(input([], ['444455556666'])).find(
      (s) => s.Sid === 'DenyCiSourceExceptCiPrincipals',
    );
    expect(accountsOnly?.Condition).toEqual({
      'ForAnyValue:StringEquals': { 'events:source': ['goldsmith.ci'] },
      StringNotEquals: { 'aws:PrincipalAccount': ['444455556666'] },
    });
  });

  it('keeps only letters and digits of a detail-type in its Sid', () => {
    const statements = busPolicyStatements(input([{ roleArn: PROMOTER, detailTypes: ['Image-Promoted v2.1_x'] }], []));
    expect(statements.map((s) => s.Sid)).toContain('DenyImagePromotedv21xExceptItsWriters');
  });

  it('does not let one writer list twice the same detail-type in the undeclared deny', () => {
    const statements = busPolicyStatements(
      input([{ roleArn: PROMOTER, detailTypes: ['Image Promoted', 'Image Promoted'] }], []),
    );
    expect(statements.find((s) => s.Sid === 'DenyFactsOfUndeclaredDetailTypes')?.Condition).toMatchObject({
      'ForAnyValue:StringNotEquals': { 'events:detail-type': ['Image Promoted'] },
    });
    expect(statements.filter((s) => s.Sid === 'DenyImagePromotedExceptItsWriters')).toHaveLength(1);
  });
});
