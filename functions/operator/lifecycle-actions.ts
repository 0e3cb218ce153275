import { getRevocation } from '../../aws/lifecycle/promotion-findings.js';
import { announce } from '../../aws/notifications/notifications.js';
import { getChannelPointer } from '../../aws/promotion/channel-pointers.js';
import { listOutcomes } from '../../aws/promotion/promotion-ledger.js';
import {
  listSoaks,
  markSoakEndedEarly,
  type SoakRecord,
  unmarkSoakEndedEarly,
} from '../../aws/promotion/promotion-soaks.js';
import { isTaskGone, sendTaskSuccess } from '../../aws/promotion/stepfunctions.js';
import { soakTaskToken } from '../../aws/promotion/task-tokens.js';
import { isTransient } from '../../core/errors/classify.js';
import { howLongAgo, revocationTiming } from '../../core/lifecycle/scheduled-revocation.js';
import { announcement } from '../../core/notifications/announce.js';
import { compareBuildVersions } from '../../core/promotion/naming.js';
import {
  nothingSoakingText,
  nothingToRollBackText,
  rollbackToNeedsReason,
} from '../../core/promotion/operator-refusals.js';
import type { OperatorRequestOf } from '../../events/operator-request.js';
import { revokeVersion, UnknownVersionError } from '../lifecycle/revoke.js';
import { rollbackChannel } from '../lifecycle/rollback.js';
import { promotionPlans } from '../promotion/plans.js';
import { Refusal } from './refusal.js';
import { scheduleRevocation, supersedeScheduledRevocation } from './scheduled-revoke.js';
import { withdrawalNeedsConsent } from './withdraw-consent.js';

/**
 * The operator's promote, rollback and revoke: each through the path the system itself takes (the Soak state's own
 * task token; the lifecycle's rollbackChannel and revokeVersion), recorded with the caller AWS authenticated.
 */

function busName(): string {
  const name = process.env.EVENT_BUS_NAME;
  if (!name) throw new Error('EVENT_BUS_NAME is not set');
  return name;
}

/** Why a version cannot be promoted in `channel`: a channel at or before it decided against it (a failed gate…). */
async function failedBefore(image: string, version: string, channel: string): Promise<string | undefined> {
  const order = (promotionPlans()[image]?.channels ?? []).map((c) => c.name);
  const upTo = order.slice(0, order.indexOf(channel) + 1);
  const refused = (await listOutcomes(image, version)).find(
    (o) => upTo.includes(o.channel) && o.outcome !== 'promoted',
  );
  return refused
    ? `${version} was ${refused.outcome} for ${refused.channel} (${refused.reason}): promote ends a soak early, it never passes a gate`
    : undefined;
}

/** The one soak the request names: by version, or the only one running in that channel now. */
async function soakFor(request: OperatorRequestOf<'promote'>, now: Date): Promise<SoakRecord> {
  const soaks = await listSoaks(request.image);
  const running = soaks.filter(
    (s) =>
      s.channel === request.channel &&
      s.state === 'soaking' &&
      Date.parse(s.until) > now.getTime() &&
      (request.version === undefined || s.version === request.version),
  );
  const [only] = running;
  if (only !== undefined && running.length === 1) return only;
  if (running.length > 1) {
    const versions = running.map((s) => s.version).join(', ');
    throw new Refusal(409, `several versions of ${request.image} soak in ${request.channel} (${versions}): name one`);
  }
  const newest = soaks
    .map((s) => s.version)
    .sort(compareBuildVersions)
    .at(-1);
  const version = request.version ?? newest;
  const failed = version ? await failedBefore(request.image, version, request.channel) : undefined;
  if (failed) throw new Refusal(409, failed);
  throw new Refusal(404, nothingSoakingText(request.image, request.version, request.channel));
}

/**
 * `promote IMAGE CHANNEL`: ends the channel's running soak now. The decision is recorded first (the soak marked
 * ended early, by whom, once), then the Soak state's token is answered; SoakCheck, Share and Publish still run,
 * so a gate the version fails still stops it. If Step Functions cannot take the answer, the mark is undone.
 */
