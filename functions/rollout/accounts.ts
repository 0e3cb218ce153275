import type { ChannelSpec } from '../../core/config/schema.js';
import { resolveTargets } from '../../core/sharing/targets.js';
import { currentOrganization } from '../sharing/channel-targets.js';

/**
 * The accounts of each wave of a channel's rollout, as the organization holds them now: the wave's OUs (nested OUs
 * included) and accounts, less the channel's exclusions and the accounts of earlier waves, and only accounts the
 * channel's own targets reach, so a wave never refreshes a group in an account the channel does not share with.
 */
export async function waveAccounts(channel: ChannelSpec): Promise<string[][]> {
  const waves = channel.rollout?.waves ?? [];
  const tree = await currentOrganization(Object.keys(channel.targets.accountTags).length > 0);
  const shared = new Set(resolveTargets(tree, channel.targets, `channels.${channel.name}.targets`).accounts);
  const earlier = new Set<string>();
  return waves.map((wave, i) => {
    const spec = { ous: wave.ous, accounts: wave.accounts, accountTags: {}, exclude: channel.targets.exclude };
    const field = `channels.${channel.name}.rollout.waves[${i}]`;
    // An account an earlier wave already reached (a canary account inside a later wave's OU) rolls out once, early.
    const mine = resolveTargets(tree, spec, field).accounts.filter((a) => shared.has(a) && !earlier.has(a));
    for (const a of mine) earlier.add(a);
    return mine;
  });
}
