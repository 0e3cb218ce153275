import { nextAutomaticResume, type PausedPromotion } from '../../core/promotion/resume.js';
import { pendingPointer } from '../../core/status/pointer-pending.js';
import type { SimulationReport } from './report.js';
import { type Item, str } from './report-ledger.js';

/**
 * A channel whose promotion paused after Share (and perhaps after Publish wrote the pointers) but before its record:
 * its pointer may be ahead of the ledger's record and its accounts may launch the version already (docs/operating.md,
 * "Known limits"). Always `recovering`: the reconciler resumes it by itself, however long the outage lasts.
 */
export interface PausedChannel {
  image: string;
  version: string;
  channel: string;
  recovering: boolean;
  /** What the end-of-run audit says about it: why the state is expected, and what ends it. */
  why: string;
}

/** The paused channels whose promotion Publish has not recorded yet, by `image@version`. */
export function pausedChannels(items: readonly Item[]): Map<string, PausedChannel[]> {
  const byImage = new Map<string, Item[]>();
  for (const i of items) {
    const pk = str(i.pk);
    byImage.set(pk, [...(byImage.get(pk) ?? []), i]);
  }
  const out = new Map<string, PausedChannel[]>();
  for (const i of items.filter((x) => str(x.sk).startsWith('PAUSED#'))) {
    const image = str(i.image);
    const version = str(i.version);
    const channel = str(i.channel);
    // The channel's move is recorded (`POINTER#`), or the promotion ended without it (aborted, rejected): the pause
    // is over as far as the audit is concerned, and nothing recovers by itself.
    const pending = pendingPointer(byImage.get(str(i.pk)) ?? [], channel, version);
    if (!pending || pending.pending.ended) continue;
    const pause: PausedPromotion = {
      image,
      version,
      buildVersionArn: str(i.buildVersionArn),
      channel,
      error: str(i.error),
      reason: str(i.reason),
      status: str(i.status) === 'resumed' ? 'resumed' : 'paused',
      pausedAt: str(i.pausedAt),
      resumes: Number(i.resumes ?? 0),
    };
    // The reconciler always resumes a pause in the end (core/promotion/resume.ts backoff): recovering by itself.
    const recovering = true;
    const why =
      pause.status === 'resumed'
        ? `its promotion to ${channel} was resumed and Publish has not recorded it yet`
        : `its promotion to ${channel} paused at ${pause.pausedAt} (${pause.error}); the reconciler resumes it from ${nextAutomaticResume(pause)}`;
    const key = `${image}@${version}`;
    out.set(key, [...(out.get(key) ?? []), { image, version, channel, recovering, why }]);
  }
  return out;
}

/**
 * The audit's verdict in one phrase: `ok`, `ok, N recovering` (documented in-between states that end by themselves:
 * the run exits 0) or `N problem(s)` (broken: it exits 1).
 */
export function consistencyText(c: SimulationReport['consistency']): string {
  const recovering = c.recovering?.length ?? 0;
  const within = recovering > 0 ? `${recovering} recovering by itself (documented, not broken)` : '';
  if (!c.ok) return `${c.problems.length} problem(s)${within ? `; ${within}` : ''}`;
  return within ? `ok, ${within}` : 'ok';
}
