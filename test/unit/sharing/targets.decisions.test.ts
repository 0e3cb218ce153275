import { describe, expect, it } from 'vitest';
import {
  accountSetHash,
  ancestorsOf,
  isActive,
  type OrgTree,
  resolveTargets,
  simplifyGrants,
  type TargetSpec,
  UnknownTargetError,
  unionTargets,
  withoutMissingOus,
} from '../../../core/sharing/targets.js';

const ORG_ARN = 'arn:aws:organizations::123456789012:organization/o-a1b2c3d4e5';
const ROOT = 'r-ab12';
const A = 'ou-ab12-aaaaaaaa';
const A1 = 'ou-ab12-a1a1a1a1';
const B = 'ou-ab12-bbbbbbbb';
const arn = (id: string) => `arn:aws:organizations::123456789012:ou/o-a1b2c3d4e5/${id}`;

/**
 * root ─ 101 (web, prod)
 *      ├ A ─ 111 (web, prod), 112 (web, dev)
 *      │   └ A1 ─ 113 (db, prod), 114 (web, prod; suspended)
 *      └ B ─ 121, 122 (closed)
 */
const tree: OrgTree = {
  organizationArn: ORG_ARN,
  rootId: ROOT,
  ous: new Map([
    [A, { arn: arn(A), parentId: ROOT }],
    [A1, { arn: arn(A1), parentId: A }],
    [B, { arn: arn(B), parentId: ROOT }],
  ]),
  accounts: new Map([
    ['101', { parentId: ROOT, state: 'ACTIVE', tags: { team: 'web', env: 'prod' } }],
    ['111', { parentId: A, state: 'ACTIVE', tags: { team: 'web', env: 'prod' } }],
    ['112', { parentId: A, state: 'ACTIVE', tags: { team: 'web', env: 'dev' } }],
    ['113', { parentId: A1, state: 'ACTIVE', tags: { team: 'db', env: 'prod' } }],
    ['114', { parentId: A1, state: 'SUSPENDED', tags: { team: 'web', env: 'prod' } }],
    ['121', { parentId: B, state: 'ACTIVE' }],
    ['122', { parentId: B, state: 'CLOSED' }],
  ]),
  tagsRead: true,
};

const spec = (s: Partial<TargetSpec>): TargetSpec => ({
  ous: [],
  accounts: [],
  accountTags: {},
  exclude: { ous: [], accounts: [] },
  ...s,
});

describe('multi-tag selectors', () => {
  it('select the active accounts carrying every tag with its value', () => {
    expect(resolveTargets(tree, spec({ accountTags: { team: 'web', env: 'prod' } }))).toEqual({
      grants: [{ UserId: '101' }, { UserId: '111' }],
      accounts: ['101', '111'],
      skipped: [],
    });
  });

  it('a single tag selects more; a value no account has selects none', () => {
    expect(resolveTargets(tree, spec({ accountTags: { team: 'web' } })).accounts).toEqual(['101', '111', '112']);
    expect(resolveTargets(tree, spec({ accountTags: { team: 'web', env: 'test' } })).accounts).toEqual([]);
  });

  it('leave out tagged accounts below an excluded OU, or excluded by id', () => {
    const s = spec({ accountTags: { team: 'web' }, exclude: { ous: [A], accounts: ['101'] } });
    expect(resolveTargets(tree, s).accounts).toEqual([]);
  });

  it('need the account tags to have been read', () => {
    const untagged = { ...tree, tagsRead: false };
    expect(() => resolveTargets(untagged, spec({ accountTags: { team: 'web' } }), 'channels.prod.targets')).toThrow(
      'channels.prod.targets.accountTags: the organization was read without account tags',
    );
    expect(resolveTargets(untagged, spec({ accounts: ['101'] })).accounts).toEqual(['101']);
  });
});

