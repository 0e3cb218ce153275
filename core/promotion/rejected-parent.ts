/**
 * A version rejected for a channel does not reach that channel through the versions built on it. An approver's
 * rejection of a parent version at channel C holds, at C, every version whose recorded lineage names it (the parent
 * it was built on, or any ancestor further up): Gate, SoakCheck, Publish and an approval's delivery refuse them there,
 * as they refuse a version built on a revoked parent. Only a person's rejection holds: not a gate's (the child's own
 * findings are its own gate's business), not an expired approval (nobody decided), and not a rejection a later
 * promotion of the same parent version at C overtook (its outcome there is `promoted`). Other channels are not held.
 */

/** What the ledger records about one ancestor version at the channel asked about. */
export interface AncestorStanding {
  image: string;
  version: string;
  /** The approval's decision at the channel (`decision` on `APPROVAL#<version>#<channel>`), with who and why. */
  decision?: 'approve' | 'reject' | undefined;
  by?: string | undefined;
  reason?: string | undefined;
  /** The channel's recorded outcome (`outcome` on `PROMOTION#<version>#<channel>`), if one is. */
  outcome?: string | undefined;
}

/** "built on os-base 1.0.0/2, rejected for prod by sec-oncall: CHG-2001". */
export function rejectedParentText(parent: AncestorStanding, channel: string): string {
  const why = parent.reason ? `: ${parent.reason}` : '';
  return `built on ${parent.image} ${parent.version}, rejected for ${channel} by ${parent.by ?? 'an approver'}${why}`;
}

/** Whether an ancestor's standing at the channel holds its descendants there. Pure. */
export function rejectedThere(standing: AncestorStanding): boolean {
  return standing.decision === 'reject' && standing.outcome !== 'promoted';
}

/**
 * Why a version is held at `channel` by a rejected ancestor, or undefined. `ancestors` is its parent first, then the
 * parent's parent…, as the recorded lineage names them. The nearest rejected ancestor is named; a farther one names
 * the parent it came through. Pure.
 */
export function rejectedAncestorHold(ancestors: readonly AncestorStanding[], channel: string): string | undefined {
  const parent = ancestors[0];
  for (const [depth, ancestor] of ancestors.entries()) {
    if (!rejectedThere(ancestor)) continue;
    const through = depth > 0 && parent ? ` (through ${parent.image} ${parent.version})` : '';
    return `held: ${rejectedParentText(ancestor, channel)}${through}`;
  }
  return undefined;
}

/**
 * How the parent version a build was made on stands at a channel, for the approval request: "approved for prod",
 * "rejected for prod by sec-oncall: CHG-2001", "not yet decided for prod". Pure.
 */
export function parentStandingText(parent: AncestorStanding, channel: string): string {
  if (parent.outcome === 'promoted') return `promoted to ${channel}`;
  if (rejectedThere(parent))
    return `rejected for ${channel} by ${parent.by ?? 'an approver'}${parent.reason ? `: ${parent.reason}` : ''}`;
  if (parent.outcome) return `${parent.outcome} at ${channel}`;
  return `not yet promoted to ${channel}`;
}
