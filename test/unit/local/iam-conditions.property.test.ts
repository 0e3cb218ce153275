import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type PolicyRequest,
  type PolicyStatement,
  policyDecision,
  type RequestContext,
  resourcePolicyAllows,
  statementsOf,
  UnsupportedPolicyError,
} from '../../../local/fakes/iam-conditions.js';

/**
 * The statement-by-statement evaluator the compiled one replaced (local/fakes/iam-conditions.ts before policies were
 * compiled), kept as the oracle: the compiled evaluator must decide, and fail, exactly as it did.
 */
const reference = (() => {
  const STRING = new Set(['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike']);
  const ARN = new Set(['ArnEquals', 'ArnNotEquals', 'ArnLike', 'ArnNotLike']);
  const glob = (pattern: string, flags = '') =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      flags,
    );
  const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
  const substitute = (value: string, context: RequestContext): string | undefined => {
    let missing = false;
    const out = value.replace(/\$\{([^}]+)\}/g, (_m, key: string) => {
      const v = context[key];
      if (typeof v !== 'string') missing = true;
      return typeof v === 'string' ? v : '';
    });
    return missing ? undefined : out;
  };
  const matchesOne = (base: string, value: string, policyValues: string[]): boolean => {
    if (base === 'Bool') return policyValues.some((p) => p.toLowerCase() === value.toLowerCase());
    const like = /Like$/.test(base) || ARN.has(base);
    const hit = policyValues.some((p) => (like ? glob(p).test(value) : p === value));
    return /Not/.test(base) ? !hit : hit;
  };
  const conditionHolds = (operator: string, key: string, rawValues: string[], context: RequestContext): boolean => {
    const [qualifier, base] = operator.includes(':') ? operator.split(':', 2) : [undefined, operator];
    if (!base || !(STRING.has(base) || ARN.has(base) || base === 'Bool'))
      throw new UnsupportedPolicyError(`the condition operator ${operator}`);
    const policyValues = rawValues.map((v) => substitute(v, context)).filter((v): v is string => v !== undefined);
    const raw = context[key];
    const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    const negated = /Not/.test(base);
    if (qualifier === 'ForAnyValue') return values.some((v) => matchesOne(base, v, policyValues));
    if (qualifier === 'ForAllValues') return values.every((v) => matchesOne(base, v, policyValues));
    if (qualifier !== undefined) throw new UnsupportedPolicyError(`the set operator ${qualifier}`);
    if (values.length === 0) return negated;
    return values.every((v) => matchesOne(base, v, policyValues));
  };
  const SESSION = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;
  const principalMatches = (principal: unknown, request: PolicyRequest): boolean => {
    if (principal === '*') return true;
    if (typeof principal !== 'object' || principal === null) throw new UnsupportedPolicyError('this Principal form');
    const session = request.principalArn ? SESSION.exec(request.principalArn) : null;
    const arn = session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : request.principalArn;
    return asList((principal as { AWS?: unknown }).AWS).some(
      (p) =>
        p === '*' ||
        p === request.account ||
        /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(p)?.[1] === request.account ||
        (arn !== undefined && p === arn),
    );
  };
  const applies = (s: PolicyStatement, request: PolicyRequest): boolean => {
    if (s.NotAction !== undefined || s.NotPrincipal !== undefined)
      throw new UnsupportedPolicyError('NotAction/NotPrincipal');
    if (!principalMatches(s.Principal, request)) return false;
    if (!asList(s.Action).some((a) => glob(a, 'i').test(request.action))) return false;
    for (const [operator, block] of Object.entries(s.Condition ?? {})) {
      for (const [key, values] of Object.entries(block)) {
        if (!conditionHolds(operator, key, asList(values), request.context)) return false;
      }
    }
    return true;
  };
  return (doc: { Statement?: unknown }, request: PolicyRequest): string => {
    const s = doc.Statement;
    const statements = (Array.isArray(s) ? s : s && typeof s === 'object' ? [s] : []) as PolicyStatement[];
    const applying = statements.filter((st) => applies(st, request));
    if (applying.some((st) => st.Effect === 'Deny')) return 'Denied';
    return applying.some((st) => st.Effect === 'Allow') ? 'Allowed' : 'NotAllowed';
  };
})();

