import type { ChannelSpec } from '../../core/config/schema.js';
import { resolveTargets } from '../../core/sharing/targets.js';
import { currentOrganization } from '../sharing/channel-targets.js';

/**
 * The accounts of each wave of a channel's rollout, as the organization holds them now: the wave's OUs (nested OUs
 * included) and accounts, less the channel's exclusions, and only accounts the channel's own targets reach, so a
 * wave never refreshes a group in an account the channel does not share with.
 */
export async function waveAccounts(channel: ChannelSpec): Promise<string[][]> {
  const waves = channel.rollout?.waves ?? [];
  const tree = await currentOrganization(Object.keys(channel.targets.accountTags).length > 0);
  const shared = new Set(resolveTargets(tree, channel.targets, `channels.${channel.name}.targets`).accounts);
  return waves.map((wave, i) => {
    const spec = { ous: wave.ous, accounts: wave.accounts, accountTags: {}, exclude: channel.targets.exclude };
    const field = `channels.${channel.name}.rollout.waves[${i}]`;
    return resolveTargets(tree, spec, field).accounts.filter((a) => shared.has(a));
  });
}
