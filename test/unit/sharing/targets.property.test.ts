import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LaunchGrant } from '../../../core/sharing/grants.js';
import {
  accountSetHash,
  ancestorsOf,
  type OrgTree,
  resolveTargets,
  type TargetSpec,
  UnknownTargetError,
  unionTargets,
} from '../../../core/sharing/targets.js';

const ORG_ARN = 'arn:aws:organizations::123456789012:organization/o-a1b2c3d4e5';
const ouId = (n: number) => `ou-ab12-${String(n).padStart(8, '0')}`;
const ouArn = (id: string) => `arn:aws:organizations::123456789012:ou/o-a1b2c3d4e5/${id}`;
const accountId = (n: number) => String(300000000000 + n);

/** A random tree: OU i's parent is the root or an earlier OU; accounts anywhere, some suspended, some tagged. */
const treeArb = fc
  .record({
    parents: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
    accounts: fc.array(
      fc.record({
        at: fc.nat(),
        state: fc.constantFrom('ACTIVE', 'ACTIVE', 'ACTIVE', 'SUSPENDED', 'CLOSED'),
        team: fc.boolean(),
      }),
      { maxLength: 30 },
    ),
  })
  .map(({ parents, accounts }): OrgTree => {
    const ous = new Map<string, { arn: string; parentId: string }>();
    parents.forEach((p, i) => {
      const parentId = p % (i + 1) === 0 ? 'r-ab12' : ouId(p % i);
      ous.set(ouId(i), { arn: ouArn(ouId(i)), parentId });
    });
    const nodes = ['r-ab12', ...ous.keys()];
    return {
      organizationArn: ORG_ARN,
      rootId: 'r-ab12',
      ous,
      accounts: new Map(
        accounts.map((a, i) => [
          accountId(i),
          {
            parentId: nodes[a.at % nodes.length]!,
            state: a.state,
            tags: (a.team ? { team: 'web' } : {}) as Record<string, string>,
          },
        ]),
      ),
      tagsRead: true,
    };
  });

const specArb = (tree: OrgTree): fc.Arbitrary<TargetSpec> => {
  const ous = [...tree.ous.keys()];
  const accounts = [...tree.accounts.keys(), '999999999999'];
  const pick = <T>(xs: T[]) =>
    xs.length === 0 ? fc.constant([] as T[]) : fc.uniqueArray(fc.constantFrom(...xs), { maxLength: 3 });
  return fc.record({
    organization: fc.boolean(),
    ous: pick(ous),
    accounts: pick(accounts),
    accountTags: fc.constantFrom<Record<string, string>>({}, { team: 'web' }),
    exclude: fc.record({ ous: pick(ous), accounts: pick(accounts) }),
  });
};

/** What AWS would decide: may this account launch an AMI with these launch permissions? */
function launchable(tree: OrgTree, grants: readonly LaunchGrant[], account: string): boolean {
  const above = new Set(ancestorsOf(tree, account).map((id) => tree.ous.get(id)?.arn));
  return grants.some(
    (g) =>
      ('UserId' in g && g.UserId === account) ||
      ('OrganizationArn' in g && tree.accounts.has(account)) ||
      ('OrganizationalUnitArn' in g && above.has(g.OrganizationalUnitArn)),
  );
}

/** The naive answer: every active account the spec names, minus exclusions. */
function expected(tree: OrgTree, spec: TargetSpec): Set<string> {
  const out = new Set<string>();
  for (const [id, a] of tree.accounts) {
    if (a.state !== 'ACTIVE') continue;
    const up = ancestorsOf(tree, id);
    const named =
      spec.organization ||
      spec.ous.some((ou) => up.includes(ou)) ||
      spec.accounts.includes(id) ||
      (Object.entries(spec.accountTags).every(([k, v]) => a.tags?.[k] === v) &&
        Object.keys(spec.accountTags).length > 0);
    const excluded = spec.exclude.accounts.includes(id) || spec.exclude.ous.some((ou) => up.includes(ou));
    if (named && !excluded) out.add(id);
  }
  return out;
}

const withSpec = treeArb.chain((tree) => fc.tuple(fc.constant(tree), specArb(tree)));

