import { GoldsmithError } from '../errors.js';
import { type LaunchGrant, uniqueGrants } from './grants.js';

/**
 * The organization as read from AWS Organizations at promotion time: the root, every OU with its parent, every
 * account with its parent, state and tags. Pure data; `aws/sharing/organizations-targets.ts` reads it (paginated).
 */
export interface OrgTree {
  readonly organizationArn: string;
  readonly rootId: string;
  readonly ous: ReadonlyMap<string, { readonly arn: string; readonly parentId: string; readonly name?: string }>;
  readonly accounts: ReadonlyMap<
    string,
    { readonly parentId: string; readonly state: string; readonly tags?: Readonly<Record<string, string>> }
  >;
  /** Whether account tags were read (they cost one call per account, so only when a channel selects by tag). */
  readonly tagsRead: boolean;
}

/** A channel's targets as the catalog states them. */
export interface TargetSpec {
  readonly organization?: boolean | undefined;
  readonly ous: readonly string[];
  readonly accounts: readonly string[];
  readonly accountTags: Readonly<Record<string, string>>;
  readonly exclude: { readonly ous: readonly string[]; readonly accounts: readonly string[] };
}

/** What a channel's targets resolve to now. */
export interface ResolvedTargets {
  /** The fewest launch grants that reach exactly `accounts` (organization ARN > OU ARNs > account ids). */
  readonly grants: LaunchGrant[];
  /** The active member accounts reached, sorted. */
  readonly accounts: string[];
  /** Named accounts left out, with why (suspended, closed, not a member). */
  readonly skipped: { account: string; reason: string }[];
}

/** A target the organization does not have (an OU id that does not exist): the channel cannot be shared. */
export class UnknownTargetError extends GoldsmithError {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownTarget';
  }
}

/**
 * Accounts in these states can launch nothing; they are never granted by id. Organizations documents the states
 * PENDING_ACTIVATION, ACTIVE, SUSPENDED, PENDING_CLOSURE and CLOSED
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_account_state.html).
 */
export function isActive(state: string): boolean {
  return state === 'ACTIVE';
}

/** The OU ids and the root above a node, nearest first. */
export function ancestorsOf(tree: OrgTree, id: string): string[] {
  const out: string[] = [];
  let parent = tree.accounts.get(id)?.parentId ?? tree.ous.get(id)?.parentId;
  while (parent !== undefined) {
    out.push(parent);
    // Stryker disable next-line ConditionalExpression: the root is never an OU, so looking it up among the OUs also ends the walk
    parent = parent === tree.rootId ? undefined : tree.ous.get(parent)?.parentId;
  }
  return out;
}

/** Each node's child OUs and accounts, in the tree's order: one pass, each child appended to its parent's list. */
function childrenIndex(tree: OrgTree): { ous: Map<string, string[]>; accounts: Map<string, string[]> } {
  const ous = new Map<string, string[]>();
  const accounts = new Map<string, string[]>();
  for (const [id, ou] of tree.ous) appendTo(ous, ou.parentId, id);
  for (const [id, a] of tree.accounts) appendTo(accounts, a.parentId, id);
  return { ous, accounts };
}

function appendTo(index: Map<string, string[]>, key: string, value: string): void {
  const list = index.get(key);
  if (list) list.push(value);
  else index.set(key, [value]);
}

/**
 * Resolves a channel's targets against the organization: OUs with every OU below them, named accounts, accounts
 * carrying all of `accountTags`, minus excluded accounts and OUs; suspended and closed accounts are skipped.
 * Grants prefer the organization ARN (when `organization` is set and nothing is excluded), then an OU's ARN when no
 * excluded account is below it, descending around exclusions to the largest OUs that contain none, and account ids
 * only where nothing larger fits.
 * @throws UnknownTargetError when a targeted or excluded OU is not in the organization.
 */
