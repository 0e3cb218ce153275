import { GoldsmithError } from '../errors.js';

/**
 * Whether a channel pointer took. Parameter Store answers PutParameter of an `aws:ec2:image` value with a version
 * before it validates the value, with the caller's own ec2:DescribeImages, and when validation fails the parameter
 * is not created or updated (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-ec2-aliases.html,
 * "A parameter version number might be generated before the validation operation is complete";
 * https://github.com/aws/aws-sdk-java/issues/2919). So a pointer move is recorded only from GetParameter's answer.
 */

/** The Step Functions error name of a pointer that has not taken (yet): Publish's own retrier waits it out. */
export const POINTER_NOT_TAKEN = 'Goldsmith.PointerNotTaken';

/**
 * Publish's retrier for {@link POINTER_NOT_TAKEN}, apart from the transient one: validation takes seconds when it
 * succeeds and never succeeds without the permission, so a few attempts over about five minutes (10 s doubling:
 * 10 + 20 + 40 + 80 + 160 s) tell the two apart; then the promotion pauses (core/promotion/resume.ts).
 */
export const POINTER_RETRY = { intervalSeconds: 10, backoffRate: 2, maxAttempts: 5 } as const;

/**
 * How long Publish and the pointer audit wait before each read-back within one invocation, before they give the step
 * back to its retries: 2.5 + 1.5 + 3.5 s. AWS documents no figure for the validation ("validated asynchronously",
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-data-types.html; it takes seconds), and
 * a value still being validated is not in GetParameter's answer: a read sooner than a few seconds after PutParameter
 * costs a call and proves nothing, so the first read waits for a validation of a few seconds to have ended.
 */
export const POINTER_READ_BACK_WAITS_MS = [2_500, 1_500, 3_500] as const;

/** One region's pointer as GetParameter answered it (undefined: the parameter does not exist). */
export interface PointerRead {
  value: string;
  version: number;
}

/**
 * True when the parameter holds `value` at `written` or a later version. Without `written` (nothing was written this
 * attempt: a retry that found the value already there) the value alone proves it.
 */
export function pointerTook(read: PointerRead | undefined, value: string, written?: number): boolean {
  if (!read || read.value !== value) return false;
  return written === undefined || read.version >= written;
}

/** The pointers that did not take, one line each: region, what it should say, what it says. */
export interface NotTaken {
  region: string;
  parameter: string;
  wanted: string;
  holds: string | undefined;
}

/**
 * Pointers Parameter Store has not taken: retried by Publish's own retrier, then the promotion pauses. A lifecycle
 * move (rollback, revocation) throws it too, and its caller's retry finishes the move.
 */
export class PointerNotTakenError extends GoldsmithError {
  constructor(readonly regions: readonly NotTaken[]) {
    super(
      `${regions.map((r) => `${r.parameter} in ${r.region} still holds ${r.holds ?? 'nothing'}, not ${r.wanted}`).join('; ')}: ` +
        'Parameter Store has not taken the write (it validates an AMI value later, with the writer role’s ' +
        'ec2:DescribeImages; a failed validation changes nothing)',
    );
    this.name = POINTER_NOT_TAKEN;
  }
}

/** The recorded reason for a promotion paused because its pointer did not take, with the runbook. */
export function pointerPauseReason(failed: string, image: string, version: string): string {
  return (
    `${failed} — paused after ${POINTER_RETRY.maxAttempts + 1} attempts; check that the Publish role holds ` +
    `ec2:DescribeImages and the AMI exists in that Region, then: goldsmith resume ${image} ${version}`
  );
}
