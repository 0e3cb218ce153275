import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../../core/config/schema.js';
import { authorizeOperatorRequest } from '../../../core/trust/operator-access.js';
import { approverNamesFor, principalMatches } from '../../../core/trust/principals.js';

const OPS = 'arn:aws:iam::123456789012:role/ops-lead';
const OPERATORS = 'arn:aws:iam::123456789012:role/goldsmith-prod-operators';
const session = (role: string, name: string) => `arn:aws:sts::123456789012:assumed-role/${role}/${name}`;

const catalog = {
  images: { base: { channels: undefined } },
  channels: [
    { name: 'dev', approval: undefined },
    { name: 'prod', approval: { approvers: ['ops-lead', 'security-reviewer'], timeout: '3d' } },
  ],
  access: {
    ci: [],
    operators: [],
    approvers: { 'ops-lead': [OPS], 'security-reviewer': [session('sso-security', 'sam@example.com')] },
  },
} as unknown as Catalog;

describe('principalMatches', () => {
  it('matches a role ARN to every session of that role, and nothing else', () => {
    expect(principalMatches(OPS, OPS)).toBe(true);
    expect(principalMatches(OPS, session('ops-lead', 'alice'))).toBe(true);
    expect(principalMatches('arn:aws:iam::123456789012:role/team/ops-lead', session('ops-lead', 'a'))).toBe(true);
    expect(principalMatches(OPS, session('ops-lead-2', 'alice'))).toBe(false);
    expect(principalMatches(OPS, 'arn:aws:sts::999988887777:assumed-role/ops-lead/alice')).toBe(false);
  });

  it('matches a session ARN exactly, and an account id to any principal of that account', () => {
    const sam = session('sso-security', 'sam@example.com');
    expect(principalMatches(sam, sam)).toBe(true);
    expect(principalMatches(sam, session('sso-security', 'mallory'))).toBe(false);
    expect(principalMatches('123456789012', session('anything', 'x'))).toBe(true);
    expect(principalMatches('123456789012', 'arn:aws:iam::999988887777:user/x')).toBe(false);
  });
});

describe('approverNamesFor', () => {
  it("maps a caller to the channel's approver names it signs as", () => {
    expect(approverNamesFor(catalog, 'prod', session('ops-lead', 'alice'))).toEqual(['ops-lead']);
    expect(approverNamesFor(catalog, 'prod', session('sso-security', 'sam@example.com'))).toEqual([
      'security-reviewer',
    ]);
    expect(approverNamesFor(catalog, 'dev', OPS)).toEqual([]);
    expect(approverNamesFor(catalog, 'prod', session('platform', 'bob'))).toEqual([]);
  });
});

describe('authorizeOperatorRequest', () => {
  it("lets a session of the operators' role build, and refuses anyone else with the reason", () => {
    const build = { action: 'build', image: 'base' } as const;
    expect(authorizeOperatorRequest(catalog, build, session('goldsmith-prod-operators', 'bob'), OPERATORS)).toEqual({
      ok: true,
      actor: session('goldsmith-prod-operators', 'bob'),
    });
    const refused = authorizeOperatorRequest(catalog, build, session('ops-lead', 'alice'), OPERATORS);
    expect(refused).toMatchObject({ ok: false, status: 403 });
    if (!refused.ok) expect(refused.error).toContain("operators' role");
  });

  it("lets only the channel's approvers approve, acting under their approver name", () => {
    const approve = { action: 'approve', image: 'base', channel: 'prod' } as const;
    expect(authorizeOperatorRequest(catalog, approve, session('ops-lead', 'alice'), OPERATORS)).toEqual({
      ok: true,
      actor: 'ops-lead',
    });
    const operator = authorizeOperatorRequest(catalog, approve, session('goldsmith-prod-operators', 'b'), OPERATORS);
    expect(operator).toMatchObject({ ok: false, status: 403 });
    if (!operator.ok)
      expect(operator.error).toContain('is not an approver of base prod: approvers are ops-lead, security-reviewer');
  });

  it('refuses an unknown image or channel before anything else', () => {
    const who = session('goldsmith-prod-operators', 'b');
    expect(authorizeOperatorRequest(catalog, { action: 'build', image: 'nope' }, who, OPERATORS)).toMatchObject({
      ok: false,
      status: 404,
      error: 'unknown image "nope"',
    });
    const reject = { action: 'reject', image: 'base', channel: 'qa', reason: 'not yet' } as const;
    expect(authorizeOperatorRequest(catalog, reject, OPS, OPERATORS)).toMatchObject({ ok: false, status: 404 });
  });
});
