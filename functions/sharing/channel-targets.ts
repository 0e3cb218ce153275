import { organizationsClient } from '../../aws/clients/organizations.js';
import { readOrganizationTree } from '../../aws/organizations-targets.js';
import type { OrgTree, ResolvedTargets, TargetSpec } from '../../core/sharing/targets.js';
import { resolveTargets, unionTargets } from '../../core/sharing/targets.js';

/**
 * How long one read of the organization serves: a wave of promotions (every image built in one patch window) shares
 * one read instead of listing every OU again per image and channel; an account that joins or leaves an OU is seen
 * by promotions after that.
 */
export const ORGANIZATION_READ_TTL_MS = 5 * 60_000;

// Keyed by the client too: new client settings (another account, another local cloud) mean another organization.
let cached: { tree: OrgTree; at: number; client: object } | undefined;

/** The organization's tree, read at most once per {@link ORGANIZATION_READ_TTL_MS} (with tags when asked). */
export async function currentOrganization(withTags: boolean): Promise<OrgTree> {
  const now = Date.now();
  const client = organizationsClient();
  const fresh = cached && cached.client === client && now >= cached.at && now - cached.at < ORGANIZATION_READ_TTL_MS;
  if (cached && fresh && (cached.tree.tagsRead || !withTags)) return cached.tree;
  const tree = await readOrganizationTree({ withTags });
  cached = { tree, at: now, client };
  return tree;
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

/**
 * Resolves channels' targets from Organizations at call time. No channels: nothing granted, and no call made.
 * @throws UnknownTargetError (named field) when a channel names an OU the organization does not have.
 */
export async function resolveChannels(channels: readonly ChannelTargets[]): Promise<ResolvedChannels> {
  if (channels.length === 0)
    return { byChannel: new Map(), union: { grants: [], accounts: [], skipped: [] }, copyAccounts: [] };
  const withTags = channels.some((c) => Object.keys(c.targets.accountTags).length > 0);
  const tree = await currentOrganization(withTags);
  const byChannel = new Map(
    channels.map((c) => [c.name, resolveTargets(tree, c.targets, `channels.${c.name}.targets`)] as const),
  );
  const copy = new Set(channels.filter((c) => c.targets.allowCopy).flatMap((c) => byChannel.get(c.name)!.accounts));
  return { byChannel, union: unionTargets(tree, [...byChannel.values()]), copyAccounts: [...copy].sort() };
}
