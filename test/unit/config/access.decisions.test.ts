import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { accessSchema, ciPrincipalSchema, DEFAULT_ACCESS, principalArnSchema } from '../../../core/config/access.js';

const messages = (schema: z.ZodType, value: unknown): string[] => {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`.trim());
};
const REGEX_MESSAGE =
  ': must be an IAM role or user ARN (arn:aws:iam::<account>:role/<name>) or an assumed-role session ARN';

describe('principalArnSchema', () => {
  it('accepts role and user ARNs, with a path, in any partition, and assumed-role sessions', () => {
    for (const arn of [
      'arn:aws:iam::111122223333:role/deployer',
      'arn:aws:iam::111122223333:user/ci',
      'arn:aws:iam::111122223333:role/teams/platform/deployer',
      'arn:aws-cn:iam::111122223333:role/deployer',
      'arn:aws-us-gov:iam::111122223333:role/deployer',
      'arn:aws:sts::111122223333:assumed-role/deployer/jane@example.com',
      'arn:aws:iam::111122223333:role/a+b=c,d.e@f_g-h',
    ]) {
      expect(messages(principalArnSchema, arn)).toEqual([]);
    }
  });

  it('refuses a wildcard with its own message alone', () => {
    expect(messages(principalArnSchema, 'arn:aws:iam::111122223333:role/*')).toEqual([
      ': must not contain "*": a wildcard would grant every principal it matches',
    ]);
    expect(messages(principalArnSchema, '*')).toEqual([
      ': must not contain "*": a wildcard would grant every principal it matches',
    ]);
  });

  it('refuses what is not a role, user or session ARN of a 12-digit account', () => {
    for (const arn of [
      'arn:aws:iam::11112222333:role/deployer',
      'arn:aws:iam::111122223333:group/admins',
      'arn:aws:iam::111122223333:role/',
      'arn:aws:sts::111122223333:assumed-role/deployer',
      'arn:aws:sts::111122223333:assumed-role/teams/deployer/jane',
      'arn:aws:iam::111122223333:role/deployer ',
      ' arn:aws:iam::111122223333:role/deployer',
      'arn:aws:s3:::bucket',
      'arn:AWS:iam::111122223333:role/deployer',
    ]) {
      expect(messages(principalArnSchema, arn)).toEqual([REGEX_MESSAGE]);
    }
  });

  it('holds a role or user name to 64 characters', () => {
    expect(messages(principalArnSchema, `arn:aws:iam::111122223333:role/${'n'.repeat(64)}`)).toEqual([]);
    expect(messages(principalArnSchema, `arn:aws:iam::111122223333:role/${'n'.repeat(65)}`)).toEqual([
      ': the name must be at most 64 characters',
    ]);
    expect(messages(principalArnSchema, `arn:aws:iam::111122223333:user/p/${'n'.repeat(65)}`)).toEqual([
      ': the name must be at most 64 characters',
    ]);
  });

  it('holds a path, slashes included, to 512 characters', () => {
    const path = (n: number) => `arn:aws:iam::111122223333:role/${'p'.repeat(n)}/deployer`;

    expect(messages(principalArnSchema, path(510))).toEqual([]);
    expect(messages(principalArnSchema, path(511))).toEqual([': the path must be at most 512 characters']);
    expect(
      messages(principalArnSchema, `arn:aws:iam::111122223333:role/${'p'.repeat(300)}/${'q'.repeat(209)}/deployer`),
    ).toEqual([]);
    expect(
      messages(principalArnSchema, `arn:aws:iam::111122223333:role/${'p'.repeat(300)}/${'q'.repeat(210)}/deployer`),
    ).toEqual([': the path must be at most 512 characters']);
  });

  it('holds an assumed role name and its session name to 64 characters each, not as a path', () => {
    const session = (role: number, name: number) =>
      `arn:aws:sts::111122223333:assumed-role/${'r'.repeat(role)}/${'s'.repeat(name)}`;

    expect(messages(principalArnSchema, session(64, 64))).toEqual([]);
    expect(messages(principalArnSchema, session(65, 64))).toEqual([': the role name must be at most 64 characters']);
    expect(messages(principalArnSchema, session(64, 65))).toEqual([': the session name must be at most 64 characters']);
    expect(messages(principalArnSchema, session(65, 65))).toEqual([
      ': the role name must be at most 64 characters',
      ': the session name must be at most 64 characters',
    ]);
  });

  it('measures a malformed name whole, colons included, so its length problem is reported with the pattern one', () => {
    const name = `${'a'.repeat(32)}:${'b'.repeat(32)}`;

    expect(messages(principalArnSchema, `arn:aws:iam::111122223333:role/${name}`)).toEqual([
      REGEX_MESSAGE,
      ': the name must be at most 64 characters',
    ]);
    expect(messages(principalArnSchema, `arn:aws:iam::111122223333:role/${name.slice(1)}`)).toEqual([REGEX_MESSAGE]);
  });

  it('checks no length of a session part the pattern found missing', () => {
    expect(messages(principalArnSchema, 'arn:aws:sts::111122223333:assumed-role/')).toEqual([REGEX_MESSAGE]);
    expect(messages(principalArnSchema, `arn:aws:sts::111122223333:assumed-role/${'r'.repeat(65)}`)).toEqual([
      REGEX_MESSAGE,
      ': the role name must be at most 64 characters',
    ]);
  });
});

describe('ciPrincipalSchema', () => {
  it('accepts a 12-digit account id or a principal ARN, and refuses anything else with one message', () => {
    expect(messages(ciPrincipalSchema, '111122223333')).toEqual([]);
    expect(messages(ciPrincipalSchema, 'arn:aws:iam::111122223333:role/ci')).toEqual([]);
    for (const value of ['11112222333', '1111222233334', 'x111122223333', '111122223333x', 111122223333]) {
      expect(messages(ciPrincipalSchema, value)).toEqual([': must be a 12-digit account id or an IAM role/user ARN']);
    }
    expect(messages(ciPrincipalSchema, '*')).toHaveLength(1);
  });
});

describe('accessSchema', () => {
  it('defaults to nobody: no CI principal, no operator, no approver principals', () => {
    expect(accessSchema.parse({})).toStrictEqual({ ci: [], operators: [], approvers: {} });
    expect(DEFAULT_ACCESS).toStrictEqual({ ci: [], operators: [], approvers: {} });
  });

  it('takes CI principals, operators and the principals of each approver name', () => {
    const access = {
      ci: ['111122223333'],
      operators: ['arn:aws:iam::111122223333:role/ops'],
      approvers: { 'ops-lead': ['arn:aws:iam::111122223333:user/jane'] },
    };

    expect(accessSchema.parse(access)).toStrictEqual(access);
  });

  it('refuses an approver with no principal, an empty approver name, and an unknown key', () => {
    expect(messages(accessSchema, { approvers: { 'ops-lead': [] } })).toEqual([
      'approvers.ops-lead: must name at least one principal',
    ]);
    expect(messages(accessSchema, { approvers: { '': ['arn:aws:iam::111122223333:user/jane'] } })).toHaveLength(1);
    expect(messages(accessSchema, { admins: [] })).toHaveLength(1);
  });

  it('refuses an operator given as an account id: operators are principals', () => {
    expect(messages(accessSchema, { operators: ['111122223333'] })).toEqual([`operators.0${REGEX_MESSAGE}`]);
  });
});
