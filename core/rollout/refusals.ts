import type { RefusalSummary, RolloutWave, ScopeFailure } from './record.js';

/**
 * A wave in which hundreds of groups refused their refresh (about 0.9 KB each with a 255-character name and AWS's
 * message) must neither outgrow DynamoDB's 400 KB item
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html) nor send one announcement a
 * group. Like skips (core/rollout/skips.ts), the wave keeps the first refusals of starting by name and counts every
 * one: by error code, and by account and Region (each with its first code, message and group names). A refusal of a
 * later step (reading or cancelling a refresh the wave started) is always kept: its group is in the wave's groups,
 * and the wave must know not to wait on it (core/rollout/plan.ts `isRefused`).
 */

/** Refusals of starting a wave keeps one by one in `failures` (the rest are counted in `refused`). */
export const REFUSALS_KEPT = 50;
/** Accounts and Regions a wave's summary counts one by one; refusals in further ones count in the totals only. */
export const REFUSING_SCOPES_KEPT = 50;
/** Group names an account's count keeps. */
export const REFUSED_NAMES_KEPT = 3;

/** The wave with these refusals recorded: kept by name while there is room, every one counted. */
export function withRefusals(wave: RolloutWave, added: readonly ScopeFailure[]): RolloutWave {
  if (added.length === 0) return wave;
  const failures = [...(wave.failures ?? [])];
  let startKept = failures.filter((f) => f.step === 'start').length;
  const summary: RefusalSummary = structuredClone(wave.refused ?? { total: 0, codes: [], accounts: [] });
  for (const f of added) {
    if (f.step !== 'start' || startKept < REFUSALS_KEPT) {
      failures.push(f);
      if (f.step === 'start') startKept += 1;
    }
    summary.total += 1;
    const code = summary.codes.find((c) => c.code === f.code);
    if (code) code.failures += 1;
    else summary.codes.push({ code: f.code, failures: 1 });
    let scope = summary.accounts.find((a) => a.account === f.account && a.region === f.region);
    if (!scope && summary.accounts.length < REFUSING_SCOPES_KEPT) {
      scope = { account: f.account, region: f.region, failures: 0, code: f.code, message: f.message, groups: [] };
      summary.accounts.push(scope);
    }
    if (!scope) continue;
    scope.failures += 1;
    if (f.group !== undefined && scope.groups.length < REFUSED_NAMES_KEPT) scope.groups.push(f.group);
  }
  return { ...wave, failures, refused: summary };
}

/** How many refusals the wave met: every one counted, also those past the ones kept by name. */
export function refusalCount(wave: Pick<RolloutWave, 'failures' | 'refused'>): number {
  return wave.refused?.total ?? (wave.failures ?? []).length;
}