describe('the root as an OU', () => {
  it('targeting the root grants the organization ARN and reaches every active account', () => {
    expect(resolveTargets(tree, spec({ ous: [ROOT] }))).toEqual({
      grants: [{ OrganizationArn: ORG_ARN }],
      accounts: ['101', '111', '112', '113', '121'],
      skipped: [],
    });
  });

  it('with an account excluded, descends around it to the largest OUs that hold no exclusion', () => {
    expect(resolveTargets(tree, spec({ ous: [ROOT], exclude: { ous: [], accounts: ['112'] } }))).toEqual({
      grants: [
        { UserId: '101' },
        { UserId: '111' },
        { OrganizationalUnitArn: arn(A1) },
        { OrganizationalUnitArn: arn(B) },
      ],
      accounts: ['101', '111', '113', '121'],
      skipped: [],
    });
  });

  it('excluding the root excludes everything, even accounts named by id', () => {
    const s = spec({ organization: true, ous: [A], accounts: ['101'], exclude: { ous: [ROOT], accounts: [] } });
    expect(resolveTargets(tree, s)).toEqual({ grants: [], accounts: [], skipped: [] });
  });
});

describe('OUs and exclusions', () => {
  it('an excluded OU blocks its parent from being granted whole', () => {
    expect(resolveTargets(tree, spec({ ous: [A], exclude: { ous: [A1], accounts: [] } }))).toEqual({
      grants: [{ UserId: '111' }, { UserId: '112' }],
      accounts: ['111', '112'],
      skipped: [],
    });
  });

  it('a targeted OU inside an excluded one is excluded whole', () => {
    expect(resolveTargets(tree, spec({ ous: [A1], exclude: { ous: [A], accounts: [] } })).grants).toEqual([]);
  });

  it('a granted OU reaches the active accounts in every OU below it', () => {
    expect(resolveTargets(tree, spec({ ous: [A] }))).toEqual({
      grants: [{ OrganizationalUnitArn: arn(A) }],
      accounts: ['111', '112', '113'],
      skipped: [],
    });
  });

  it('never grants a suspended or closed account by id when descending around an exclusion', () => {
    const r = resolveTargets(tree, spec({ ous: [B, A1], exclude: { ous: [], accounts: ['121', '113'] } }));
    expect(r).toEqual({ grants: [], accounts: [], skipped: [] });
  });

  it('names the field of an OU that is not in the organization, targeted or excluded', () => {
    expect(() => resolveTargets(tree, spec({ ous: ['ou-ab12-zzzzzzzz'] }))).toThrow(
      new UnknownTargetError('targets.ous: ou-ab12-zzzzzzzz is not an OU of the organization'),
    );
    const err = (() => {
      try {
        resolveTargets(tree, spec({ exclude: { ous: ['ou-ab12-zzzzzzzz'], accounts: [] } }), 'channels.dev.targets');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UnknownTargetError);
    expect((err as Error).name).toBe('UnknownTarget');
    expect((err as Error).message).toBe(
      'channels.dev.targets.exclude.ous: ou-ab12-zzzzzzzz is not an OU of the organization',
    );
  });
});

describe('accounts named by id', () => {
  it('skips suspended, closed and unknown accounts with the state in the reason', () => {
    expect(resolveTargets(tree, spec({ accounts: ['114', '122', '999999999999', '121'] }))).toEqual({
      grants: [{ UserId: '121' }],
      accounts: ['121'],
      skipped: [
        { account: '114', reason: 'targets.accounts 114: suspended' },
        { account: '122', reason: 'targets.accounts 122: closed' },
        { account: '999999999999', reason: 'targets.accounts 999999999999: not a member of the organization' },
      ],
    });
  });

  it('leaves out an excluded account silently', () => {
    expect(resolveTargets(tree, spec({ accounts: ['121'], exclude: { ous: [B], accounts: [] } }))).toEqual({
      grants: [],
      accounts: [],
      skipped: [],
    });
  });
});

describe('isActive and ancestorsOf', () => {
  it('only ACTIVE accounts are active', () => {
    expect(['ACTIVE', 'PENDING_ACTIVATION', 'SUSPENDED', 'PENDING_CLOSURE', 'CLOSED'].map(isActive)).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  it('lists OUs and the root above an account or an OU, nearest first, and nothing for an unknown id', () => {
    expect(ancestorsOf(tree, '113')).toEqual([A1, A, ROOT]);
    expect(ancestorsOf(tree, A1)).toEqual([A, ROOT]);
    expect(ancestorsOf(tree, '101')).toEqual([ROOT]);
    expect(ancestorsOf(tree, ROOT)).toEqual([]);
    expect(ancestorsOf(tree, 'nobody')).toEqual([]);
  });
});

describe('simplifyGrants', () => {
  it('drops OUs and accounts inside a granted OU, keeps accounts outside the organization and other ARNs', () => {
    expect(
      simplifyGrants(tree, [
        { OrganizationalUnitArn: arn(A) },
        { OrganizationalUnitArn: arn(A1) },
        { UserId: '113' },
        { UserId: '121' },
        { UserId: '999' },
        { OrganizationArn: 'arn:aws:organizations::999999999999:organization/o-zzzzzzzzzz' },
      ]),
    ).toEqual([
      { UserId: '121' },
      { UserId: '999' },
      { OrganizationArn: 'arn:aws:organizations::999999999999:organization/o-zzzzzzzzzz' },
      { OrganizationalUnitArn: arn(A) },
    ]);
  });

  it('under this organization’s ARN, drops every OU and member account', () => {
    expect(
      simplifyGrants(tree, [{ OrganizationalUnitArn: arn(B) }, { UserId: '101' }, { OrganizationArn: ORG_ARN }]),
    ).toEqual([{ OrganizationArn: ORG_ARN }]);
  });

  it('keeps an OU ARN it does not know', () => {
    const unknown = { OrganizationalUnitArn: arn('ou-ab12-zzzzzzzz') };
    expect(simplifyGrants(tree, [unknown])).toEqual([unknown]);
  });
});

describe('unionTargets', () => {
  it('joins accounts sorted, simplifies grants, and keeps every skipped account', () => {
    const dev = resolveTargets(tree, spec({ ous: [A1], accounts: ['122'] }));
    const prod = resolveTargets(tree, spec({ ous: [A], accounts: ['101', '114'] }));
    expect(unionTargets(tree, [dev, prod])).toEqual({
      grants: [{ UserId: '101' }, { OrganizationalUnitArn: arn(A) }],
      accounts: ['101', '111', '112', '113'],
      skipped: [
        { account: '122', reason: 'targets.accounts 122: closed' },
        { account: '114', reason: 'targets.accounts 114: suspended' },
      ],
    });
  });
});

describe('accountSetHash', () => {
  it('is FNV-1a 64 over the sorted ids, 16 hex digits with leading zeros', () => {
    expect(accountSetHash([])).toBe('cbf29ce484222325');
    expect(accountSetHash(['1'])).toBe('07f89607b4ba0f70');
    expect(accountSetHash(['111', '101'])).toBe('48fcf9dbc2c3ffc6');
  });
});

describe('a channel naming OUs the organization no longer has, as a re-grant reads it', () => {
  const GONE = 'ou-ab12-gonegone';
  const OTHER = 'ou-ab12-othergon';

  it('leaves the targets as they are when every OU (and the root) exists', () => {
    const s = spec({ ous: [ROOT, A], exclude: { ous: [A1], accounts: ['121'] } });
    expect(withoutMissingOus(tree, s)).toEqual({ spec: s, missing: [] });
    expect(withoutMissingOus(tree, spec({ exclude: { ous: [A], accounts: [] } })).spec.exclude.ous).toEqual([A]);
  });

  it('drops missing targeted and excluded OUs, names each once and sorted, and keeps the rest', () => {
    const s = spec({
      ous: [OTHER, B, GONE],
      accounts: ['101'],
      exclude: { ous: [GONE, A1, OTHER], accounts: ['121'] },
    });
    const out = withoutMissingOus(tree, s);
    expect(out.missing).toEqual([GONE, OTHER]);
    expect(out.spec).toEqual(spec({ ous: [B], accounts: ['101'], exclude: { ous: [A1], accounts: ['121'] } }));
    // What is left resolves: the deleted OU reaches no one, the others are granted as before.
    expect(resolveTargets(tree, out.spec).accounts).toEqual(['101']);
    expect(() => resolveTargets(tree, s)).toThrow(UnknownTargetError);
  });
});
