import { recordDrift } from '../../aws/audit/audit-ledger.js';
import type { DecisionsAndRevocations } from '../../aws/audit/image-decisions.js';
import { listBuilds, listRevocations, queryPrefix } from '../../aws/lifecycle/lifecycle-ledger.js';
import { invokeLifecycleRequest } from '../../aws/lifecycle/lifecycle-requests.js';
import { readRevocationSchedule } from '../../aws/lifecycle/revocation-schedules.js';
import {
  closeScheduledRevocation,
  openScheduledRevocations,
  type ScheduledRevocation,
} from '../../aws/lifecycle/scheduled-revocations.js';
import {
  needsScheduleRead,
  revocationDriftSk,
  type ScheduleState,
  scheduledRevocationAction,
} from '../../core/audit/scheduled-revocations.js';
import { atExpression } from '../../core/lifecycle/scheduled-revocation.js';
import { logger } from '../lib/powertools.js';
import type { ReadOnce } from '../lib/read-once.js';
import { scheduledRevocationEvent } from '../operator/scheduled-revoke.js';
import { type AuditPart, announceFinding, emptyPart, failed, messageOf } from './report.js';

/** What GetSchedule answers, as the comparison reads it. */
async function scheduleState(r: ScheduledRevocation): Promise<ScheduleState> {
  const schedule = await readRevocationSchedule(r.schedule);
  if (!schedule) return 'absent';
  if (schedule.expression !== atExpression(new Date(r.dueAt))) return 'other-time';
  return schedule.state === 'ENABLED' ? 'present' : 'disabled';
}

const SCHEDULE_SAYS: Record<Exclude<ScheduleState, 'present'>, string> = {
  absent: 'no schedule (deleted)',
  'other-time': 'a schedule firing at another time',
  disabled: 'a disabled schedule',
};

/**
 * Revocations asked for a later time survive their schedule. Every uncancelled `REVOKE-AT#` of every image is
 * compared with the ledger's revocations and, while still to come, with its schedule (GetSchedule):
 * - due at least an hour ago and not revoked (its schedule deleted or disabled, so it never fired): carried out now
 *   through the very path its schedule takes — the same "Image Revoked" event, same id, handed to
 *   on-lifecycle-request asynchronously — which revokes idempotently with the ledger's reason and requester;
 * - still to come but its schedule is gone, disabled or moved: recorded, announced (critical) and counted for the
 *   alarm, so a person re-schedules it (`goldsmith revoke … --at`) before its time; if nobody does, the first
 *   point above carries it out once it is due.
 * Each is recorded (`DRIFT#revoke-at#…`) so `goldsmith history` says so. One whose version is found revoked leaves
 * the open-work index. Runs on every reconciler run: one Query of the open-work index (the daily full pass instead a
 * Query per image, open or not, so an item that lost or never had its open mark is still seen); a GetSchedule per
 * revocation still to come.
 */
