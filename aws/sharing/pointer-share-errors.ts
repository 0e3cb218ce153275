import { TransientError } from '../../core/errors/classify.js';
import { GoldsmithError } from '../../core/errors.js';

/** What sharing a channel pointer through RAM can fail with (aws/sharing/ram.ts). */

/**
 * RAM has not finished associating a principal or the parameter yet: transient (named as core's error table names
 * transient errors, so the state machine's Retry waits and Publish looks again).
 */
export class PointerShareNotReadyError extends TransientError {}

/** RAM refused an association (FAILED): permanent, the promotion stops with RAM's reason. */
export class PointerShareFailedError extends GoldsmithError {
  constructor(message: string) {
    super(message);
    this.name = 'PointerShareFailed';
  }
}

/** A share of that name exists but is not one Goldsmith created closed to external principals: nothing is changed. */
export class ForeignPointerShareError extends GoldsmithError {
  constructor(message: string) {
    super(message);
    this.name = 'ForeignPointerShare';
  }
}
