// The ledger's story of an image for `history`: one line per event, cause before effect within an instant.

import { accountCount } from '../../core/fleet/usage.js';
import { causalRank } from '../../core/ledger/causal-order.js';
import { BREAKER_SK, skPrefix } from '../../core/ledger/keys.js';
import { flagAwaitsOf, heldInstead } from '../../core/lifecycle/lineage-hold.js';
import { supersededText } from '../../core/lifecycle/scheduled-revocation.js';
import { attemptStartLines, isAttemptRecord, withEarlierAttempts } from '../../core/status/attempt-lines.js';
import type { LedgerItem } from '../../core/status/image-view.js';
import { findingsReportedText, pointerMovedBackText } from '../../core/status/ledger-lines.js';
import { rolloutHistory } from '../../core/status/rollout-history.js';
import { rolloutRecordsOf } from '../../core/status/rollout-records.js';
import { scheduledRevocationView } from '../../core/status/scheduled-revocations.js';
import { breakerHistory } from '../../core/triggers/breaker.js';
import {
  changesHistoryText,
  concerning,
  decisionHistoryText,
  EVERY_CHANNEL,
  type HistoryEntry,
  pauseHistory,
  type Scope,
  withdrawalText,
} from './history-lines.js';
import { recordedCost } from './read.js';
import { revocationHistory } from './revocation-history.js';

const str = (v: unknown) => (typeof v === 'string' ? v : '');

export type { HistoryEntry } from './history-lines.js';

/** An instant as people read it in `history` and `status`: minutes, UTC ("2027-01-05 01:52"). */
export const shortTime = (iso: string): string => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().replace('T', ' ').slice(0, 16);
};

/** Whether the approval of `version` into `channel` recorded a rejection (its line tells the decision). */
const rejectedByApproval = (items: readonly LedgerItem[], version: string, channel: string): boolean =>
  items.some(
    (a) =>
      str(a.sk).startsWith('APPROVAL#') &&
      str(a.version) === version &&
      str(a.channel) === channel &&
      a.decision === 'reject',
  );

