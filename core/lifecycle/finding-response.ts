import { policyBreach } from '../promotion/gate.js';
import type { FindingCounts, VulnerabilityPolicy } from '../promotion/types.js';

/** What Goldsmith does about findings on a version already promoted. */
export interface FindingResponse {
  /** Promoted channels whose policy the findings now break. */
  breached: string[];
  /** The first breach, in words. */
  reason: string | undefined;
  /** Rebuild the image out of cycle: a channel pointer names this version and its channel's policy is broken. */
  rebuild: boolean;
  /** Revoke at once: a breached channel's `revokeOn` names a severity the findings carry. */
  revoke: boolean;
}

/**
 * Decides the response to findings on a promoted version: which channels it breaks, whether it is live (a pointer
 * of a breached channel names it) and so must be rebuilt now, and whether the catalog asks for revocation. Pure.
 */
export function respondToFindings(input: {
  version: string;
  counts: FindingCounts;
  promotedTo: readonly string[];
  channels: readonly { name: string; policy: VulnerabilityPolicy }[];
  pointers: Readonly<Record<string, string>>;
}): FindingResponse {
  const breachedSteps = input.channels.filter(
    (c) => input.promotedTo.includes(c.name) && policyBreach(input.counts, c.policy) !== undefined,
  );
  const first = breachedSteps[0];
  const breached = breachedSteps.map((c) => c.name);
  const rebuild = breached.some((c) => input.pointers[c] === input.version);
  const revoke = breachedSteps.some((c) => (c.policy.revokeOn ?? []).some((severity) => input.counts[severity] > 0));
  return { breached, reason: first ? policyBreach(input.counts, first.policy) : undefined, rebuild, revoke };
}
