import { listBuilds } from '../../aws/lifecycle/lifecycle-ledger.js';
import { getRevocation } from '../../aws/lifecycle/promotion-findings.js';
import { createRevocationSchedule, deleteRevocationSchedule } from '../../aws/lifecycle/revocation-schedules.js';
import {
  getScheduledRevocation,
  markScheduledRevocationCancelled,
  markScheduledRevocationSuperseded,
  recordScheduledRevocation,
  type ScheduledRevocation,
} from '../../aws/lifecycle/scheduled-revocations.js';
import { announce } from '../../aws/notifications/notifications.js';
import {
  atExpression,
  compareRepeat,
  revocationScheduleName,
  supersededBy,
} from '../../core/lifecycle/scheduled-revocation.js';
import { announcement } from '../../core/notifications/announce.js';
import type { ImageRevokedEvent } from '../../events/image-revoked.js';
import type { OperatorRequestOf } from '../../events/operator-request.js';
import { DETAIL_TYPES, GOLDSMITH_SOURCE } from '../../events/sources.js';
import { Refusal } from './refusal.js';
import { requireWithdrawConsent } from './withdraw-consent.js';

/** The account an Image Builder ARN names (`arn:aws:imagebuilder:<region>:<account>:image/…`). */
const accountOf = (arn: string) => arn.split(':')[4] ?? '';

/**
 * The "Image Revoked" event on-lifecycle-request receives at `due`: what it would receive from Goldsmith's bus, with
 * the caller as `by` and the due time as `revokedAt`. Its id is the schedule's name and time, so it is the same
 * event however often the request is repeated. `channels` is empty: which channels move is decided at `due`.
 */
export function scheduledRevocationEvent(
  request: { image: string; version: string; reason: string },
  buildVersionArn: string,
  by: string,
  due: Date,
): ImageRevokedEvent {
  const revokedAt = new Date(Math.floor(due.getTime() / 1000) * 1000).toISOString();
  return {
    version: '0',
    id: `${revocationScheduleName(request.image, request.version)}@${revokedAt}`,
    source: GOLDSMITH_SOURCE,
    'detail-type': DETAIL_TYPES.imageRevoked,
    account: accountOf(buildVersionArn),
    time: revokedAt,
    region: buildVersionArn.split(':')[3] ?? '',
    resources: [buildVersionArn],
    detail: {
      image: request.image,
      version: request.version,
      buildVersionArn,
      channels: [],
      reason: request.reason,
      by,
      revokedAt,
    },
  };
}

/**
 * `revoke IMAGE VERSION --reason R --at T` with T later than now: a one-time EventBridge Scheduler schedule invokes
 * on-lifecycle-request with "Image Revoked" at T (the revocation on-lifecycle-request already carries out,
 * idempotently); the request is recorded (`REVOKE-AT#`) and announced. A repeat for the same time answers
 * `alreadyScheduled`; for another time it is refused and nothing changes. Until T the version stays as it is.
 */
export async function scheduleRevocation(request: OperatorRequestOf<'revoke'>, caller: string, due: Date, now: Date) {
  const build = (await listBuilds(request.image)).find((b) => b.version === request.version);
  if (!build) throw new Refusal(404, `unknown version ${request.version} of ${request.image}`);
  if (!build.buildVersionArn) throw new Refusal(409, `${request.image} ${request.version} has no Image Builder build`);
  const revoked = await getRevocation(request.image, request.version);
  if (revoked?.state === 'revoked') {
    throw new Refusal(
      409,
      `${request.image} ${request.version} was already revoked at ${revoked.revokedAt ?? revoked.at}`,
    );
  }
  // The version's scheduled revocation as recorded (nothing below writes it before recordScheduledRevocation): a new
  // schedule only is checked for consent; a repeat of one still to come, or a request for another time, gets the
  // answers below; one cancelled, superseded (the version revoked at once before its time) or past is no consent.
  const scheduled = await getScheduledRevocation(request.image, request.version);
  const pending =
    scheduled && !scheduled.cancelledAt && !scheduled.supersededAt && Date.parse(scheduled.dueAt) > now.getTime();
  if (!pending) await requireWithdrawConsent(request);
  const name = revocationScheduleName(request.image, request.version);
  const event = scheduledRevocationEvent(request, build.buildVersionArn, caller, due);
  const dueAt = event.detail.revokedAt;
  const created = await createRevocationSchedule({
    name,
    expression: atExpression(due),
    description: `Goldsmith: revoke ${request.image} ${request.version} (${request.reason})`.slice(0, 512),
    input: JSON.stringify(event),
  });
  if (!created.created) {
    const repeat = compareRepeat(created.existingExpression, due);
    if (repeat.kind === 'different') {
      throw new Refusal(
        409,
        scheduled?.cancelledAt
          ? `the revocation of ${request.image} ${request.version} at ${repeat.existing} was cancelled but its schedule is still there: run revoke --cancel again, then schedule ${dueAt}; nothing changed`
          : `${request.image} ${request.version} is already scheduled for revocation at ${repeat.existing}: not moved to ${dueAt}, nothing changed`,
      );
    }
  }
  const requestedAt = now.toISOString();
  // Each scheduling and each cancelling is announced anew, even for a time scheduled before.
  const repeat = (scheduled?.cancelledBefore?.length ?? 0) + (scheduled?.cancelledAt ? 1 : 0);
  await recordScheduledRevocation(
    {
      image: request.image,
      version: request.version,
      reason: request.reason,
      by: caller,
      requestedAt,
      dueAt,
      schedule: name,
    },
    // A revocation of this version scheduled and cancelled before is replaced, and kept in `cancelledBefore`.
    scheduled?.cancelledAt ? scheduled : undefined,
  );
  // Announced on every answer: the announcement's id (event, version, due time) lets SNS subscribers see it once.
  await announce(
    announcement(
      'revocation-scheduled',
      { image: request.image, version: request.version },
      { reason: request.reason, due: dueAt, by: caller },
      { at: requestedAt, key: `revoke-at:${dueAt}${repeat > 0 ? `:${repeat}` : ''}` },
    ),
  );
  return {
    image: request.image,
    version: request.version,
    by: caller,
    scheduledFor: dueAt,
    schedule: name,
    alreadyScheduled: !created.created,
  };
}