/** The ledger's story of an image, oldest first: decisions, builds, approvals, outcomes, shares, pipeline events. */
export function historyOf(
  ledger: readonly LedgerItem[],
  channel?: string,
  channels: readonly string[] = [],
): HistoryEntry[] {
  // Every promotion attempt told alike: an earlier attempt's archived items read as they were.
  const items = withEarlierAttempts(ledger);
  const entries: (HistoryEntry & { rank: number; scope: Scope })[] = [];
  // Each rollout record with its waves' groups (kept in chunk items beside it), by its sort key (an earlier
  // attempt's has one of its own: withEarlierAttempts).
  const rollouts = new Map(rolloutRecordsOf(items).map((r) => [str((r as { sk?: unknown }).sk), r]));
  for (const i of items) {
    const sk = str(i.sk);
    const version = str(i.version) || str(i.buildVersion) || str(i.from) || undefined;
    const ch = str(i.channel) || undefined;
    const add = (
      at: string,
      what: string,
      kind: string = sk.split('#')[0] ?? '',
      onChannel: string | undefined = ch,
      details?: string[],
    ) => {
      // One time format everywhere: ISO 8601 to the millisecond (the ledger holds both "…:00Z" and "…:00.000Z").
      const t = Date.parse(at);
      entries.push({
        at: Number.isNaN(t) ? at : new Date(t).toISOString(),
        ...(version ? { version } : {}),
        ...(onChannel ? { channel: onChannel } : {}),
        what,
        ...(details ? { details } : {}),
        rank: causalRank(kind),
        scope: onChannel ? 'channel' : EVERY_CHANNEL.has(kind) ? 'all' : version ? 'version' : 'image',
      });
    };
    if (sk.startsWith('DECISION#')) {
      add(
        str(i.decidedAt),
        `${str(i.trigger)} trigger: ${i.outcome === 'start' ? 'build started' : 'skipped'} — ${str(i.reason)}`,
      );
    } else if (sk.startsWith('BUILD#')) {
      add(str(i.requestedAt), `build requested (${str(i.trigger)})`);
      const cost = recordedCost(i);
      const costText = cost
        ? ` (cost ≈ ${cost.total.toFixed(2)} ${cost.currency}${cost.storagePerMonth > 0 ? ` + ${cost.storagePerMonth.toFixed(2)}/month storage` : ''})`
        : '';
      if (str(i.updatedAt))
        add(
          str(i.updatedAt),
          `build ${str(i.status)}${str(i.statusReason) ? `: ${str(i.statusReason)}` : ''}${costText}`,
          'BUILD-STATUS',
        );
      // Built on a version revoked since (revocation.descendants: rebuild): held out of every further channel.
      if (str(i.flaggedAt)) {
        add(
          str(i.flaggedAt),
          `flagged: ${str(i.flaggedReason)}; held out of every further channel; ${heldInstead(flagAwaitsOf(i.flagAwaits), flagAwaitsOf(i.flagVia))}`,
          'RETIRE',
        );
      }
      // Its flag, cleared when the parent revocation was restored: the flag's story, then its end.
      const cleared = i.flagCleared;
      if (typeof cleared === 'object' && cleared !== null && !Array.isArray(cleared)) {
        const c = cleared as Record<string, unknown>;
        add(str(c.flaggedAt), `flagged: ${str(c.reason)}; held out of every further channel`, 'RETIRE');
        add(
          str(c.at),
          `flag cleared: ${str(c.parent)} restored by ${str(c.by)}; no longer held by it (an aborted promotion stays aborted)`,
          'RETIRE',
        );
      }
      // The lifecycle's marks on the build: out of retention, then deleted (AMIs deregistered, snapshots deleted).
      if (str(i.retiredAt)) add(str(i.retiredAt), 'retired: out of retention', 'RETIRE');
      if (str(i.deletedAt)) {
        add(str(i.deletedAt), `deleted${str(i.deletedReason) ? `: ${str(i.deletedReason)}` : ''}`, 'RETIRE');
      }
    } else if (sk.startsWith('APPROVAL#')) {
      const approvers = Array.isArray(i.approvers) ? i.approvers.join(', ') : '';
      add(str(i.requestedAt), `approval requested from ${approvers} (expires ${shortTime(str(i.expiresAt))})`);
      // What the request said the version changes against the channel's current one, in one line.
      const changes = changesHistoryText(i);
      if (changes) add(str(i.requestedAt), changes);
      if (i.decision) add(str(i.decidedAt), decisionHistoryText(i), 'APPROVAL-DECISION');
    } else if (sk.startsWith('PROMOTION#')) {
      // The stopped channel's grants taken back, once EC2 confirmed it.
      if (i.withdrawn && typeof i.withdrawn === 'object') {
        const w = withdrawalText(i.withdrawn as Record<string, unknown>);
        add(w.at, w.what, 'WITHDRAWN');
      }
      // An approver's rejection was told by its approval (who, through which door, why): one line per decision.
      if (i.outcome === 'rejected' && rejectedByApproval(items, str(i.version), str(i.channel))) continue;
      add(str(i.at), `${str(i.outcome)} by ${str(i.by) || 'goldsmith'}${str(i.reason) ? `: ${str(i.reason)}` : ''}`);
    } else if (sk.startsWith('SHARE#')) {
      const regions = Array.isArray(i.regions) ? i.regions.join(', ') : '';
      const counts = (i.counts ?? {}) as { ous?: number; accounts?: number };
      add(str(i.at), `granted in ${regions} to ${counts.ous ?? 0} OU(s), ${counts.accounts ?? 0} account(s)`);
    } else if (sk.startsWith('SOAK#')) {
      // Every soak of the version in the channel: those run before (a resumed promotion soaks again), then this one.
      const runs = [...(Array.isArray(i.earlier) ? (i.earlier as LedgerItem[]) : []), i];
      for (const run of runs) {
        add(str(run.startedAt), `soak started, ends ${shortTime(str(run.until))}`);
        if (run.state === 'ended-early') {
          add(
            str(run.endedAt),
            `soak ended early by ${str(run.endedBy)}${str(run.reason) ? `: ${str(run.reason)}` : ''}`,
            'SOAK-END',
          );
        }
      }
    } else if (sk === BREAKER_SK) {
      for (const line of breakerHistory(i)) add(line.at, line.what, 'PIPELINE');
    } else if (sk.startsWith('PIPELINE#')) {
      add(str(i.at), `pipeline event: ${str(i.event)}`);
    } else if (sk.startsWith('REVOKE-AT#')) {
      add(str(i.requestedAt), `revocation scheduled for ${shortTime(str(i.dueAt))} by ${str(i.by)}: ${str(i.reason)}`);
      const cancelled = (c: Record<string, unknown>, dueAt: string) =>
        add(
          str(c.cancelledAt),
          `revocation scheduled for ${shortTime(dueAt)} cancelled by ${str(c.cancelledBy)}${str(c.cancelReason) ? `: ${str(c.cancelReason)}` : ''}`,
        );
      if (str(i.cancelledAt)) cancelled(i, str(i.dueAt));
      const view = scheduledRevocationView(i, items);
      if (view.superseded) {
        const { at, by } = view.superseded;
        add(at, supersededText(shortTime(view.dueAt), { at: shortTime(at), by }), 'SUPERSEDED');
      }
      for (const c of Array.isArray(i.cancelledBefore) ? (i.cancelledBefore as Record<string, unknown>[]) : []) {
        add(
          str(c.requestedAt),
          `revocation scheduled for ${shortTime(str(c.dueAt))} by ${str(c.by)}: ${str(c.reason)}`,
        );
        cancelled(c, str(c.dueAt));
      }
    } else if (sk.startsWith('ROLLBACK#')) {
      // A pointer moved back (by an operator's rollback, or by a revocation: its reason says "revoked (…)").
      add(str(i.at), pointerMovedBackText(i));
    } else if (sk.startsWith(skPrefix.found)) {
      // Findings that arrived on the version: how many of each severity, and what Goldsmith did about them.
      add(str(i.at), findingsReportedText(i));
    } else if (sk.startsWith('REVOCATION#')) {
      for (const line of revocationHistory(i)) add(line.at, line.what);
    } else if (sk.startsWith('HOLD#')) {
      // Kept past retention because member accounts still ran it (usage-aware retention).
      add(
        str(i.firstHeldAt),
        `held past retention: ${accountCount(i.accounts)} account(s), ${Number(i.instances ?? 0)} instance(s) still use it (hold ends ${shortTime(str(i.heldUntil))})`,
        'RETIRE',
      );
      if (str(i.expiryAnnouncedAt)) add(str(i.expiryAnnouncedAt), 'hold ended: an operator may release it', 'RETIRE');
      if (str(i.releasedAt)) {
        add(str(i.releasedAt), `released by ${str(i.releasedBy)}: ${str(i.releaseReason)}`, 'RETIRE');
      }
    } else if (sk.startsWith('PAUSED#')) {
      for (const line of pauseHistory(i)) add(line.at, line.what, line.kind, line.channel || ch);
    } else if (sk.startsWith('ROTATION#')) {
      // goldsmith rotate-signing-key: who, which keys and the version ids of their new values (never a value).
      const keys = (Array.isArray(i.keys) ? i.keys : []) as { name?: unknown; versionId?: unknown }[];
      const which = keys.map((k) => `${str(k.name)} (version ${str(k.versionId)})`).join(', ');
      add(
        str(i.at),
        `signing keys rotated by ${str(i.by)}: ${which}${str(i.reason) ? `: ${str(i.reason)}` : ''}`,
        'KEYS',
      );
    } else if (sk.startsWith('DRIFT#')) {
      // What the audit found AWS holding otherwise than the ledger (changed outside Goldsmith), and its repair.
      // A factory resource (a topic, a queue, the bus, a rule) is named: no image names it.
      const where = `${str(i.name) ? ` ${str(i.name)}` : ''}${str(i.region) ? ` in ${str(i.region)}` : ''}`;
      add(
        str(i.foundAt),
        `audit: ${str(i.resource)}${where} found changed outside Goldsmith: ${str(i.found)}, ledger says ${str(i.expected)}; ${str(i.action)}`,
      );
      if (str(i.repairedAt)) add(str(i.repairedAt), `audit: ${str(i.resource)}${where} put back: ${str(i.confirmed)}`);
    } else if (sk.startsWith(skPrefix.rollout)) {
      const record = rollouts.get(sk);
      for (const line of record ? rolloutHistory(record) : []) add(line.at, line.what, line.kind, ch, line.details);
    } else if (isAttemptRecord(i)) {
      for (const line of attemptStartLines(i)) add(line.at, line.what, 'RESUMED');
    } else if (sk.startsWith('RETIRE')) {
      add(str(i.at), `retire: ${str(i.reason)}`);
    }
  }
  // Instants, not strings, are compared; within an instant, cause before effect (core/ledger/causal-order.ts) and channels in order.
  const channelRank = (c: string | undefined) => (c === undefined ? -1 : channels.indexOf(c));
  return entries
    .filter(concerning(entries, channel))
    .sort(
      (a, b) =>
        Date.parse(a.at) - Date.parse(b.at) || channelRank(a.channel) - channelRank(b.channel) || a.rank - b.rank,
    )
    .map(({ rank: _rank, scope: _scope, ...entry }) => entry);
}
