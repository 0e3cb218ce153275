import { skPrefix } from '../../core/ledger/keys.js';
import type { LedgerItem } from '../../core/status/image-view.js';
import { findingsReportedText, pointerMovedBackText } from '../../core/status/ledger-lines.js';
import { type RolloutLine, rolloutHistory } from '../../core/status/rollout-history.js';
import { rolloutRecordsOf } from '../../core/status/rollout-records.js';
import { shortenArns, type TimelineEntry } from './timeline-entry.js';

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * The timeline's lines that only the ledger tells, in `history`'s words (core/status/ledger-lines.ts): a pointer
 * withdrawn by a revocation (no earlier launchable version: a roll-back to a version is announced instead), and
 * findings reported on a version with what was done about them; and every rollout's waves (started, healthy, failed,
 * rolled back), its halt, pauses, retries and end, from its record as `history` tells it.
 */
export function ledgerEntries(items: readonly LedgerItem[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const i of items) {
    const sk = str(i.sk);
    const image = str(i.image);
    if (sk.startsWith('ROLLBACK#') && !i.to) {
      const channel = str(i.channel);
      entries.push({
        at: str(i.at),
        image,
        version: str(i.from),
        ...(channel ? { channel } : {}),
        kind: 'lifecycle',
        outcome: 'pointer-withdrawn',
        text: `${channel}: ${shortenArns(pointerMovedBackText(i))}`,
      });
    } else if (sk.startsWith(skPrefix.found)) {
      const version = str(i.version);
      entries.push({
        at: str(i.at),
        image,
        version,
        kind: 'lifecycle',
        outcome: 'findings-reported',
        text: `${version} ${findingsReportedText(i)}`,
      });
    }
  }
  entries.push(...rolloutEntries(items));
  return entries;
}

/** What a rollout line marks, for the HTML report's colours and the timeline's causal order (its `outcome`). */
export function rolloutMark(line: Pick<RolloutLine, 'kind' | 'what'>): string {
  switch (line.kind) {
    case 'ROLLOUT-WAVE-START':
      return 'wave-started';
    case 'ROLLOUT-WAVE-END':
      return / healthy: /.test(line.what)
        ? 'wave-healthy'
        : / cancelled: /.test(line.what)
          ? 'wave-cancelled'
          : 'wave-failed';
    case 'ROLLOUT-WAVE-BACK':
      return 'wave-rolled-back';
    case 'ROLLOUT-END':
      return line.what.startsWith('rollout completed') ? 'rollout-completed' : 'rollout-halted';
    default:
      return 'rollout-action';
  }
}

/** Each rollout record's story (the skipped groups' count aside: `history --verbose` lists them). */
function rolloutEntries(items: readonly LedgerItem[]): TimelineEntry[] {
  return rolloutRecordsOf(items).flatMap((r) =>
    rolloutHistory(r)
      .filter((l) => l.kind !== 'ROLLOUT-SKIPPED')
      .map((l) => ({
        at: l.at,
        image: r.image,
        version: r.version,
        channel: r.channel,
        kind: 'rollout' as const,
        outcome: rolloutMark(l),
        text: `${r.version} ${r.channel} ${shortenArns(l.what)}`,
      })),
  );
}