/** How close to its time a scheduled revocation may still be cancelled: its firing must find the cancellation. */
export const CANCEL_MARGIN_MS = 60_000;

/**
 * `revoke IMAGE VERSION --cancel`: cancels a revocation asked for a later time, up to a minute before it is due. The
 * ledger says cancelled first, then the schedule is deleted (only if it is still the one for that time): a schedule
 * that fires in between finds its revocation cancelled and on-lifecycle-request revokes nothing. Announced once per
 * cancellation. A repeat answers `alreadyCancelled` and finishes what an interrupted one left (the deletion, the
 * announcement); nothing scheduled, a version already revoked, or a revocation due within the minute is refused and
 * nothing changes.
 */
export async function cancelScheduledRevocation(
  request: OperatorRequestOf<'cancel-revocation'>,
  caller: string,
  now: Date,
) {
  const scheduled = await getScheduledRevocation(request.image, request.version);
  if (!scheduled) throw new Refusal(404, `no revocation of ${request.image} ${request.version} is scheduled`);
  if (!scheduled.cancelledAt) {
    const revoked = await getRevocation(request.image, request.version);
    if (revoked?.state === 'revoked') {
      throw new Refusal(
        409,
        `${request.image} ${request.version} was already revoked at ${revoked.revokedAt ?? revoked.at}: nothing to cancel`,
      );
    }
    if (Date.parse(scheduled.dueAt) - now.getTime() < CANCEL_MARGIN_MS) {
      throw new Refusal(
        409,
        `the revocation of ${request.image} ${request.version} is due at ${scheduled.dueAt}: too late to cancel (its schedule fires within the minute, or has), nothing changed`,
      );
    }
    const cancelledAt = now.toISOString();
    const marked = await markScheduledRevocationCancelled(request.image, request.version, scheduled.dueAt, {
      by: caller,
      at: cancelledAt,
      reason: request.reason,
    });
    if (!marked) {
      throw new Refusal(
        409,
        `the scheduled revocation of ${request.image} ${request.version} changed meanwhile: ask again`,
      );
    }
    await finishCancel({ ...scheduled, cancelledAt, cancelledBy: caller, cancelReason: request.reason });
    return answer(scheduled, caller, false);
  }
  await finishCancel(scheduled);
  return answer(scheduled, scheduled.cancelledBy ?? caller, true);
}

function answer(scheduled: ScheduledRevocation, by: string, alreadyCancelled: boolean) {
  return {
    image: scheduled.image,
    version: scheduled.version,
    by,
    cancelled: scheduled.dueAt,
    schedule: scheduled.schedule,
    alreadyCancelled,
  };
}

/**
 * What follows the ledger's cancellation, safe to repeat: the schedule deleted if it is still the one for the
 * cancelled time (never a schedule made since for another), and the cancellation announced (its id is fixed by when
 * it was cancelled, so a repeat publishes nothing new).
 */
async function finishCancel(scheduled: ScheduledRevocation): Promise<void> {
  const cancelledAt = scheduled.cancelledAt ?? '';
  await deleteRevocationSchedule(scheduled.schedule, atExpression(new Date(scheduled.dueAt)));
  await announce(
    announcement(
      'revocation-cancelled',
      { image: scheduled.image, version: scheduled.version },
      {
        due: scheduled.dueAt,
        by: scheduled.cancelledBy ?? '',
        ...(scheduled.cancelReason ? { reason: scheduled.cancelReason } : {}),
      },
      { at: cancelledAt, key: `revoke-at-cancelled:${scheduled.dueAt}:${cancelledAt}` },
    ),
  );
}

/**
 * After `revoke` without `--at` (or a repeat of it): a revocation of the same version scheduled for later is
 * superseded. The ledger says so first (status and history read it), then its schedule is deleted if it still fires
 * at that time; a schedule that fires in between finds the version revoked earlier and revokes nothing
 * (on-lifecycle-request). Safe to repeat: a repeat finishes an interrupted deletion.
 * @returns the superseded revocation's due time, or undefined when none was scheduled for after the revocation.
 */
export async function supersedeScheduledRevocation(image: string, version: string): Promise<string | undefined> {
  const scheduled = await getScheduledRevocation(image, version);
  const superseded = supersededBy(scheduled, await getRevocation(image, version));
  if (!scheduled || !superseded) return undefined;
  if (!scheduled.supersededAt) await markScheduledRevocationSuperseded(image, version, scheduled.dueAt, superseded);
  await deleteRevocationSchedule(scheduled.schedule, atExpression(new Date(scheduled.dueAt)));
  return scheduled.dueAt;
}
