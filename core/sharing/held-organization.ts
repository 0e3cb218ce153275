import { daysPassed } from '../duration.js';
import { orgKey } from '../ledger/keys.js';
import { ancestorsOf, type OrgTree } from './targets.js';

/**
 * The organization as the ledger holds it (`pk = ORG`, core/ledger/README.md): one item per OU and per account, and
 * a `STATE` item saying when it was last read in full and last changed by an event. Pure: encoding, decoding and the
 * difference between two trees; `aws/sharing/organization-held.ts` reads and writes the items.
 */

/** An OU item: its parent, name and the ids from the root down to its parent (`path`). */
export interface HeldOuItem {
  pk: string;
  sk: string;
  id: string;
  arn: string;
  parentId: string;
  name?: string;
  path: string[];
}

/** An account item: its parent, state, tags (when read), and the ids from the root down to its parent. */
export interface HeldAccountItem {
  pk: string;
  sk: string;
  id: string;
  parentId: string;
  state: string;
  tags?: Record<string, string>;
  path: string[];
}

/** The `STATE` item. */
export interface HeldStateItem {
  pk: string;
  sk: string;
  organizationArn: string;
  rootId: string;
  tagsRead: boolean;
  /** When the organization was last read in full (the backstop, or the first read). */
  fullReadAt: string;
  /** When an event last changed the held tree (absent until one did). */
  changedAt?: string;
  /** Unique to each write: what a reader's cached tree is checked against (two events may share a second). */
  revision?: string;
}

export type HeldItem = HeldOuItem | HeldAccountItem | HeldStateItem;

const STATE_SK = orgKey('STATE').sk;
const OU_PREFIX = orgKey('OU', '').sk;
const ACCOUNT_PREFIX = orgKey('ACCOUNT', '').sk;

/** Root first: `ancestorsOf` is nearest first. */
function pathOf(tree: OrgTree, id: string): string[] {
  return ancestorsOf(tree, id).reverse();
}

/** The item of one OU of `tree`. */
export function ouItem(tree: OrgTree, id: string): HeldOuItem {
  const ou = tree.ous.get(id);
  if (!ou) throw new Error(`${id} is not an OU of the tree`);
  return {
    ...orgKey('OU', id),
    id,
    arn: ou.arn,
    parentId: ou.parentId,
    ...(ou.name !== undefined && { name: ou.name }),
    path: pathOf(tree, id),
  };
}

/** The item of one account of `tree`. */
export function accountItem(tree: OrgTree, id: string): HeldAccountItem {
  const a = tree.accounts.get(id);
  if (!a) throw new Error(`${id} is not an account of the tree`);
  return {
    ...orgKey('ACCOUNT', id),
    id,
    parentId: a.parentId,
    state: a.state,
    ...(a.tags !== undefined && { tags: { ...a.tags } }),
    path: pathOf(tree, id),
  };
}

