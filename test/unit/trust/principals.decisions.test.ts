import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../../core/config/schema.js';
import { accountOf, approverNamesFor, principalMatches, roleNameOfSession } from '../../../core/trust/principals.js';

const ROLE = 'arn:aws:iam::123456789012:role/ops-lead';
const session = (role: string, name: string, partition = 'aws', account = '123456789012') =>
  `arn:${partition}:sts::${account}:assumed-role/${role}/${name}`;

describe('accountOf', () => {
  it('reads the account of an IAM or STS ARN in any partition', () => {
    expect(accountOf(ROLE)).toBe('123456789012');
    expect(accountOf(session('ops', 'a', 'aws-cn', '210987654321'))).toBe('210987654321');
    expect(accountOf('arn:aws-us-gov:iam::111122223333:user/x')).toBe('111122223333');
  });

  it('reads no account from anything else', () => {
    expect(accountOf(`x${ROLE}`)).toBeUndefined();
    expect(accountOf('arn:aws2:iam::123456789012:role/x')).toBeUndefined();
    expect(accountOf('arn:aws:s3::123456789012:bucket')).toBeUndefined();
    expect(accountOf('arn:aws:iam::12345678901:role/x')).toBeUndefined();
    expect(accountOf('123456789012')).toBeUndefined();
  });
});

describe('principalMatches: an account', () => {
  it('takes only exactly twelve digits as an account id', () => {
    expect(principalMatches('123456789012', session('any', 'x'))).toBe(true);
    expect(principalMatches('1234567890123', session('any', 'x', 'aws', '234567890123'))).toBe(false);
  });

  it('compares a name that only contains twelve digits as it is', () => {
    expect(principalMatches('x123456789012', 'x123456789012')).toBe(true);
    expect(principalMatches('123456789012x', '123456789012x')).toBe(true);
  });
});

describe('principalMatches: a role and its sessions', () => {
  it('needs the same partition, account and role name', () => {
    expect(principalMatches(ROLE, session('ops-lead', 'alice'))).toBe(true);
    expect(principalMatches(ROLE, session('ops-lead', 'alice', 'aws-cn'))).toBe(false);
    expect(principalMatches(ROLE, session('ops-lead', 'alice', 'aws', '210987654321'))).toBe(false);
    expect(principalMatches(ROLE, session('ops-leader', 'alice'))).toBe(false);
    expect(principalMatches('arn:aws-cn:iam::123456789012:role/ops-lead', session('ops-lead', 'a', 'aws-cn'))).toBe(
      true,
    );
  });

  it('reads role and session names with the characters IAM allows', () => {
    const named = 'arn:aws:iam::123456789012:role/team/a+b=c,d.e@f-g_h';
    expect(principalMatches(named, session('a+b=c,d.e@f-g_h', 'alice@example.com'))).toBe(true);
    expect(principalMatches(named, session('a+b=c,d.e@f-g_h', 'alice/extra'))).toBe(false);
  });

  it('takes no session for a role, and nothing that is not a role for a role', () => {
    expect(principalMatches(session('ops-lead', 'alice'), session('ops-lead', 'bob'))).toBe(false);
    expect(principalMatches('arn:aws:iam::123456789012:user/ops-lead', session('ops-lead', 'alice'))).toBe(false);
    expect(principalMatches(`${ROLE}x`, session('ops-lead', 'alice'))).toBe(false);
    expect(principalMatches(ROLE, `${session('ops-lead', 'alice')}/x`)).toBe(false);
    expect(principalMatches(ROLE, `x${session('ops-lead', 'alice')}`)).toBe(false);
  });
});

describe('roleNameOfSession', () => {
  it('names the role of a session, and none for a role or a user', () => {
    expect(roleNameOfSession(session('ops-lead', 'alice'))).toBe('ops-lead');
    expect(roleNameOfSession(ROLE)).toBeUndefined();
    expect(roleNameOfSession('arn:aws:iam::123456789012:user/alice')).toBeUndefined();
  });
});

describe('approverNamesFor', () => {
  const catalog = {
    channels: [
      { name: 'dev', approval: undefined },
      { name: 'prod', approval: { approvers: ['ops-lead', 'ghost', 'pair'], timeout: '3d' } },
    ],
    access: {
      ci: [],
      operators: [],
      approvers: {
        'ops-lead': [ROLE],
        pair: ['arn:aws:iam::123456789012:role/other', session('sso', 'sam')],
      },
    },
  } as unknown as Catalog;

  it('signs a caller as an approver when any one of its principals matches', () => {
    expect(approverNamesFor(catalog, 'prod', session('sso', 'sam'))).toEqual(['pair']);
  });

  it('lists every name the caller signs as, in the channel order, skipping a name with no principals', () => {
    const both = {
      ...catalog,
      access: { ...catalog.access, approvers: { ...catalog.access.approvers, pair: [ROLE] } },
    };
    expect(approverNamesFor(both, 'prod', session('ops-lead', 'a'))).toEqual(['ops-lead', 'pair']);
    expect(approverNamesFor(catalog, 'prod', session('ghost', 'a'))).toEqual([]);
  });

  it('knows no approver for a channel without approval, or an unknown channel', () => {
    expect(approverNamesFor(catalog, 'dev', session('ops-lead', 'a'))).toEqual([]);
    expect(approverNamesFor(catalog, 'qa', session('ops-lead', 'a'))).toEqual([]);
  });

  it('finds no principals for an approver named like an Object method that access does not map', () => {
    const named = {
      ...catalog,
      channels: [{ name: 'prod', approval: { approvers: ['constructor', 'toString', 'ops-lead'], timeout: '3d' } }],
    } as unknown as Catalog;

    expect(approverNamesFor(named, 'prod', session('ops-lead', 'a'))).toEqual(['ops-lead']);
    expect(approverNamesFor(named, 'prod', session('other', 'a'))).toEqual([]);
  });
});
