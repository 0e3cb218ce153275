// The lines of `history` that take more than one field to tell: pauses and resumptions, a stopped channel's
// withdrawn grants, and which lines `--channel C` keeps.

import { approverDoorText } from '../../core/promotion/decision-proof.js';
import { pausedText, resumedText } from '../../core/promotion/resume.js';
import { changesSaid } from '../../core/sbom/changes-text.js';
import type { LedgerItem } from '../../core/status/image-view.js';
import { approvalChangesSchema } from '../../events/approval-changes.js';

/** One line of an image's story. */
export interface HistoryEntry {
  at: string;
  version?: string;
  channel?: string;
  what: string;
  /** What `--verbose` lists under the line (a rollout's skipped groups). */
  details?: string[];
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * What a line is about, for `history --channel C`: one channel (`channel`); every channel (`all`: a revocation, its
 * scheduling, the build breaker's pauses, pipeline events); one version as a whole (`version`: its build, flag and
 * lifecycle, shown for the versions that reached C's gate); or the image's triggers (`image`: not about a channel).
 */
export type Scope = 'channel' | 'all' | 'version' | 'image';

export const EVERY_CHANNEL = new Set(['REVOKE-AT', 'SUPERSEDED', 'REVOCATION', 'PIPELINE']);

/** The lines `history --channel C` keeps: C's own, those about every channel, and the versions C saw as a whole. */
export function concerning(
  entries: readonly (HistoryEntry & { scope: Scope })[],
  channel: string | undefined,
): (e: HistoryEntry & { scope: Scope }) => boolean {
  if (channel === undefined) return () => true;
  const seen = new Set(entries.filter((e) => e.channel === channel && e.version).map((e) => e.version));
  return (e) =>
    e.scope === 'channel'
      ? e.channel === channel
      : e.scope === 'all' || (e.scope === 'version' && e.version !== undefined && seen.has(e.version));
}

/**
 * A paused promotion's story: each pause (where and why) and each resumption (by whom). Items written before the
 * ledger kept the lists hold only the latest pause and resumption.
 */
export function pauseHistory(i: LedgerItem): { at: string; what: string; kind: string; channel: string }[] {
  const list = (v: unknown) => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);
  const pauses =
    list(i.pauses).length > 0 ? list(i.pauses) : [{ at: i.pausedAt, channel: i.channel, reason: i.reason }];
  const resumptions =
    list(i.resumptions).length > 0
      ? list(i.resumptions)
      : str(i.resumedAt)
        ? [{ at: i.resumedAt, by: i.resumedBy, n: i.resumes, reason: i.resumedReason }]
        : [];
  // A resumption starts again from the channel of the pause it ends (the one before it in time).
  const pausedAt = (at: string) =>
    pauses.filter((p) => Date.parse(str(p.at)) <= Date.parse(at)).at(-1)?.channel ?? i.channel;
  return [
    ...pauses.map((p) => ({
      at: str(p.at),
      what: pausedText({ channel: str(p.channel), reason: str(p.reason) }),
      kind: 'PAUSED',
      channel: str(p.channel),
    })),
    ...resumptions.map((r) => ({
      at: str(r.at),
      what: resumedText({ by: str(r.by), n: Number(r.n ?? 0), reason: str(r.reason) }),
      kind: 'RESUMED',
      channel: str(pausedAt(str(r.at))),
    })),
  ];
}

/**
 * A stopped channel's grants taken back, as EC2 confirmed it: `grants withdrawn: 1 OU(s), 2 account(s) in us-east-1,
 * eu-west-1 (still granted through dev)`.
 */
export function withdrawalText(w: Record<string, unknown>): { at: string; what: string } {
  const regions = Array.isArray(w.regions) ? w.regions.join(', ') : '';
  const kept = Array.isArray(w.kept) && w.kept.length > 0 ? ` (still granted through ${w.kept.join(', ')})` : '';
  return {
    at: str(w.at),
    what: `grants withdrawn: ${Number(w.ous ?? 0)} OU(s), ${Number(w.accounts ?? 0)} account(s) in ${regions}${kept}`,
  };
}

/**
 * What an approval request said its version changes against the channel's current one (its `changes`), as one line:
 * "changes against 1.0.0/2: packages 2 upgraded, …; CVEs fixed 3 (…), …", "changes: first version in prod". Undefined
 * for a request that said nothing of it.
 */
export function changesHistoryText(approval: LedgerItem): string | undefined {
  const changes = approvalChangesSchema.safeParse(approval.changes);
  if (!changes.success) return undefined;
  return changesSaid(changes.data);
}

/**
 * An approval's decision: who, through which door, why, and the diff it was made on (the first 12 characters of the
 * digest its proof names): "approved by ops-lead (approver, through Slack) on diff 3f2a…".
 */
export function decisionHistoryText(approval: LedgerItem): string {
  const i = approval;
  const decided = i.decision === 'approve' ? 'approved' : i.decision === 'reject' ? 'rejected' : str(i.decision);
  const via = str(i.via) ? ` (${approverDoorText(str(i.via))})` : '';
  const reason = str(i.reason) ? `: ${str(i.reason)}` : '';
  const shown = str(i.shownDigest) ? ` on diff ${str(i.shownDigest).slice(0, 12)}` : '';
  return `${decided} by ${str(i.by)}${via}${shown}${reason}`;
}