const outcome = (decide: () => string | boolean): string => {
  try {
    return String(decide());
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
};

const ACCOUNTS = ['111111111111', '222222222222'];
const ROLE = 'arn:aws:iam::111111111111:role/launcher';
const NAMES = [
  '*',
  ...ACCOUNTS,
  'arn:aws:iam::111111111111:root',
  'arn:aws:iam::222222222222:root',
  ROLE,
  'arn:aws:iam::222222222222:user/someone',
];
const VALUES = [
  'o-a1b2c3d4e5',
  'ec2.us-east-1.amazonaws.com',
  'ec2.*.amazonaws.com',
  'Decrypt',
  'Encrypt',
  'true',
  'TRUE',
  'false',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
  'arn:aws:iam::${aws:PrincipalAccount}:role/*',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
  '${aws:PrincipalAccount}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
  'x${missing}',
  'ec?.us-east-1.amazonaws.com',
  ROLE,
];
const OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringLike',
  'StringNotLike',
  'ArnLike',
  'ArnNotEquals',
  'Bool',
  'ForAnyValue:StringEquals',
  'ForAllValues:StringLike',
  'ForAllValues:StringNotEquals',
  'NumericEquals',
  'Each:StringEquals',
];
const KEYS = ['aws:PrincipalOrgID', 'kms:ViaService', 'kms:GrantOperations', 'kms:GrantIsForAWSResource', 'aws:Other'];
const ACTIONS = ['kms:Decrypt', 'kms:CreateGrant', 'ecr:BatchGetImage', 'KMS:GenerateDataKey'];

const oneOrMany = <T>(a: fc.Arbitrary<T>) => fc.oneof(a, fc.array(a, { maxLength: 3 }));
const principal = fc.oneof(
  { weight: 2, arbitrary: fc.constant('*') },
  { weight: 6, arbitrary: fc.record({ AWS: oneOrMany(fc.constantFrom(...NAMES)) }) },
  { weight: 1, arbitrary: fc.constantFrom('bogus', { Service: 'ec2.amazonaws.com' }) },
);
const condition = fc.dictionary(
  fc.constantFrom(...OPERATORS),
  fc.dictionary(fc.constantFrom(...KEYS), oneOrMany(fc.constantFrom(...VALUES)), { maxKeys: 2 }),
  { maxKeys: 3 },
);
const statement = fc
  .tuple(
    fc.record(
      {
        Effect: fc.constantFrom('Allow', 'Deny'),
        Principal: principal,
        Action: oneOrMany(fc.constantFrom('kms:*', 'kms:Decrypt', 'kms:GenerateDataKey*', 'ecr:Batch?etImage', '*')),
        Condition: condition,
      },
      { requiredKeys: ['Effect', 'Principal', 'Action'] },
    ),
    fc.nat(19),
  )
  // NotAction is refused wherever it is: now and then, so that most policies get evaluated to the end.
  .map(([s, n]) => (n === 0 ? { ...s, NotAction: 'kms:Decrypt' } : s));
const document = fc.record({
  Statement: fc.oneof(
    { weight: 6, arbitrary: fc.array(statement, { maxLength: 4 }) },
    { weight: 1, arbitrary: statement },
    { weight: 1, arbitrary: fc.array(fc.oneof(statement, fc.constant(null)), { maxLength: 3 }) },
  ),
});
const context = fc.dictionary(
  fc.constantFrom(...KEYS, 'aws:PrincipalAccount'),
  fc.oneof(fc.constantFrom(...VALUES, ...ACCOUNTS), fc.array(fc.constantFrom(...VALUES), { maxLength: 3 })),
  { maxKeys: 4 },
);
const request = fc.record(
  {
    account: fc.constantFrom(...ACCOUNTS),
    principalArn: fc.constantFrom(ROLE, 'arn:aws:sts::111111111111:assumed-role/launcher/session-1', ''),
    action: fc.constantFrom(...ACTIONS),
    context,
  },
  { requiredKeys: ['account', 'action', 'context'] },
);

