import { skPrefix } from '../../core/ledger/keys.js';
import type { LedgerItem } from '../../core/status/image-view.js';
import { findingsReportedText, pointerMovedBackText } from '../../core/status/ledger-lines.js';
import { shortenArns, type TimelineEntry } from './timeline-entry.js';

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * The timeline's lines that only the ledger tells, in `history`'s words (core/status/ledger-lines.ts): a pointer
 * withdrawn by a revocation (no earlier launchable version: a roll-back to a version is announced instead), and
 * findings reported on a version with what was done about them.
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
  return entries;
}
