import type { CatalogRule } from './types.js';

/**
 * A channel's rollout waves (`channels[i].rollout.waves`): unique names, no OU or account in two waves, and each
 * inside the channel's own targets, so a wave never reaches an account the channel does not share with. An OU must be
 * one of the channel's target OUs (or the channel targets the organization): the catalog cannot see OU nesting. An
 * account must not be excluded, and is listed among the target accounts unless OUs, tags or the organization may hold
 * it (the engine then refreshes only accounts the channel's targets resolve to; `goldsmith validate` with an
 * organization checks it there: rollout-organization.ts).
 *
 * Judged field by field on what passed its own check (`sound`): a setting out of range (`bakeMinutes: 5000`) or one
 * bad wave hides none of the other waves' problems.
 */
export const rolloutWaves: CatalogRule = (catalog, report, _files, sound) => {
  catalog.channels.forEach((channel, i) => {
    const rollout = channel.rollout;
    const here = ['channels', i, 'rollout'] as const;
    if (!rollout || !sound(['channels', i, 'targets'])) return;
    const { minHealthyPercentage: min, maxHealthyPercentage: max } = rollout;
    // RefreshPreferences: the difference between the maximum and minimum healthy percentage cannot exceed 100.
    if (sound([...here, 'minHealthyPercentage']) && sound([...here, 'maxHealthyPercentage']) && max - min > 100) {
      report([...here, 'maxHealthyPercentage'], `may exceed minHealthyPercentage (${min}) by at most 100`);
    }
    // A wave list that is not one is not judged; a list that failed as a whole (too long) leaves each wave unsound.
    if (!Array.isArray(rollout.waves)) return;
    const { organization, ous, accounts, accountTags, exclude } = channel.targets;
    const accountsMayBeInside = organization || ous.length > 0 || Object.keys(accountTags).length > 0;
    const names = new Map<string, number>();
    const seen = new Map<string, number>();
    rollout.waves.forEach((wave, w) => {
      const at = [...here, 'waves', w] as const;
      if (typeof wave !== 'object' || wave === null) return;
      if (sound([...at, 'name'])) {
        const earlier = names.get(wave.name);
        if (earlier === undefined) names.set(wave.name, w);
        else report([...at, 'name'], `duplicate wave "${wave.name}" (also waves[${earlier}])`);
      }
      const check = (kind: 'ous' | 'accounts', id: string, k: number) => {
        if (!sound([...at, kind, k])) return;
        const before = seen.get(id);
        if (before !== undefined && before !== w) {
          report([...at, kind, k], `${id} is already in waves[${before}]: each OU and account rolls out in one wave`);
          return;
        }
        seen.set(id, w);
        const excluded = kind === 'ous' ? exclude.ous.includes(id) : exclude.accounts.includes(id);
        if (excluded) {
          report([...at, kind, k], `${id} is excluded from channel "${channel.name}"'s targets`);
        } else if (kind === 'ous' && !organization && !ous.includes(id)) {
          report([...at, kind, k], `${id} is not one of channel "${channel.name}"'s target OUs`);
        } else if (kind === 'accounts' && !accountsMayBeInside && !accounts.includes(id)) {
          report([...at, kind, k], `${id} is not one of channel "${channel.name}"'s target accounts`);
        }
      };
      if (Array.isArray(wave.ous)) for (const [k, ou] of wave.ous.entries()) check('ous', ou, k);
      if (Array.isArray(wave.accounts)) for (const [k, a] of wave.accounts.entries()) check('accounts', a, k);
    });
  });
};
