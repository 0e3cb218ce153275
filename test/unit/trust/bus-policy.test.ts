import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { busPolicyStatements } from '../../../core/trust/bus-policy.js';

const input = (writers: { roleArn: string; detailTypes: string[] }[], ci: string[]) => ({
  busArn: 'arn:aws:events:us-east-1:123456789012:event-bus/goldsmith-prod',
  organizationId: 'o-a1b2c3d4e5',
  factSource: 'goldsmith',
  ciSource: 'goldsmith.ci',
  ciDetailType: 'Package Update',
  writers,
  ci,
});

describe('busPolicyStatements', () => {
  it('allows CI principals only with an organization condition, and allows nothing when CI is empty', () => {
    const withCi = busPolicyStatements(input([], ['arn:aws:iam::123456789012:role/ci', '444455556666']));
    const allow = withCi.filter((s) => s.Effect === 'Allow');
    expect(allow).toHaveLength(1);
    expect(allow[0]?.Condition.StringEquals).toEqual({ 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' });
    const deny = withCi.find((s) => s.Sid === 'DenyCiSourceExceptCiPrincipals');
    expect(deny?.Condition.StringNotEquals).toEqual({ 'aws:PrincipalAccount': ['444455556666'] });
    expect(busPolicyStatements(input([], [])).filter((s) => s.Effect === 'Allow')).toEqual([]);
  });

  it('gives every detail-type a deny naming exactly its writers, with unique Sids', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom('Image Promoted', 'Image Rejected', 'Image Revoked', 'Base Image Changed'), {
          minLength: 1,
        }),
        (detailTypes) => {
          const writers = detailTypes.map((d, i) => ({
            roleArn: `arn:aws:iam::123456789012:role/w${i}`,
            detailTypes: [d],
          }));
          const statements = busPolicyStatements(input(writers, []));
          expect(new Set(statements.map((s) => s.Sid)).size).toBe(statements.length);
          for (const [i, d] of detailTypes.entries()) {
            const own = statements.find((s) => s.Sid === `Deny${d.replaceAll(' ', '')}ExceptItsWriters`);
            expect(own?.Condition.ArnNotLike).toEqual({ 'aws:PrincipalArn': [`arn:aws:iam::123456789012:role/w${i}`] });
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});