/** The `STATE` item of a tree read in full at `fullReadAt`. */
export function stateItem(tree: OrgTree, fullReadAt: string, changedAt?: string, revision?: string): HeldStateItem {
  return {
    ...orgKey('STATE'),
    organizationArn: tree.organizationArn,
    rootId: tree.rootId,
    tagsRead: tree.tagsRead,
    fullReadAt,
    ...(changedAt !== undefined && { changedAt }),
    ...(revision !== undefined && { revision }),
  };
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function tagsOf(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** The freshness the `STATE` item records, or undefined when the organization was never read. */
export function heldState(
  items: readonly Record<string, unknown>[],
): { fullReadAt: string; changedAt?: string; revision?: string } | undefined {
  const state = items.find((i) => i.sk === STATE_SK);
  const fullReadAt = text(state?.fullReadAt);
  if (!fullReadAt) return undefined;
  const changedAt = text(state?.changedAt);
  const revision = text(state?.revision);
  return {
    fullReadAt,
    ...(changedAt !== undefined && { changedAt }),
    ...(revision !== undefined && { revision }),
  };
}

/**
 * The tree the items hold, or undefined when there is no `STATE` item (never read in full). Items that lack a
 * field they need are left out, as is an account or OU whose parent the tree does not hold.
 */
export function treeFromHeldItems(items: readonly Record<string, unknown>[]): OrgTree | undefined {
  const state = items.find((i) => i.sk === STATE_SK);
  const organizationArn = text(state?.organizationArn);
  const rootId = text(state?.rootId);
  if (!state || !organizationArn || !rootId || !text(state.fullReadAt)) return undefined;
  const ous = new Map<string, { arn: string; parentId: string; name?: string }>();
  const accounts = new Map<string, { parentId: string; state: string; tags?: Record<string, string> }>();
  for (const item of items) {
    const sk = text(item.sk) ?? '';
    const id = text(item.id);
    const parentId = text(item.parentId);
    if (!id || !parentId) continue;
    if (sk.startsWith(OU_PREFIX)) {
      const arn = text(item.arn);
      const name = text(item.name);
      if (arn) ous.set(id, { arn, parentId, ...(name !== undefined && { name }) });
    } else if (sk.startsWith(ACCOUNT_PREFIX)) {
      const tags = tagsOf(item.tags);
      accounts.set(id, { parentId, state: text(item.state) ?? 'ACTIVE', ...(tags !== undefined && { tags }) });
    }
  }
  const known = (parent: string) => parent === rootId || ous.has(parent);
  for (const [id, ou] of ous) if (!known(ou.parentId)) ous.delete(id);
  for (const [id, a] of accounts) if (!known(a.parentId)) accounts.delete(id);
  return { organizationArn, rootId, ous, accounts, tagsRead: state.tagsRead === true };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * What to write so the ledger holds `after` where it held `before`: the OU and account items that are new or
 * differ (a move changes the paths below it too), and the keys of those gone.
 */
export function heldChanges(
  before: OrgTree | undefined,
  after: OrgTree,
): { put: (HeldOuItem | HeldAccountItem)[]; remove: { pk: string; sk: string }[] } {
  const put: (HeldOuItem | HeldAccountItem)[] = [];
  const remove: { pk: string; sk: string }[] = [];
  for (const id of after.ous.keys()) {
    const item = ouItem(after, id);
    if (!before?.ous.has(id) || !same(ouItem(before, id), item)) put.push(item);
  }
  for (const id of after.accounts.keys()) {
    const item = accountItem(after, id);
    if (!before?.accounts.has(id) || !same(accountItem(before, id), item)) put.push(item);
  }
  for (const id of before?.ous.keys() ?? []) if (!after.ous.has(id)) remove.push(orgKey('OU', id));
  for (const id of before?.accounts.keys() ?? []) if (!after.accounts.has(id)) remove.push(orgKey('ACCOUNT', id));
  return { put, remove };
}

/**
 * Of a full read's changes, those an Organizations event in the management account's trail would have announced:
 * every one. An OU created, changed or deleted and an account moved, closed or retagged are API calls made there; an
 * account joining or leaving, however it happened (created, invited, removed, or leaving on its own), is announced
 * there by Organizations' membership events, AccountJoinedOrganization and AccountDepartedOrganization
 * (core/sharing/organization-events.ts). `before` is the tree held before the read: a first read announces nothing.
 */
export function changesNoEventSaid(
  before: OrgTree | undefined,
  changes: { put: readonly (HeldOuItem | HeldAccountItem)[]; remove: readonly { pk: string; sk: string }[] },
): number {
  return before ? changes.put.length + changes.remove.length : 0;
}

/** Each account's OU path (root first, down to its parent) and its parent, as the fleet groups accounts. */
export function accountPlaces(tree: OrgTree): Map<string, { parentId: string; path: string[] }> {
  return new Map(
    [...tree.accounts.keys()].map((id) => [id, { parentId: tree.accounts.get(id)!.parentId, path: pathOf(tree, id) }]),
  );
}

/** A Share in flight when a change was held (its Lambda timeout is 300 s): the slack a re-grant after it allows. */
const SHARE_IN_FLIGHT_MS = 3_600_000;

/**
 * Whether the daily tick at `at` reads the organization in full: when it was never read in full, or its last full read
 * is `everySeconds` (`monitoring.organizationFullReadEvery`, whole days) old, counted in UTC days as the sweeps are. A
 * tick that fails reads again at the next one, so one lost run delays the read by a day, not a period.
 */
export function fullReadDue(held: { fullReadAt: string } | undefined, at: string, everySeconds: number): boolean {
  return daysPassed(Date.parse(at), held?.fullReadAt, everySeconds / 86_400);
}

/** The tick's period (stacks/promotion/organization.ts `ORGANIZATION_FULL_READ_RATE`). */
const TICK_MS = 86_400_000;

/**
 * Whether the held tree changed since the tick before `at` (with the slack a Share in flight needs): the tick at `at`
 * then re-grants every channel from the tree held now, which a Share that read the tree just before the change missed.
 */
export function changedSinceLastTick(held: { changedAt?: string } | undefined, at: string): boolean {
  if (held?.changedAt === undefined) return false;
  const since = Date.parse(at) - Date.parse(held.changedAt);
  return since >= 0 && since <= TICK_MS + SHARE_IN_FLIGHT_MS;
}
