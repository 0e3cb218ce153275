import * as z from 'zod';

/** The report's `fleet` section as a zod schema (report-schema.ts holds it equal to `FleetFigures`). */

const count = z.number().int().min(0);
const time = z.string();
const hours = z.number().nullable();
const standingCount = z.strictObject({ accounts: count, instances: count });
const reachFigure = z.strictObject({
  median: hours.describe('the middle version (a version not at 90 % by the end counts as slowest)'),
  worst: hours.describe('the slowest version that reached 90 %'),
  notYet: count.describe('versions not at 90 % by the end of the run'),
});
const reachHours = hours.optional();
export const fleetSchema = z.strictObject({
  compliance: z.array(
    z.strictObject({
      cycle: z.string(),
      image: z.string(),
      channel: z.string(),
      version: z.string(),
      startedAt: time,
      pointerHours: z.number(),
      medianHoursTo90: hours,
      worstHoursTo90: hours,
      laggards: z.array(z.string()),
      ous: z.array(
        z.strictObject({
          ou: z.string(),
          hoursTo50: hours,
          hoursTo90: hours,
          hoursTo100: hours,
          patched: count,
          instances: count,
        }),
      ),
    }),
  ),
  standings: z.array(
    z.strictObject({
      image: z.string(),
      channel: z.string(),
      ou: z.string(),
      accounts: z.number().int().nonnegative().describe('distinct accounts of the OU that run any version (each once)'),
      standings: z.strictObject({
        current: standingCount.optional(),
        'one-behind': standingCount.optional(),
        older: standingCount.optional(),
        revoked: standingCount.optional(),
        retired: standingCount.optional(),
        'never-promoted': standingCount.optional(),
      }),
      laggards: z.array(z.string()),
    }),
  ),
  reach: z
    .array(
      z.strictObject({
        image: z.string(),
        channel: z.string(),
        ou: z.string(),
        rollout: reachFigure.optional().describe('groups the rollout refreshes: hours from the pointer move to 90 %'),
        hand: reachFigure
          .optional()
          .describe('groups their teams refresh by hand: hours from the pointer move to 90 %'),
        afterWave: reachFigure.optional().describe("rollout groups: hours from the start of the OU's wave to 90 %"),
        versions: z.array(
          z.strictObject({
            version: z.string(),
            pointerAt: time,
            rolloutHours: reachHours,
            handHours: reachHours,
            waveStartedAt: time.optional(),
            afterWaveHours: reachHours,
            rolledBack: z
              .literal(true)
              .optional()
              .describe("the OU's wave of this version was rolled back (or the rollout taken back): no rollout hours"),
          }),
        ),
      }),
    )
    .describe(
      "per fleet's channel and OU, each forward pointer move to 90 % of the OU's instances on that version or newer",
    ),
  shares: z.array(
    z.strictObject({
      image: z.string(),
      channel: z.string(),
      days: z.array(z.strictObject({ at: time, instances: z.record(z.string(), count) })),
    }),
  ),
});
