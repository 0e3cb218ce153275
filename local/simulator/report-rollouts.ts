import * as z from 'zod';
import { waveStates } from '../../core/rollout/record.js';
import { rolloutRecordsOf } from '../../core/status/rollout-records.js';
import type { Item } from './report-ledger.js';

/**
 * The report's `rollouts`: every rollout the run's ledger holds, with every wave as it ended (started, healthy,
 * failed, rolled back, its alarm), so a halted canary shows as plainly as a completed rollout. From the rollout
 * records and their group chunks (core/status/rollout-records.ts), in the order they started.
 */

const time = z.string();
const count = z.number().int().min(0);

export const rolloutReportSchema = z.strictObject({
  image: z.string(),
  channel: z.string(),
  version: z.string(),
  state: z.string(),
  startedAt: time,
  endedAt: time.optional(),
  reason: z.string().optional(),
  /** How many times an operator retried it after a halt (`goldsmith rollout retry`). */
  retries: count,
  waves: z.array(
    z.strictObject({
      name: z.string(),
      state: z.enum(waveStates),
      startedAt: time.optional(),
      endedAt: time.optional(),
      rolledBackAt: time.optional(),
      groups: count,
      /** Groups whose refresh ended Successful (and, after a take-back, those moved back). */
      refreshed: count,
      back: count,
      alarm: z.strictObject({ name: z.string(), account: z.string(), region: z.string(), at: time }).optional(),
    }),
  ),
});
export type RolloutReport = z.output<typeof rolloutReportSchema>;

const opt = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

export function rolloutsOf(items: readonly Item[]): RolloutReport[] {
  return rolloutRecordsOf(items)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
    .map((r) => ({
      image: r.image,
      channel: r.channel,
      version: r.version,
      state: r.state,
      startedAt: r.startedAt,
      ...opt('endedAt', r.endedAt),
      ...opt('reason', r.reason),
      retries: (r.operatorActions ?? []).filter((a) => a.action === 'retry').length,
      waves: r.waves.map((w) => ({
        name: w.name,
        state: w.state,
        ...opt('startedAt', w.startedAt),
        ...opt('endedAt', w.endedAt),
        ...opt('rolledBackAt', w.rolledBackAt),
        groups: w.groups.length,
        refreshed: w.groups.filter((g) => g.status === 'Successful').length,
        back: w.groups.filter((g) => g.back?.status === 'Successful' || g.status === 'RollbackSuccessful').length,
        ...opt('alarm', w.alarm),
      })),
    }));
}
