import { failedTransiently } from '../../core/redrive/dead-letters.js';
import type { DeadLetter } from './invoke.js';
import { FINISHED_BY_RECONCILER, GIVEN_UP_AND_ANNOUNCED } from './reissued-work.js';

/**
 * The timeline's dead-letter lines: which function failed, on which event (source / detail-type and the image and
 * version where the event names them, or the schedule's input), why, and what became of it. A line is printed when
 * it happens, so the rejected line says what happens next as the re-drive decides it (a transient failure is
 * re-driven, a permanent one stays in the queue for a person), and a later line says when the re-drive recovered it.
 */

const minute = (iso: string) => iso.slice(0, 16).replace('T', ' ');

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The function's name from its ARN (`…:function:start-builds` → `start-builds`), without the 8-character hash the
 * synthesized logical id ends in (`StartBuilds663C8AF0` → `StartBuilds`).
 */
export function functionNameOf(arn: string): string {
  const name = arn.split(':')[6] ?? arn;
  return name.replace(/(?<=[a-z])[0-9A-F]{8}$/, '');
}

/**
 * The event as a person tells it apart: `aws.ssm / Parameter Store Change (base 1.0.0/2)`, `the schedule of base for
 * 2027-01-14T03:00:00Z`, `the input {"reconcile":"image-builds","windowDays":7}`.
 */
export function eventOf(event: unknown): string {
  if (typeof event !== 'object' || event === null) return 'an event';
  const e = event as Record<string, unknown>;
  const detail = (typeof e.detail === 'object' && e.detail !== null ? e.detail : {}) as Record<string, unknown>;
  const subject = [text(detail.image) ?? text(detail.imageName), text(detail.version)].filter(Boolean).join(' ');
  const about = subject ? ` (${subject})` : '';
  const source = text(e.source);
  const detailType = text(e['detail-type']);
  if (source && detailType) return `${source} / ${detailType}${about}`;
  if (Array.isArray(e.Records)) return 'an SNS message';
  const image = text(e.image);
  if (image) return `the schedule of ${image}${text(e.window) ? ` for ${text(e.window)}` : ''}`;
  // A schedule's fixed input (the reconciler's, the re-drive's…): what it says is what tells it apart.
  const json = JSON.stringify(e);
  return `the input ${json.length > 80 ? `${json.slice(0, 79)}…` : json}`;
}

/** The line for a dead letter: the function, the event, the error, and what the re-drive does with it. */
export function deadLetterText(d: DeadLetter): string {
  const fate = failedTransiently({
    target: d.target,
    payload: d.event,
    error: d.errorType,
    message: d.errorMessage,
    via: 'lambda-destination',
  })
    ? 'the re-drive will retry it (a transient failure)'
    : 'kept in the queue for a person (not a transient failure)';
  return `dead-lettered: ${functionNameOf(d.target)} failed on ${eventOf(d.event)} after Lambda's retries (${d.reason}); ${fate}`;
}

/** The line for a dead letter its re-drive (or the next run of its schedule, or the reconciler) recovered. */
export function recoveredText(d: DeadLetter & { recovered: { at: string; by: string } }): string {
  const how = d.recovered.by.startsWith('re-driven')
    ? 're-driven and recovered'
    : d.recovered.by === FINISHED_BY_RECONCILER
      ? `recovered by ${FINISHED_BY_RECONCILER}`
      : d.recovered.by === GIVEN_UP_AND_ANNOUNCED
        ? GIVEN_UP_AND_ANNOUNCED
        : `recovered by a later delivery (${d.recovered.by})`;
  return `${how}: ${functionNameOf(d.target)} handled ${eventOf(d.event)}, dead-lettered at ${minute(d.at)}`;
}
