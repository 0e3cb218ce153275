import { documentClient } from '../../aws/clients/dynamodb.js';
import { organizationsClient } from '../../aws/clients/organizations.js';
import { readHeldOrganizationItems, readHeldOrganizationState } from '../../aws/sharing/organization-held.js';
import { readOrganizationTree } from '../../aws/sharing/organizations-targets.js';
import { heldState, treeFromHeldItems } from '../../core/sharing/held-organization.js';
import type { OrgTree, ResolvedTargets, TargetSpec } from '../../core/sharing/targets.js';
import { resolveTargets, unionTargets } from '../../core/sharing/targets.js';
import { readOnce } from '../lib/read-once.js';

/**
 * How long one read of Organizations serves when the ledger holds no organization yet (before the organization-sync
 * function's first full read): a wave of promotions shares one read instead of listing every OU per image and channel.
 */
export const ORGANIZATION_READ_TTL_MS = 5 * 60_000;

// Keyed by the clients too: new client settings (another account, another local cloud) mean another organization.
let cached: { tree: OrgTree; at: number; clients: readonly object[]; held?: string } | undefined;

/** Whether the cached tree was read through these clients (another set means another organization). */
const heldFor = (clients: readonly object[]): boolean => cached?.clients.every((c, i) => c === clients[i]) ?? false;

/** The held tree's version: the revision of its last write (the `STATE` item). */
function heldVersion(state: Record<string, unknown> | undefined): string | undefined {
  const held = heldState(state ? [state] : []);
  return held ? (held.revision ?? `${held.fullReadAt}|${held.changedAt ?? ''}`) : undefined;
}

/**
 * The organization's tree as the ledger holds it (core/ledger/README.md, kept by functions/organization-sync.ts from
 * Organizations' events and a full read every `monitoring.organizationFullReadEvery`): one GetItem of its state, and one Query when it changed since this
 * container last read it. When the ledger holds none yet, or holds it without the account tags a channel now
 * selects by, Organizations is read instead (at most once per {@link ORGANIZATION_READ_TTL_MS}).
 */
export async function currentOrganization(withTags: boolean): Promise<OrgTree> {
  const now = Date.now();
  const clients = [organizationsClient(), documentClient()] as const;
  const sameClients = heldFor(clients);
  const usable = (tree: OrgTree) => tree.tagsRead || !withTags;
  const version = heldVersion(await readHeldOrganizationState());
  if (version !== undefined) {
    if (cached && sameClients && cached.held === version && usable(cached.tree)) return cached.tree;
    const tree = treeFromHeldItems(await readHeldOrganizationItems());
    if (tree && usable(tree)) {
      cached = { tree, at: now, clients, held: version };
      return tree;
    }
  }
  const fresh =
    cached &&
    sameClients &&
    cached.held === undefined &&
    now >= cached.at &&
    now - cached.at < ORGANIZATION_READ_TTL_MS;
  if (cached && fresh && usable(cached.tree)) return cached.tree;
  const tree = await readOrganizationTree({ withTags });
  cached = { tree, at: now, clients };
  return tree;
}

type Entries<M> = M extends ReadonlyMap<infer K, infer V> ? [K, V][] : never;

/** An organization tree as JSON data: its maps as entries. */
export interface HeldOrganization {
  tree: Omit<OrgTree, 'ous' | 'accounts'> & { ous: Entries<OrgTree['ous']>; accounts: Entries<OrgTree['accounts']> };
  at: number;
  held?: string;
}

/** The tree this container holds for the current clients (a warm container's state), as data, if any. */
export function heldOrganization(): HeldOrganization | undefined {
  if (!cached || !heldFor([organizationsClient(), documentClient()])) return undefined;
  const { tree, at, held } = cached;
  return {
    tree: { ...tree, ous: [...tree.ous], accounts: [...tree.accounts] },
    at,
    ...(held === undefined ? {} : { held }),
  };
}

/** Holds `saved` for the current clients, as a container that read that tree would. */
export function holdOrganization(saved: HeldOrganization): void {
  const { tree, at, held } = saved;
  cached = {
    tree: { ...tree, ous: new Map(tree.ous), accounts: new Map(tree.accounts) },
    at,
    clients: [organizationsClient(), documentClient()],
    ...(held === undefined ? {} : { held }),
  };
}

/** Forgets the cached organization (tests; a new simulation). */
export function forgetOrganization(): void {
  cached = undefined;
}

/** A channel with its catalog targets. */
export interface ChannelTargets {
  readonly name: string;
  readonly targets: TargetSpec & { readonly allowCopy?: boolean | undefined };
}

/** Each channel's targets resolved against the organization now, and all of them together. */
export interface ResolvedChannels {
  readonly byChannel: ReadonlyMap<string, ResolvedTargets>;
  readonly union: ResolvedTargets;
  /** Accounts of the channels that allow copying (snapshot permissions). */
  readonly copyAccounts: string[];
}

/** Reads the organization, with its account tags when `withTags` (as {@link currentOrganization}). */
export type OrganizationReader = (withTags: boolean) => Promise<OrgTree>;

/**
 * The organization read once for a pass over many versions (the daily audit): the first ask reads it as
 * {@link currentOrganization} does (one GetItem of the held state, a Query when it changed), later asks in the same
 * pass are answered from that read. A tree read with the account tags answers an ask without them; a failed read is
 * made again at the next ask.
 */
export function organizationForOnePass(): OrganizationReader {
  const read = readOnce(currentOrganization);
  return (withTags) => read(withTags || read.has(true));
}

/**
 * Resolves channels' targets against the organization as held now (or `given`: a tree, or a reader such as
 * {@link organizationForOnePass}). No channels: nothing granted, and no call made.
 * @throws UnknownTargetError (named field) when a channel names an OU the organization does not have.
 */
export async function resolveChannels(
  channels: readonly ChannelTargets[],
  given?: OrgTree | OrganizationReader,
): Promise<ResolvedChannels> {
  if (channels.length === 0)
    return { byChannel: new Map(), union: { grants: [], accounts: [], skipped: [] }, copyAccounts: [] };
  const withTags = channels.some((c) => Object.keys(c.targets.accountTags).length > 0);
  const tree = typeof given === 'function' ? await given(withTags) : (given ?? (await currentOrganization(withTags)));
  const byChannel = new Map(
    channels.map((c) => [c.name, resolveTargets(tree, c.targets, `channels.${c.name}.targets`)] as const),
  );
  const copy = new Set(channels.filter((c) => c.targets.allowCopy).flatMap((c) => byChannel.get(c.name)!.accounts));
  return { byChannel, union: unionTargets(tree, [...byChannel.values()]), copyAccounts: [...copy].sort() };
}