describe('resolveTargets', () => {
  it('resolves exactly the active accounts the targets name, minus exclusions', () => {
    fc.assert(
      fc.property(withSpec, ([tree, spec]) => {
        expect(new Set(resolveTargets(tree, spec).accounts)).toEqual(expected(tree, spec));
      }),
    );
  });

  it('grants launch to every resolved account and to no other active account', () => {
    fc.assert(
      fc.property(withSpec, ([tree, spec]) => {
        const { grants, accounts } = resolveTargets(tree, spec);
        const reached = new Set(accounts);
        for (const [id, a] of tree.accounts) {
          if (a.state !== 'ACTIVE') continue;
          expect(launchable(tree, grants, id)).toBe(reached.has(id));
        }
      }),
    );
  });

  it('never grants an account id already covered by a granted OU or the organization', () => {
    fc.assert(
      fc.property(withSpec, ([tree, spec]) => {
        const { grants } = resolveTargets(tree, spec);
        const others = (g: LaunchGrant) => grants.filter((x) => x !== g);
        for (const g of grants) if ('UserId' in g) expect(launchable(tree, others(g), g.UserId)).toBe(false);
      }),
    );
  });

  it('grants the organization ARN alone when the whole organization is targeted and nothing excluded', () => {
    fc.assert(
      fc.property(treeArb, (tree) => {
        const spec = { organization: true, ous: [], accounts: [], accountTags: {}, exclude: { ous: [], accounts: [] } };
        expect(resolveTargets(tree, spec).grants).toEqual([{ OrganizationArn: ORG_ARN }]);
      }),
    );
  });

  it('keeps the union of several channels exact', () => {
    fc.assert(
      fc.property(
        treeArb.chain((tree) => fc.tuple(fc.constant(tree), specArb(tree), specArb(tree))),
        ([tree, a, b]) => {
          const union = unionTargets(tree, [resolveTargets(tree, a), resolveTargets(tree, b)]);
          const want = new Set([...expected(tree, a), ...expected(tree, b)]);
          for (const [id, acc] of tree.accounts) {
            if (acc.state === 'ACTIVE') expect(launchable(tree, union.grants, id)).toBe(want.has(id));
          }
        },
      ),
    );
  });

  it('names the field when a targeted OU is not in the organization', () => {
    const tree: OrgTree = {
      organizationArn: ORG_ARN,
      rootId: 'r-ab12',
      ous: new Map(),
      accounts: new Map(),
      tagsRead: false,
    };
    const spec = { ous: ['ou-ab12-00000009'], accounts: [], accountTags: {}, exclude: { ous: [], accounts: [] } };
    expect(() => resolveTargets(tree, spec, 'channels.prod.targets')).toThrow(UnknownTargetError);
    expect(() => resolveTargets(tree, spec, 'channels.prod.targets')).toThrow(
      'channels.prod.targets.ous: ou-ab12-00000009 is not an OU of the organization',
    );
  });

  it('skips named accounts that are suspended or not members, saying why', () => {
    const tree: OrgTree = {
      organizationArn: ORG_ARN,
      rootId: 'r-ab12',
      ous: new Map(),
      accounts: new Map([[accountId(1), { parentId: 'r-ab12', state: 'SUSPENDED' }]]),
      tagsRead: false,
    };
    const spec = {
      ous: [],
      accounts: [accountId(1), '999999999999'],
      accountTags: {},
      exclude: { ous: [], accounts: [] },
    };
    const resolved = resolveTargets(tree, spec, 't');
    expect(resolved.grants).toEqual([]);
    expect(resolved.skipped.map((s) => s.reason)).toEqual([
      `t.accounts ${accountId(1)}: suspended`,
      't.accounts 999999999999: not a member of the organization',
    ]);
  });
});

describe('accountSetHash', () => {
  it('depends on the set, not the order', () => {
    expect(accountSetHash(['111111111111', '222222222222'])).toBe(accountSetHash(['222222222222', '111111111111']));
    expect(accountSetHash(['111111111111'])).not.toBe(accountSetHash(['222222222222']));
  });

  it('gives the digits of FNV-1a 64 computed in 64-bit integers, which the ledger holds from earlier promotions', () => {
    const fnv1a64 = (accounts: readonly string[]) => {
      let h = 0xcbf29ce484222325n;
      for (const c of [...accounts]
        .sort()
        .map((a) => `${a},`)
        .join('')) {
        h = ((h ^ BigInt(c.charCodeAt(0))) * 0x100000001b3n) & 0xffffffffffffffffn;
      }
      return h.toString(16).padStart(16, '0');
    };
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^\d{12}$/), { maxLength: 40 }), (accounts) => {
        expect(accountSetHash(accounts)).toBe(fnv1a64(accounts));
      }),
    );
    const thousands = Array.from({ length: 5000 }, (_, i) => String(100000000000 + i * 7919));
    expect(accountSetHash(thousands)).toBe(fnv1a64(thousands));
  });
});
