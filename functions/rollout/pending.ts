import { mapWithConcurrency } from '../../core/concurrency.js';
import { withFailures } from '../../core/rollout/halt.js';
import { pendingDeadline, settlePending } from '../../core/rollout/pending.js';
import type { RolloutGroup, RolloutRecord, SkippedGroup } from '../../core/rollout/record.js';
import { SKIPPED_NAMES_KEPT } from '../../core/rollout/skips.js';
import { type RolloutContext, SCOPE_CONCURRENCY, scopeOf, workScope } from './wave.js';

const keyOf = (g: Pick<RolloutGroup, 'account' | 'region' | 'group'>) => `${g.account}/${g.region}/${g.group}`;

/**
 * The current wave's accounts still pending (throttled or answering 5xx when it started: core/rollout/pending.ts),
 * tried once more: the groups each now starts are added to the wave (one already recorded is not added twice: a
 * retry takes its refresh as its own), its refusals recorded, and one still answering retriably stays pending, or,
 * past the deadline, is recorded as that account's failure. Nothing is thrown for them: the other accounts go on.
 * @returns the record, and the refreshes started here (cancelled if the record cannot be written).
 */
export async function retryPendingScopes(
  ctx: RolloutContext,
  record: RolloutRecord,
  now: string,
): Promise<{ record: RolloutRecord; started: RolloutGroup[] }> {
  const index = record.currentWave;
  const wave = record.waves[index];
  const pending = wave?.pending ?? [];
  if (!wave || pending.length === 0) return { record, started: [] };
  const worked = await mapWithConcurrency(pending, SCOPE_CONCURRENCY, async (p) => {
    const ami = record.amis[p.region];
    if (!ami) return { p, w: { groups: [], skipped: [], failures: [] } };
    return { p, w: await workScope(ctx, scopeOf(ctx, p.account, p.region), ami, now) };
  });
  const known = new Set(wave.groups.map(keyOf));
  const started = worked.flatMap(({ w }) => w.groups).filter((g) => !known.has(keyOf(g)));
  const skippedKnown = new Set(record.skippedGroups.map(keyOf));
  const newlySkipped = worked.flatMap(({ w }) => w.skipped).filter((s) => !skippedKnown.has(keyOf(s)));
  // Kept by name while the wave has room (core/rollout/skips.ts), every one counted in the wave's total.
  const room = Math.max(0, SKIPPED_NAMES_KEPT - record.skippedGroups.filter((s) => s.wave === wave.name).length);
  const skipped: SkippedGroup[] = newlySkipped.slice(0, room).map((s) => ({ ...s, wave: wave.name }));
  const total = (wave.skipped?.total ?? 0) + newlySkipped.length;
  const retried = worked.flatMap(({ p, w }) =>
    w.retry === undefined
      ? []
      : [{ where: { account: p.account, region: p.region }, attempts: p.attempts + 1, error: w.retry }],
  );
  const settled = settlePending(retried, pendingDeadline(wave, now), now);
  const waves = record.waves.map((w, i) => {
    if (i !== index) return w;
    const { pending: _was, ...rest } = w;
    return {
      ...rest,
      groups: [...w.groups, ...started],
      ...(total > 0 && { skipped: { total, reasons: countedReasons(w.skipped?.reasons ?? [], newlySkipped) } }),
      ...(settled.pending.length > 0 && { pending: settled.pending }),
    };
  });
  const failures = [...worked.flatMap(({ w }) => w.failures), ...settled.failures];
  const next = withFailures(
    { ...record, waves, skippedGroups: [...record.skippedGroups, ...skipped] },
    index,
    failures,
  );
  return { record: { ...next, updatedAt: now }, started };
}

/** A wave's skip counts by reason with these groups added (a reason not counted yet is added). */
function countedReasons(reasons: readonly { reason: string; groups: number }[], added: readonly SkippedGroup[]) {
  const out = reasons.map((r) => ({ ...r }));
  for (const s of added) {
    const known = out.find((r) => r.reason === s.reason);
    if (known) known.groups += 1;
    else out.push({ reason: s.reason, groups: 1 });
  }
  return out;
}
