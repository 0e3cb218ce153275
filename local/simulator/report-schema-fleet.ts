import * as z from 'zod';

/** The report's `fleet` section as a zod schema (report-schema.ts holds it equal to `FleetFigures`). */

const count = z.number().int().min(0);
const time = z.string();
const hours = z.number().nullable();
const standingCount = z.strictObject({ accounts: count, instances: count });
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
  shares: z.array(
    z.strictObject({
      image: z.string(),
      channel: z.string(),
      days: z.array(z.strictObject({ at: time, instances: z.record(z.string(), count) })),
    }),
  ),
});
