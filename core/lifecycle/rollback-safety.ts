import { revokeCommand } from './finding-response.js';

/**
 * What a channel's gates would say today about a version an operator's rollback (either way) would point the channel
 * at: the facts read where the rollback decides (functions/lifecycle/rollback.ts), none of which stopped the version
 * when it was first promoted.
 */
export interface RollbackTargetFacts {
  image: string;
  channel: string;
  version: string;
  /** Its lineage hold (aws/lifecycle/lineage-holds.ts): built on a revoked or rejected parent, or flagged. */
  hold?: string | undefined;
  /** A revocation asked for since (`REVOCATION#` in state `requested`: findings broke a channel's policy). */
  requested?: { reason: string } | undefined;
  /** A revocation scheduled for later and not called off (`REVOKE-AT#`). */
  scheduled?: { dueAt: string; reason: string } | undefined;
  /**
   * How its findings now break the channel's policy as the catalog says it now (core/promotion/gate.ts `policyBreach`),
   * or why they cannot be read.
   */
  breach?: string | undefined;
}

/**
 * Why the channel may not be pointed at the version, one line naming the way out, or undefined when nothing the
 * gates, a soak check or an approval would refuse it for today stands. Pure.
 */
export function unsafeRollbackTarget(f: RollbackTargetFacts): string | undefined {
  const { image, channel, version } = f;
  if (f.hold) {
    return (
      `${version} is held by its lineage (${f.hold}): a held version goes on no channel again; its replacement ` +
      `is promoted instead (goldsmith history ${image} shows where it stands), or goldsmith build ${image}`
    );
  }
  if (f.requested) {
    return (
      `${version} has a revocation requested (${f.requested.reason}): ${revokeCommand({ image, version })} ` +
      `carries it out; a fixed version comes from goldsmith build ${image} through ${channel}'s gates`
    );
  }
  if (f.scheduled) {
    return (
      `${version} is due to be revoked at ${f.scheduled.dueAt} (${f.scheduled.reason}): ` +
      `goldsmith revoke ${image} ${version} --cancel --reason R calls that off first`
    );
  }
  if (f.breach) {
    return (
      `${version} fails ${channel}'s vulnerability policy now (${f.breach}): goldsmith build ${image} makes a ` +
      `patched version, which reaches ${channel} through its gates`
    );
  }
  return undefined;
}