describe('policy evaluation compiled once per policy', () => {
  it('decides, and fails, exactly as the statement-by-statement evaluator, given text or a document', () => {
    fc.assert(
      fc.property(document, request, (doc, req) => {
        const expected = outcome(() => reference(doc, req));
        expect(outcome(() => policyDecision(doc, req))).toBe(expected);
        expect(outcome(() => policyDecision(JSON.stringify(doc), req))).toBe(expected);
        // Asked again: the remembered compilation of the text answers the same.
        expect(outcome(() => policyDecision(JSON.stringify(doc), req))).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('answers resourcePolicyAllows as every action being Allowed by the statement-by-statement evaluator', () => {
    fc.assert(
      fc.property(document, request, (doc, req) => {
        const actions = ['kms:Decrypt', 'ecr:BatchGetImage'];
        const expected = outcome(() =>
          actions.every((action) => reference(doc, { ...req, principalArn: undefined, action }) === 'Allowed'),
        );
        expect(outcome(() => resourcePolicyAllows(JSON.stringify(doc), req.account, actions, req.context))).toBe(
          expected,
        );
      }),
      { numRuns: 500 },
    );
  });

  it('resolves policy variables per request and compares Bool values regardless of case, the policy compiled once', () => {
    const text = JSON.stringify({
      Statement: {
        Effect: 'Allow',
        Principal: '*',
        Action: 'kms:CreateGrant',
        Condition: {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
          StringLike: { 'kms:GranteePrincipal': 'arn:aws:iam::${aws:PrincipalAccount}:role/*' },
          Bool: { 'kms:GrantIsForAWSResource': 'true' },
        },
      },
    });
    const ask = (account: string, grantee: string, forResource: string) =>
      policyDecision(text, {
        account,
        action: 'kms:CreateGrant',
        context: {
          'aws:PrincipalAccount': account,
          'kms:GranteePrincipal': `arn:aws:iam::${grantee}:role/x`,
          'kms:GrantIsForAWSResource': forResource,
        },
      });
    const [a, b] = ACCOUNTS as [string, string];
    expect([ask(a, a, 'TRUE'), ask(b, b, 'True'), ask(a, b, 'true'), ask(b, a, 'true'), ask(a, a, 'false')]).toEqual([
      'Allowed',
      'Allowed',
      'NotAllowed',
      'NotAllowed',
      'NotAllowed',
    ]);
  });

  it('fails on a construct it does not support only when a request reaches it', () => {
    const text = JSON.stringify({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: ACCOUNTS[0] },
          Action: 'kms:Decrypt',
          Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-other' }, NumericEquals: { 'aws:Any': '1' } },
        },
      ],
    });
    const ask = (account: string, context: RequestContext) =>
      policyDecision(text, { account, action: 'kms:Decrypt', context });
    expect(ask(ACCOUNTS[1]!, {})).toBe('NotAllowed');
    expect(ask(ACCOUNTS[0]!, {})).toBe('NotAllowed');
    expect(() => ask(ACCOUNTS[0]!, { 'aws:PrincipalOrgID': 'o-other' })).toThrow(UnsupportedPolicyError);
  });

  it('shares the statements parsed from a text read-only', () => {
    const text = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: ['kms:Decrypt'] }] });
    const statements = statementsOf(text);
    expect(statementsOf(text)).toBe(statements);
    expect(
      Object.isFrozen(statements) && Object.isFrozen(statements[0]) && Object.isFrozen(statements[0]?.Action),
    ).toBe(true);
    expect(() => {
      (statements[0] as { Effect?: string }).Effect = 'Deny';
    }).toThrow(TypeError);
  });
});
