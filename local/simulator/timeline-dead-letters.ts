import { failedTransiently } from '../../core/redrive/dead-letters.js';
import type { DeadLetter } from './invoke.js';

/**
 * The timeline's dead-letter lines: which function failed, on which event (source / detail-type and the image and
 * version where the event names them, or the schedule's input), why, and what became of it. A line is printed when
 * it happens, so the rejected line says what happens next as the re-drive decides it (a transient failure is
 * re-driven, a permanent one stays in the queue for a person), and a later line says when the re-drive recovered it.
 */

const minute = (iso: string) => iso.slice(0, 16).replace('T', ' ');

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** The function's name from its ARN (`…:function:start-builds` → `start-builds`). */
export function functionNameOf(arn: string): string {
  const parts = arn.split(':');
  return parts[6] ?? arn;
}

/** The event as a person tells it apart: `aws.ssm / Parameter Store Change (base 1.0.0/2)`, `schedule of base`. */
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
  return 'an event';
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

/** The line for a dead letter its re-drive (or the next run of its schedule) recovered. */
export function recoveredText(d: DeadLetter & { recovered: { at: string; by: string } }): string {
  return `recovered (${d.recovered.by}): ${functionNameOf(d.target)} handled ${eventOf(d.event)}, dead-lettered at ${minute(d.at)}`;
}
