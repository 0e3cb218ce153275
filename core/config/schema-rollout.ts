import * as z from 'zod';
import { awsAccountIdSchema, ouIdSchema } from './schema-fields.js';

/**
 * A channel's rollout (`channels[i].rollout`): after a version is promoted to the channel, the member Auto Scaling
 * groups that opt in (tag `goldsmith:follow`) get an instance refresh to it, wave after wave. Absent: the channel
 * does not roll out. Cross-field rules (waves inside the channel's targets, nothing in two waves, unique names) live in
 * rules/rollout.ts. The limits are Auto Scaling's RefreshPreferences limits
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html).
 */

/** Most waves in one rollout: each wave is a poll loop of the Rollout state machine. */
export const MAX_ROLLOUT_WAVES = 10;
/** RefreshPreferences.BakeTime: "Minimum value of 0. Maximum value of 172800." (seconds, so 2880 minutes). */
export const MAX_BAKE_MINUTES = 2880;
/** AlarmSpecification: "You can specify up to 10 alarms." */
export const MAX_ROLLOUT_ALARMS = 10;
/** RefreshPreferences.CheckpointDelay: "Maximum value of 172800" seconds. */
export const MAX_CHECKPOINT_DELAY_MINUTES = 2880;

export const waveSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9-]{1,32}$/, 'must be 1–32 lower-case letters, digits and dashes'),
    ous: z.array(ouIdSchema).default([]),
    accounts: z.array(awsAccountIdSchema).default([]),
  })
  .refine((w) => w.ous.length > 0 || w.accounts.length > 0, {
    message: 'must name at least one OU or account',
    when: (payload) => typeof payload.value === 'object' && payload.value !== null,
  });

export const rolloutSchema = z.strictObject({
  /** In order; the first is the canary. */
  waves: z.array(waveSchema).min(1, 'must list at least one wave').max(MAX_ROLLOUT_WAVES),
  /** The refreshes' BakeTime: the next wave starts only once every refresh of this one is Successful. */
  bakeMinutes: z.number().int().min(0).max(MAX_BAKE_MINUTES).default(60),
  /** CloudWatch alarm names in each member account and Region: the refreshes' AlarmSpecification. */
  alarms: z
    .array(z.string().min(1).max(255))
    .max(MAX_ROLLOUT_ALARMS, `must list at most ${MAX_ROLLOUT_ALARMS} alarms (AlarmSpecification's limit)`)
    .default([]),
  minHealthyPercentage: z.number().int().min(0).max(100).default(90),
  maxHealthyPercentage: z.number().int().min(100).max(200).default(100),
  checkpointPercentages: z
    .array(z.number().int().min(1).max(100))
    .superRefine((cps, ctx) => {
      cps.forEach((p, i) => {
        const before = cps[i - 1];
        if (before !== undefined && p <= before) {
          ctx.addIssue({
            code: 'custom',
            path: [i],
            message: `must be greater than the one before (${before}): checkpoints ascend, each once`,
          });
        }
      });
      if (cps.length > 0 && cps[cps.length - 1] !== 100) {
        ctx.addIssue({
          code: 'custom',
          path: [cps.length - 1],
          message: 'the last checkpoint must be 100, so every instance is replaced',
        });
      }
    })
    .default([]),
  checkpointDelayMinutes: z.number().int().min(0).max(MAX_CHECKPOINT_DELAY_MINUTES).default(60),
  instanceWarmupSeconds: z.number().int().min(0).optional(),
  /**
   * What a refresh does with instances a team protected from scale in (RefreshPreferences.ScaleInProtectedInstances):
   * `Ignore` leaves them on their version and refreshes the rest, `Refresh` replaces them too, `Wait` (AWS's default)
   * waits an hour for the protection to go, then fails the refresh. Default `Ignore`: a protection set on purpose (ECS
   * capacity providers protect every instance) never fails a wave.
   */
  protectedInstances: z.enum(['Ignore', 'Refresh', 'Wait']).default('Ignore'),
  /** The same for instances in Standby (RefreshPreferences.StandbyInstances): `Ignore`, `Terminate` or `Wait`. */
  standbyInstances: z.enum(['Ignore', 'Terminate', 'Wait']).default('Ignore'),
  /**
   * What a finished wave's alarm found in ALARM later takes back (the rollout halts either way: no later wave starts):
   * `account`, only that wave's groups in each account and Region where the alarm is in ALARM (one tenant's alarm
   * moves only its own groups; an alarm in every account moves all of them); `wave`, every group of that wave.
   * Default `account`.
   */
  lateAlarmScope: z.enum(['account', 'wave']).default('account'),
});

export type RolloutSpec = z.output<typeof rolloutSchema>;
export type WaveSpec = z.output<typeof waveSchema>;
