import {
  BASELINE_FAILURE_TOLERANCE_PERCENTAGE,
  failedAccountsTolerated,
  memberBaselineTargets,
} from '../../sharing/member-baseline.js';
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

/**
 * A warning for each rolling channel when the member baseline, which gives every account its rollout role, tolerates
 * no failed account: its StackSet operations stop in a Region at the first account whose stack fails once that
 * exceeds floor(10 % of the accounts it reaches there) (core/sharing/member-baseline.ts), which is none below 10
 * accounts. The accounts not yet reached then keep the baseline they had (a new account: no rollout role, so its
 * groups are not refreshed) until the baseline is deployed again.
 */
export function rolloutBaselineWarnings(catalog: Catalog, tree: OrgTree, source: string): string[] {
  if (!catalog.organization.memberBaseline.enabled) return [];
  const { ous } = memberBaselineTargets(catalog);
  const none = { organization: false, accounts: [], accountTags: {}, exclude: { ous: [], accounts: [] } };
  const { spec } = withoutMissingOus(tree, { ...none, ous });
  const accounts = resolveTargets(tree, spec).accounts.length;
  const tolerated = failedAccountsTolerated(accounts);
  if (accounts === 0 || tolerated > 0) return [];
  const what = `the member baseline reaches ${accounts} account(s) per Region in ${source}, and its operations tolerate floor(${BASELINE_FAILURE_TOLERANCE_PERCENTAGE} % of ${accounts}) = 0 failed: one account whose baseline stack fails stops its deployment to the accounts not yet reached in that Region, whose groups get no rollout role until it is deployed again (docs/rollout.md)`;
  return catalog.channels.flatMap((c, i) => (c.rollout ? [problem(['channels', i, 'rollout'], what)] : []));
}