export function resolveTargets(tree: OrgTree, spec: TargetSpec, field = 'targets'): ResolvedTargets {
  for (const [list, name] of [
    [spec.ous, 'ous'],
    [spec.exclude.ous, 'exclude.ous'],
  ] as const) {
    for (const ou of list) {
      if (!tree.ous.has(ou) && ou !== tree.rootId)
        throw new UnknownTargetError(`${field}.${name}: ${ou} is not an OU of the organization`);
    }
  }
  if (Object.keys(spec.accountTags).length > 0 && !tree.tagsRead) {
    throw new Error(`${field}.accountTags: the organization was read without account tags`);
  }
  const children = childrenIndex(tree);
  const excludedOus = new Set(spec.exclude.ous);
  const excludedAccounts = new Set(spec.exclude.accounts);
  // Every node with an exclusion at or below it: those cannot be granted whole.
  const blocked = new Set<string>();
  for (const id of [...spec.exclude.accounts, ...spec.exclude.ous]) {
    // Stryker disable next-line ConditionalExpression: an excluded node is never granted (grantSubtree and byId check exclusions first), blocked or not
    if (tree.ous.has(id)) blocked.add(id);
    for (const up of ancestorsOf(tree, id)) blocked.add(up);
  }
  const excluded = (account: string) =>
    excludedAccounts.has(account) || ancestorsOf(tree, account).some((p) => excludedOus.has(p));

  const grants: LaunchGrant[] = [];
  const reached = new Set<string>();
  const reachAll = (node: string): void => {
    for (const a of children.accounts.get(node) ?? []) if (isActive(tree.accounts.get(a)!.state)) reached.add(a);
    for (const ou of children.ous.get(node) ?? []) reachAll(ou);
  };
  const grantSubtree = (node: string): void => {
    if (excludedOus.has(node)) return;
    if (!blocked.has(node)) {
      grants.push(
        node === tree.rootId ? { OrganizationArn: tree.organizationArn } : { OrganizationalUnitArn: arn(node) },
      );
      reachAll(node);
      return;
    }
    for (const ou of children.ous.get(node) ?? []) grantSubtree(ou);
    for (const a of children.accounts.get(node) ?? []) {
      if (!excludedAccounts.has(a) && isActive(tree.accounts.get(a)!.state)) {
        grants.push({ UserId: a });
        reached.add(a);
      }
    }
  };
  const arn = (ou: string) => tree.ous.get(ou)!.arn;

  if (spec.organization) grantSubtree(tree.rootId);
  // A targeted OU inside an excluded one is excluded whole.
  for (const ou of spec.ous) if (!ancestorsOf(tree, ou).some((p) => excludedOus.has(p))) grantSubtree(ou);

  const skipped: ResolvedTargets['skipped'] = [];
  const byId = (account: string, why: string): void => {
    const found = tree.accounts.get(account);
    if (!found) skipped.push({ account, reason: `${why}: not a member of the organization` });
    else if (!isActive(found.state)) skipped.push({ account, reason: `${why}: ${found.state.toLowerCase()}` });
    else if (!excluded(account)) {
      grants.push({ UserId: account });
      reached.add(account);
    }
  };
  for (const account of spec.accounts) byId(account, `${field}.accounts ${account}`);
  const tags = Object.entries(spec.accountTags);
  if (tags.length > 0) {
    for (const [id, a] of tree.accounts) {
      if (tags.every(([k, v]) => a.tags?.[k] === v) && isActive(a.state) && !excluded(id)) {
        grants.push({ UserId: id });
        reached.add(id);
      }
    }
  }
  return { grants: simplifyGrants(tree, grants), accounts: [...reached].sort(), skipped };
}

/**
 * The smallest equivalent grant list: drops duplicates, OUs inside a granted OU or organization, and accounts inside
 * a granted OU or organization. The accounts reached do not change.
 */
export function simplifyGrants(tree: OrgTree, grants: Iterable<LaunchGrant>): LaunchGrant[] {
  const all = uniqueGrants(grants);
  const org = all.some((g) => 'OrganizationArn' in g && g.OrganizationArn === tree.organizationArn);
  const ouIdByArn = new Map([...tree.ous].map(([id, ou]) => [ou.arn, id]));
  const grantedOus = new Set(
    // Stryker disable next-line StringLiteral,ArrayDeclaration: an id no OU has is above no node, whatever it is
    all.flatMap((g) => ('OrganizationalUnitArn' in g ? [ouIdByArn.get(g.OrganizationalUnitArn) ?? ''] : [])),
  );
  const covered = (id: string) => org || ancestorsOf(tree, id).some((p) => grantedOus.has(p));
  return all.filter((g) => {
    // Stryker disable next-line StringLiteral: an id no OU has has no ancestors, whatever it is
    if ('OrganizationalUnitArn' in g) return !covered(ouIdByArn.get(g.OrganizationalUnitArn) ?? '');
    if ('UserId' in g) return !(tree.accounts.has(g.UserId) && covered(g.UserId));
    return true;
  });
}

/** The grants and accounts of several channels together (a version in dev and staging keeps both). */
export function unionTargets(tree: OrgTree, resolved: readonly ResolvedTargets[]): ResolvedTargets {
  const accounts = new Set(resolved.flatMap((r) => r.accounts));
  return {
    grants: simplifyGrants(
      tree,
      resolved.flatMap((r) => r.grants),
    ),
    accounts: [...accounts].sort(),
    skipped: resolved.flatMap((r) => r.skipped),
  };
}

/**
 * A short, stable fingerprint of a resolved account set (FNV-1a, 64-bit, hex), recorded instead of the ids. The
 * 64-bit state is kept as two 32-bit halves: multiplying by the prime 2^40 + 0x1b3 is the low half times 0x1b3 (under
 * 2^41, exact in a double) with its carry, plus the low half shifted into the high one (5,000 accounts hash in a
 * fraction of the time BigInt arithmetic took, with the same digits).
 */
export function accountSetHash(accounts: readonly string[]): string {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (const a of [...accounts].sort()) {
    for (const c of `${a},`) {
      lo = (lo ^ c.charCodeAt(0)) >>> 0;
      const low = lo * 0x1b3;
      hi = (Math.imul(hi, 0x1b3) + Math.floor(low / 0x1_0000_0000) + (lo << 8)) >>> 0;
      lo = low >>> 0;
    }
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/**
 * A channel's targets without the OUs the organization no longer has, and which those were: an OU that was deleted
 * holds no account, so a grant to it reaches no one and an exclusion of it excludes no one. Used where grants already
 * in force are brought in line with a changed organization (an OU deleted while a channel still names it must not stop
 * the re-grant of the channel's other targets); a promotion still refuses such a channel naming the field.
 */
export function withoutMissingOus(tree: OrgTree, spec: TargetSpec): { spec: TargetSpec; missing: string[] } {
  const known = (ou: string) => ou === tree.rootId || tree.ous.has(ou);
  const missing = [...new Set([...spec.ous, ...spec.exclude.ous].filter((ou) => !known(ou)))].sort();
  return {
    spec: { ...spec, ous: spec.ous.filter(known), exclude: { ...spec.exclude, ous: spec.exclude.ous.filter(known) } },
    missing,
  };
}
