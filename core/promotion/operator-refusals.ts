import { type BreakerState, breakerSkipReason } from '../triggers/breaker.js';

/**
 * The words of the operator endpoint's refusals that the CLI can also say from a saved ledger before it sends (or
 * replays) anything: one definition, so a refusal reads the same whichever answers it. Pure.
 */

const which = (version: string | undefined) => (version ? ` ${version}` : '');

/** `approve`/`reject` with nothing undecided waiting in the channel. */
export const nothingWaitingText = (image: string, version: string | undefined, channel: string): string =>
  `nothing of ${image}${which(version)} is waiting for approval in ${channel}`;

/** `promote` with no soak running in the channel. */
export const nothingSoakingText = (image: string, version: string | undefined, channel: string): string =>
  `nothing of ${image}${which(version)} is soaking in ${channel}`;

/** `rollback` of a channel whose pointer names nothing. */
export const nothingToRollBackText = (image: string, channel: string): string =>
  `${image}/${channel} names no version: nothing to roll back`;

/** `rollback --to V` without `--reason R`: the reason is recorded and announced with the move. */
export const rollbackToNeedsReason =
  'rollback --to VERSION needs --reason R (it is recorded and announced with the move)';

/** `build` of an image whose builds the circuit breaker paused, or undefined when they are not paused. */
export function buildsPausedText(image: string, breaker: BreakerState | undefined): string | undefined {
  const paused = breakerSkipReason(image, breaker);
  return paused ? `${image}: ${paused}` : undefined;
}