export async function auditScheduledRevocations(
  images: readonly string[],
  now: Date,
  fullPass: boolean,
  decisions?: ReadOnce<string, DecisionsAndRevocations>,
): Promise<AuditPart> {
  const part = emptyPart();
  const at = now.toISOString();
  const byImage = await scheduledByImage(images, fullPass, part, decisions);
  for (const [image, scheduled] of byImage) {
    part.reads += 1;
    let revoked: Set<string>;
    const restoredAt = new Map<string, string>();
    try {
      const revocations = decisions ? (await decisions(image)).revocations : await listRevocations(image);
      revoked = new Set(revocations.filter((r) => r.state === 'revoked').map((r) => r.version));
      // Restored since: every revocation due before the restore was carried out (restore refuses while one waits).
      for (const r of revocations) if (r.state === 'restored' && r.restoredAt) restoredAt.set(r.version, r.restoredAt);
    } catch (error) {
      failed(part, `${image}: the ledger's revocations: ${messageOf(error)}`, error);
      continue;
    }
    for (const r of scheduled) {
      part.checked++;
      const restored = restoredAt.get(r.version);
      const carriedOut =
        revoked.has(r.version) || (restored !== undefined && Date.parse(r.dueAt) <= Date.parse(restored));
      const facts = { dueAt: r.dueAt, cancelled: false, revoked: carriedOut };
      if (facts.revoked && r.openWork) {
        try {
          await closeScheduledRevocation(image, r.version, r.dueAt);
        } catch (error) {
          // Still open: read again on the next run, nothing else depends on it.
          logger.warn('a scheduled revocation found carried out stays open until the next run', { image, error });
        }
      }
      try {
        let schedule: ScheduleState | undefined;
        if (needsScheduleRead(facts, now)) {
          part.reads += 1;
          schedule = await scheduleState(r);
        }
        const action = scheduledRevocationAction(facts, schedule, now);
        if (action.kind === 'none') continue;
        const sk = revocationDriftSk(r.version, r.dueAt, action);
        const base = { resource: 'revocation-schedule' as const, image, version: r.version };
        if (action.kind === 'carry-out') {
          const build = (await listBuilds(image)).find((b) => b.version === r.version);
          if (!build?.buildVersionArn) throw new Error(`${image} ${r.version} has no Image Builder build`);
          const finding = {
            ...base,
            found: `not revoked ${Math.round(action.overdueMs / 60_000)} minutes after ${r.dueAt} (its schedule never fired)`,
            expected: `revoked at ${r.dueAt} (asked by ${r.by}: ${r.reason})`,
            action:
              'revocation carried out now by the reconciler, through on-lifecycle-request as its schedule would have',
          };
          logger.warn('a scheduled revocation never happened; carrying it out', { ...finding });
          const first = await recordDrift({ ...finding, sk, foundAt: at });
          // Handed over again on a later run while it is still not revoked (an invocation lost): revoking is idempotent.
          const event = scheduledRevocationEvent(r, build.buildVersionArn, r.by, new Date(r.dueAt));
          await invokeLifecycleRequest(event);
          // The revocation it hands over may be recorded before the pass reads the image again: read it anew then.
          decisions?.forget(image);
          // Recorded as handed over: the revocation records itself (`REVOCATION#`) when on-lifecycle-request has made it.
          const full = { ...finding, repaired: false };
          if (first) part.findings.push(full);
          await announceFinding(full, sk, at);
          continue;
        }
        const finding = {
          ...base,
          found: SCHEDULE_SAYS[action.schedule],
          expected: `a schedule revoking it at ${r.dueAt}`,
          action: `nothing will fire at ${r.dueAt}: re-schedule it (goldsmith revoke ${image} ${r.version} --reason … --at ${r.dueAt}) or cancel it; once due, the audit carries it out within hours`,
          repaired: false,
        };
        logger.error("a scheduled revocation's schedule is broken", { ...finding });
        if (await recordDrift({ ...finding, sk, foundAt: at })) part.findings.push(finding);
        await announceFinding(finding, sk, at);
      } catch (error) {
        failed(part, `${image} ${r.version} due ${r.dueAt}: ${messageOf(error)}`, error);
      }
    }
  }
  return part;
}

/**
 * The uncancelled scheduled revocations of the catalog's images, by image: from the open-work index, or on the full
 * pass from every image's `REVOKE-AT#` items (with its decisions and revocations when the pass reads those
 * together: `decisions`). A failed read is the part's failure (per image on the full pass).
 */
async function scheduledByImage(
  images: readonly string[],
  fullPass: boolean,
  part: AuditPart,
  decisions: ReadOnce<string, DecisionsAndRevocations> | undefined,
): Promise<Map<string, ScheduledRevocation[]>> {
  const byImage = new Map<string, ScheduledRevocation[]>();
  const add = (r: ScheduledRevocation) => {
    if (r.cancelledAt) return;
    byImage.set(r.image, [...(byImage.get(r.image) ?? []), r]);
  };
  if (!fullPass) {
    const catalog = new Set(images);
    try {
      for (const r of await openScheduledRevocations()) if (catalog.has(r.image)) add(r);
    } catch (error) {
      failed(part, `the ledger's open scheduled revocations: ${messageOf(error)}`, error);
    }
    return byImage;
  }
  for (const image of images) {
    try {
      const scheduled = decisions
        ? (await decisions(image)).scheduled
        : await queryPrefix<ScheduledRevocation>(image, 'REVOKE-AT#');
      for (const r of scheduled) add(r);
    } catch (error) {
      failed(part, `${image}: the ledger's scheduled revocations: ${messageOf(error)}`, error);
    }
  }
  return byImage;
}
