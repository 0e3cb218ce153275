import * as z from 'zod';

/**
 * The `detail` of the rollout's announcements (the engine's waves and the operator's pause, resume and abort), part
 * of events/notification.ts's `NOTIFICATION_DETAILS`. Every one names the wave it concerns, counted from 1 of
 * `waves`, so a reader knows how far the rollout got without opening anything.
 */

const count = z.number().int().nonnegative();
const principal = z.string().min(1);
const why = z.string().min(1);

/** Where a rollout stands: the wave (its name, its number from 1) of how many. */
const wave = {
  wave: z.string().regex(/^[a-z0-9-]{1,32}$/),
  waveNumber: z.number().int().min(1).max(10),
  waves: z.number().int().min(1).max(10),
};

export const ROLLOUT_NOTIFICATION_DETAILS = {
  /** A wave's instance refreshes started: how many groups, in how many accounts, in which Regions. */
  'rollout-wave-started': z.strictObject({
    ...wave,
    groups: count,
    accounts: count,
    regions: z.array(z.string().min(1)),
    /** The refreshes' BakeTime, in minutes: how long each waits healthy before the wave counts as healthy. */
    bakeMinutes: count,
  }),
  /** Every refresh of a wave ended Successful, its bake included: the next wave (if any) starts. */
  'rollout-wave-healthy': z.strictObject({ ...wave, groups: count, next: z.string().min(1).optional() }),
  /** A wave failed: the remaining waves will not start and the wave's refreshes roll back (AutoRollback). */
  'rollout-halted': z.strictObject({ ...wave, reason: why, failedGroups: count, groups: count }),
  /** A wave's groups went back to their previous launch template version (a failure, or an alarm after it). */
  'rollout-wave-rolled-back': z.strictObject({ ...wave, groups: count, reason: why }),
  /** Every wave healthy: the rollout ended. */
  /** `unmoved`: of its `groups`, those whose refresh moved no instance (absent from an older release's). */
  'rollout-completed': z.strictObject({ waves: wave.waves, groups: count, unmoved: count.optional(), skipped: count }),
  /** An operator paused the rollout: no new wave starts; refreshes already running go on. */
  'rollout-paused': z.strictObject({ ...wave, by: principal, reason: why }),
  /**
   * An operator resumed a paused rollout, or retried a halted one (`retry`: how many times it was retried, this one
   * included): it resumes from the wave named, which starts again with the later ones. `restart`: a rollout a
   * rollback had superseded, started again from its first wave by the roll-forward that took the rollback back.
   */
  'rollout-resumed': z.strictObject({
    ...wave,
    by: principal,
    reason: why.optional(),
    retry: z.number().int().min(1).optional(),
    restart: z.literal(true).optional(),
  }),
  /** An operator aborted the rollout: the refreshes still running are cancelled; no further wave starts. */
  'rollout-aborted': z.strictObject({ ...wave, by: principal, reason: why, running: count }),
  /**
   * The rollout's execution is no longer running (stopped, failed, timed out) while its record still said running or
   * paused: the reconciler found it and marked the rollout stopped. No wave starts; refreshes already running go on.
   */
  'rollout-stopped': z.strictObject({
    ...wave,
    reason: why,
    /** The execution's status as Step Functions reported it (ABORTED, FAILED, TIMED_OUT), or MISSING. */
    execution: z.string().min(1),
    /** Present when the execution that stopped was taking a revoked version's groups back (the rollout had ended). */
    takeBack: z.literal(true).optional(),
  }),
  /**
   * The groups a wave's start skipped (not rollout-ready, or busy), in one announcement per wave: how many, and how
   * many for each reason (at most ten reasons, the rest as `other reasons`). `goldsmith history --verbose` names them.
   */
  'rollout-groups-skipped': z.strictObject({
    ...wave,
    skipped: count,
    reasons: z.array(z.strictObject({ reason: why, groups: count })).max(11),
  }),
  /**
   * A member account (or one group in it) refused the engine: its rollout role denied or missing, a refresh refused.
   * AWS's error code and message; the rest of the wave goes on, and the wave fails once its other refreshes ended.
   */
  'rollout-account-failed': z.strictObject({
    ...wave,
    account: z.string().regex(/^\d{12}$/),
    region: z.string().min(1),
    group: z.string().min(1).optional(),
    /** How many of the account's groups refused, when more than one did (told once per account, not per group). */
    refusedGroups: z.number().int().min(2).optional(),
    /** The first of them by name. */
    firstGroups: z.array(z.string().min(1)).optional(),
    code: z.string().min(1),
    reason: why,
  }),
  /**
   * Refreshes of a wave ended Successful having moved none of their groups' instances (every instance protected from
   * scale in or in Standby, which the refresh was told to ignore): how many groups, the instances they left on the
   * version before and why, the first groups by name. A later wave goes on; a canary halts (`rollout-halted`).
   */
  'rollout-groups-unmoved': z.strictObject({
    ...wave,
    groups: count,
    instances: count,
    protected: count,
    standby: count,
    firstGroups: z.array(z.string().min(1)).max(3),
  }),
  /**
   * A halted rollout's alarmed wave finished taking back the groups its alarm's scope named (the channel's
   * `lateAlarmScope`: each account and Region where the alarm was in ALARM, or the whole wave) without the whole wave going back: how many are
   * back on their previous launch template version, of how many in the wave, and how many could not be.
   */
  'rollout-groups-taken-back': z.strictObject({
    ...wave,
    groups: count,
    of: count,
    notBack: count,
    scope: z.enum(['account', 'wave']),
    reason: why,
  }),
  /** A group follows the channel but is not rollout-ready (or was busy): not refreshed, and why. */
  'rollout-group-skipped': z.strictObject({
    account: z.string().regex(/^\d{12}$/),
    region: z.string().min(1),
    group: z.string().min(1),
    reason: why,
  }),
} as const;