export async function promote(request: OperatorRequestOf<'promote'>, caller: string, at: Date) {
  const soak = await soakFor(request, at);
  const when = at.toISOString();
  if (!(await markSoakEndedEarly(soak, caller, when, request.reason))) {
    throw new Refusal(409, `the soak of ${soak.version} in ${soak.channel} ended meanwhile`);
  }
  try {
    await sendTaskSuccess(await soakTaskToken(soak, at), { endedEarly: true, by: caller, at: when });
  } catch (error) {
    await unmarkSoakEndedEarly(soak, when);
    if (isTransient(error)) throw new Refusal(503, 'Step Functions is unavailable: try again, nothing changed');
    if (isTaskGone(error)) {
      throw new Refusal(409, `the soak of ${soak.version} in ${soak.channel} had already ended`);
    }
    throw error;
  }
  // Announced once the Soak state took the answer (never before: an undone mark announced nothing).
  await announce(
    announcement(
      'soak-ended-early',
      { image: soak.image, version: soak.version, channel: soak.channel },
      { until: soak.until, by: caller, ...(request.reason ? { reason: request.reason } : {}) },
      // A resumed promotion soaks again: each soak's early end is its own announcement.
      { at: when, key: soak.startedAt },
    ),
  );
  return { image: soak.image, version: soak.version, channel: soak.channel, soakEndedEarly: true, by: caller };
}

/**
 * `rollback IMAGE CHANNEL [--to V --reason R]`: the channel's pointer to V, older or newer (default: the newest earlier
 * one). Naming V is a choice made for a reason, recorded and announced: refused without one, before anything is read.
 */
export async function rollback(request: OperatorRequestOf<'rollback'>, caller: string, at: Date) {
  if (request.version !== undefined && request.reason === undefined) {
    throw new Refusal(400, `reason: ${rollbackToNeedsReason}; nothing moved`);
  }
  const pointer = await getChannelPointer(request.image, request.channel);
  if (!pointer) throw new Refusal(404, nothingToRollBackText(request.image, request.channel));
  const result = await rollbackChannel(
    {
      image: request.image,
      channel: request.channel,
      from: pointer.version,
      to: request.version,
      reason: request.reason ?? 'operator rollback',
      by: caller,
      at,
    },
    promotionPlans(),
  );
  if (result.outcome === 'refused') throw new Refusal(409, result.reason);
  return { ...result, by: caller };
}

/**
 * `revoke IMAGE VERSION --reason R [--at T]`: the lifecycle's revocation, now (T absent, or within a few minutes
 * before now: core/lifecycle/scheduled-revocation.ts); a repeat finishes what is left, announced once; a revocation
 * of the version scheduled for later is superseded (its schedule deleted). T later than now: scheduled for T
 * (scheduled-revoke.ts). T further in the past is refused, naming the field, and nothing is revoked.
 */
export async function revoke(request: OperatorRequestOf<'revoke'>, caller: string, at: Date) {
  const timing = revocationTiming(request.at, at);
  if (timing.kind === 'later') return scheduleRevocation(request, caller, timing.due, at);
  if (timing.kind === 'past') {
    throw new Refusal(
      400,
      `at: ${request.at} is ${howLongAgo(timing.behindMs)} before now (${at.toISOString()}): a revocation is never ` +
        'back-dated; to revoke at once, leave out --at or say --now. Nothing was revoked.',
    );
  }
  try {
    const result = await revokeVersion(
      {
        image: request.image,
        version: request.version,
        reason: request.reason,
        by: caller,
        at,
        refuseWithdrawal: request.withdraw !== true,
      },
      promotionPlans(),
      busName(),
    );
    if (result.wouldWithdraw) {
      throw withdrawalNeedsConsent(request, result.wouldWithdraw, result.revokedBefore ? 'finish' : 'now');
    }
    if (result.restoredSince) {
      throw new Refusal(
        409,
        `${request.image} ${request.version} was restored at ${result.restoredSince} from a revocation at or after this request's time (${at.toISOString()}): nothing was revoked; run the revoke again`,
      );
    }
    // A repeat finishes what is left but keeps the first revocation's record: say whose it is, and that this
    // request's reason was not recorded, rather than drop it silently.
    const first = result.firstTime ? undefined : await getRevocation(request.image, request.version);
    const superseded = await supersedeScheduledRevocation(request.image, request.version);
    return {
      image: result.image,
      version: result.version,
      by: caller,
      alreadyRevoked: !result.firstTime,
      ...(timing.takenAsNow ? { atTakenAsNow: timing.takenAsNow } : {}),
      ...(first
        ? {
            note: `already revoked${first.by ? ` by ${first.by}` : ''} at ${first.revokedAt ?? first.at}: ${first.reason}; this request's reason was not recorded`,
          }
        : {}),
      amis: result.amis,
      moves: result.moves,
      rebuild: result.rebuild,
      ...(superseded ? { supersededSchedule: superseded } : {}),
    };
  } catch (error) {
    if (error instanceof UnknownVersionError)
      throw new Refusal(404, `unknown version ${request.version} of ${request.image}`);
    throw error;
  }
}
