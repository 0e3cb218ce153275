import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPERATOR_ACTIONS, operatorResponseSchema, parseOperatorRequest } from '../../../events/operator-request.js';

describe('parseOperatorRequest', () => {
  it('accepts each action in the form the CLI sends it', () => {
    const bodies = [
      { action: 'build', image: 'base', reason: 'openssl hotfix' },
      { action: 'approve', image: 'base', channel: 'prod' },
      { action: 'reject', image: 'base', channel: 'prod', version: '1.0.0/3', reason: 'not yet' },
      { action: 'promote', image: 'base', channel: 'dev' },
      { action: 'rollback', image: 'base', channel: 'prod', version: '1.0.0/2' },
      { action: 'revoke', image: 'base', version: '1.0.0/3', reason: 'CVE-2027-0001', at: '2027-03-01T00:00:00Z' },
    ];
    for (const body of bodies) expect(parseOperatorRequest(body)).toEqual({ ok: true, request: body });
  });

  it('names the missing field when approve has no channel', () => {
    expect(parseOperatorRequest({ action: 'approve', image: 'base' })).toEqual({
      ok: false,
      error: 'channel: Invalid input: expected string, received undefined',
    });
  });

  it('refuses a revoke without a reason and an unknown action', () => {
    const revoke = parseOperatorRequest({ action: 'revoke', image: 'base', version: '1.0.0/3' });
    expect(revoke.ok).toBe(false);
    if (!revoke.ok) expect(revoke.error).toMatch(/^reason: /);
    const unknown = parseOperatorRequest({ action: 'delete', image: 'base' });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error).toMatch(/^action: /);
  });

  it('refuses an identity claimed in the body, so only the request context can name the caller', () => {
    const result = parseOperatorRequest({ action: 'build', image: 'base', by: 'arn:aws:iam::111122223333:role/x' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain('by');
  });

  it('never throws and always answers ok or a one-line error', () => {
    fc.assert(
      fc.property(
        fc.record({ action: fc.oneof(fc.constantFrom(...OPERATOR_ACTIONS), fc.string()) }, { requiredKeys: [] }),
        fc.dictionary(fc.string(), fc.jsonValue()),
        (head, rest) => {
          const result = parseOperatorRequest({ ...rest, ...head });
          if (!result.ok) expect(result.error).not.toContain('\n');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('operatorResponseSchema', () => {
  it('accepts a success and a refusal and nothing in between', () => {
    expect(operatorResponseSchema.safeParse({ ok: true, action: 'build', result: { image: 'base' } }).success).toBe(
      true,
    );
    expect(operatorResponseSchema.safeParse({ ok: false, error: 'not an approver of base/prod' }).success).toBe(true);
    expect(operatorResponseSchema.safeParse({ ok: false }).success).toBe(false);
  });
});
