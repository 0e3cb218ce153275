import { policyBreach } from '../promotion/gate.js';
import type { FindingCounts, VulnerabilityPolicy } from '../promotion/types.js';

type Severity = keyof FindingCounts;

/** What Goldsmith does about findings on a version already promoted. */
export interface FindingResponse {
  /** Promoted channels whose `max*` the findings now break. */
  breached: string[];
  /** Promoted channels whose `revokeOn` names a severity of a finding that just arrived. */
  revokedOn: string[];
  /** The channels the revocation request names: breached or revoked on, in catalog order. */
  channels: string[];
  /** Why, in words: the first `revokeOn` match, else the first breach; undefined when nothing is to be done. */
  reason: string | undefined;
  /** Rebuild the image out of cycle: a pointer of one of `channels` names this version. */
  rebuild: boolean;
  /** Revoke at once: a promoted channel's `revokeOn` names a severity a new finding carries. */
  revoke: boolean;
}

const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'other'];

/** Counts in words, most severe first: `1 critical, 2 high` (`none` when there are none). */
export function countsText(counts: FindingCounts): string {
  const parts = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/**
 * Decides the response to findings on a promoted version. `arrived` counts the findings this event brought, `counts`
 * every finding the version has now. A channel's `max*` is about promoting: a version over it is asked to be revoked
 * and, if live, rebuilt. `revokeOn` is about what is already out: a new finding of a severity it names revokes the
 * version from that channel at once, whatever `max*` allows (docs/catalog.md). Pure.
 */
export function respondToFindings(input: {
  version: string;
  arrived: FindingCounts;
  counts: FindingCounts;
  promotedTo: readonly string[];
  channels: readonly { name: string; policy: VulnerabilityPolicy }[];
  pointers: Readonly<Record<string, string>>;
}): FindingResponse {
  const promoted = input.channels.filter((c) => input.promotedTo.includes(c.name));
  const breachedSteps = promoted.filter((c) => policyBreach(input.counts, c.policy) !== undefined);
  const revokedOnSteps = promoted.filter((c) => revokeOnMatch(c.policy, input.arrived) !== undefined);
  const breached = breachedSteps.map((c) => c.name);
  const revokedOn = revokedOnSteps.map((c) => c.name);
  const channels = promoted.map((c) => c.name).filter((c) => breached.includes(c) || revokedOn.includes(c));
  const firstRevokeOn = revokedOnSteps[0];
  const firstBreach = breachedSteps[0];
  const reason = firstRevokeOn
    ? `${revokeOnMatch(firstRevokeOn.policy, input.arrived)}; ${firstRevokeOn.name}'s revokeOn names ${severityOf(firstRevokeOn.policy, input.arrived)}`
    : firstBreach
      ? policyBreach(input.counts, firstBreach.policy)
      : undefined;
  return {
    breached,
    revokedOn,
    channels,
    reason,
    rebuild: channels.some((c) => input.pointers[c] === input.version),
    revoke: revokedOn.length > 0,
  };
}

/** The most severe severity `revokeOn` names that a new finding carries. */
function severityOf(policy: VulnerabilityPolicy, arrived: FindingCounts): Severity | undefined {
  return SEVERITIES.find((s) => s !== 'low' && s !== 'other' && (policy.revokeOn ?? []).includes(s) && arrived[s] > 0);
}

/** `1 new critical finding`, for the severity `revokeOn` names that arrived; undefined when none did. */
function revokeOnMatch(policy: VulnerabilityPolicy, arrived: FindingCounts): string | undefined {
  const severity = severityOf(policy, arrived);
  if (severity === undefined) return undefined;
  const n = arrived[severity];
  return `${n} new ${severity} finding${n === 1 ? '' : 's'}`;
}

/**
 * What was done about findings that arrived on `subject`, for its `history` line: revoked, revocation requested
 * (with the command that carries it out: a request waits for a person), rebuild asked, or nothing (within policy,
 * or promoted nowhere). `standing`: the version's revocation as recorded before, when one was (no request is recorded
 * over it: requested already, revoked, or restored after a revocation).
 */
export function findingOutcomeText(
  response: FindingResponse | undefined,
  revoked: boolean,
  subject: { image: string; version: string },
  standing?: 'requested' | 'revoked' | 'restored',
): string {
  if (response === undefined) return 'not promoted to any channel: recorded, nothing done';
  if (response.reason === undefined) return 'within policy, nothing done';
  const rebuild = response.rebuild ? ', rebuild asked' : '';
  const channels = response.channels.join(', ');
  if (revoked) return `revoked (${response.revokedOn.join(', ')}: revokeOn)${rebuild}`;
  if (standing === 'revoked') return `revoked already, nothing requested${rebuild}`;
  if (standing === 'restored') {
    return `no revocation requested (${channels}): it was restored after a revocation${rebuild}: ${revokeCommand(subject)} revokes it again`;
  }
  const requested = standing === 'requested' ? 'revocation requested already' : 'revocation requested';
  return `${requested} (${channels})${rebuild}: ${revokeCommand(subject)} carries the revocation out`;
}

/** The operator's command that carries out a requested revocation (`goldsmith revoke`, cli/operator). */
export function revokeCommand(subject: { image: string; version: string }): string {
  return `goldsmith revoke ${subject.image} ${subject.version} --reason R`;
}
