import {
  BASELINE_FAILURE_TOLERANCE_PERCENTAGE,
  failedAccountsTolerated,
  memberBaselineTargets,
} from '../../sharing/member-baseline.js';
import { type OrgTree, resolveTargets, withoutMissingOus } from '../../sharing/targets.js';
import { problem } from '../problems.js';
import type { Catalog } from '../schema.js';

/** A wave's OU or account the organization does not hold, or an account outside the channel's reach there. */
export interface WaveOutside {
  readonly channel: string;
  /** The wave's field path: `['channels', i, 'rollout', 'waves', w, 'ous' | 'accounts', k]`. */
  readonly path: readonly (string | number)[];
  readonly wave: string;
  readonly id: string;
  /** `ou`: no such OU; `account`: no such account; `unreached`: a member the channel's targets do not reach. */
  readonly why: 'ou' | 'account' | 'unreached';
}

/**
 * Each rolling channel's wave OUs and accounts checked against an organization: each wave account must be an account
 * of the organization and among those the channel's targets reach in it (active members of its OUs, named accounts,
 * tagged accounts; exclusions applied, as Share resolves them); each wave OU must be an OU of the organization.
 * Without account tags read, an account a tag might select is only checked for membership.
 */
export function wavesOutside(catalog: Catalog, tree: OrgTree): WaveOutside[] {
  const found: WaveOutside[] = [];
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
      const outside = (kind: 'ous' | 'accounts', k: number, id: string, why: WaveOutside['why']) =>
        found.push({ channel: channel.name, path: [...at, kind, k], wave: wave.name, id, why });
      wave.ous.forEach((ou, k) => {
        if (ou !== tree.rootId && !tree.ous.has(ou)) outside('ous', k, ou, 'ou');
      });
      wave.accounts.forEach((account, k) => {
        if (!tree.accounts.has(account)) outside('accounts', k, account, 'account');
        else if (!(tagged && !tree.tagsRead) && !reached.has(account)) outside('accounts', k, account, 'unreached');
      });
    });
  });
  return found;
}

/**
 * A rollout's waves checked against the organization (`goldsmith validate --local DIR | --scenario FILE`): the
 * catalog alone cannot tell whether an account a wave names by id is a member, nor whether the channel's OUs hold
 * it (wavesOutside). One line per problem, at its field path.
 */
export function rolloutWavesInOrganization(catalog: Catalog, tree: OrgTree, source: string): string[] {
  return wavesOutside(catalog, tree).map((o) =>
    problem(
      o.path,
      o.why === 'ou'
        ? `${o.id} is not an OU of ${source}`
        : o.why === 'account'
          ? `${o.id} is not an account of ${source}`
          : `${o.id} is not among the active accounts channel "${o.channel}"'s targets reach in ${source}`,
    ),
  );
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
