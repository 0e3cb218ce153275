import { type OrgTree, resolveTargets, withoutMissingOus } from '../../sharing/targets.js';
import { problem } from '../problems.js';
import type { Catalog } from '../schema.js';

/**
 * A rollout's waves checked against the organization (`goldsmith validate --local DIR | --scenario FILE`): the
 * catalog alone cannot tell whether an account a wave names by id is a member, nor whether the channel's OUs hold
 * it. Each wave account must be an account of the organization and among those the channel's targets reach in it
 * (active members of its OUs, named accounts, tagged accounts; exclusions applied, as Share resolves them); each wave
 * OU must be an OU of the organization. Without account tags read, an account a tag might select is only checked for
 * membership. One line per problem, at its field path.
 */
export function rolloutWavesInOrganization(catalog: Catalog, tree: OrgTree, source: string): string[] {
  const problems: string[] = [];
  catalog.channels.forEach((channel, i) => {
    const rollout = channel.rollout;
    if (!rollout) return;
    const tagged = Object.keys(channel.targets.accountTags).length > 0;
    const { spec } = withoutMissingOus(tree, channel.targets);
    const reached = new Set(
      tagged && !tree.tagsRead ? [] : resolveTargets(tree, spec, `channels[${i}].targets`).accounts,
    );
    rollout.waves.forEach((wave, w) => {
      const at = ['channels', i, 'rollout', 'waves', w] as const;
      wave.ous.forEach((ou, k) => {
        if (ou !== tree.rootId && !tree.ous.has(ou))
          problems.push(problem([...at, 'ous', k], `${ou} is not an OU of ${source}`));
      });
      wave.accounts.forEach((account, k) => {
        if (!tree.accounts.has(account)) {
          problems.push(problem([...at, 'accounts', k], `${account} is not an account of ${source}`));
        } else if (!(tagged && !tree.tagsRead) && !reached.has(account)) {
          problems.push(
            problem(
              [...at, 'accounts', k],
              `${account} is not among the active accounts channel "${channel.name}"'s targets reach in ${source}`,
            ),
          );
        }
      });
    });
  });
  return problems;
}
