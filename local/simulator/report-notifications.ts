import type { MonthlySummary } from '../../core/notifications/monthly-summary.js';
import { changesBrief } from '../../core/sbom/changes-text.js';
import { approvalChangesSchema } from '../../events/approval-changes.js';
import type { SlackStandIn } from '../slack/stand-in.js';
import type { LocalCloud } from './cloud.js';

type Item = Record<string, unknown>;

/** What the ledger says about announcements: how many were made once, and the monthly summaries kept. */
export interface NotificationFigures {
  /** Announcements as the ledger's claims saw them: distinct ones made, every delivery that made one, and the
   * deliveries that published nothing because it was made before (re-delivered events, retried steps). */
  announcements: { distinct: number; deliveries: number; suppressed: number };
  /** The monthly summaries the ledger kept (one per month, whatever the deliveries), as they were announced. */
  summaries: MonthlySummary[];
}

/** What Slack received (the stand-in's count), and what the Slack function's backlog went through. */
export interface SlackFigures {
  posted: number;
  threads: number;
  updated: number;
  approvals: number;
  refused: number;
  rateLimited: number;
  /** Requests Slack answered with a 5xx (an outage). */
  failed?: number;
  /** Announcements whose post waited in the backlog (Slack refused it, or earlier ones waited) before it went. */
  deferred?: number;
  /** Announcements still waiting for Slack at the end of the run. */
  pending?: number;
}

/** The report's `announcements` and `summaries`, from the ledger's items. */
export function notificationFigures(items: readonly Item[]): NotificationFigures {
  const claims = items.filter((i) => i.kind === 'announcement');
  const deliveries = claims.reduce((n, c) => n + Number(c.deliveries ?? 1), 0);
  const summaries = items
    .filter((i) => i.kind === 'monthly-summary')
    .map((i) => i.detail as MonthlySummary)
    .sort((a, b) => a.month.localeCompare(b.month));
  return { announcements: { distinct: claims.length, deliveries, suppressed: deliveries - claims.length }, summaries };
}

/** The report's `slack`: the stand-in's counts, the button presses, and the backlog from the ledger. */
export function slackFigures(
  slack: SlackStandIn,
  items: readonly Item[],
  presses: { approvals: number; refused: number } | undefined,
): SlackFigures {
  return {
    posted: slack.stats.posted,
    threads: slack.threadCount(),
    updated: slack.stats.updated,
    approvals: presses?.approvals ?? 0,
    refused: presses?.refused ?? 0,
    rateLimited: slack.stats.rateLimited,
    failed: slack.stats.failed,
    deferred: items.filter(
      (m) => m.kind === 'slack-message' && (m.parkedAt !== undefined || m.deferredSince !== undefined),
    ).length,
    pending: items.filter((m) => m.kind === 'slack-pending').length,
  };
}

/** One announcement in the report's `notifications`. */
export interface ReportNotification {
  event: string;
  image: string;
  channel: string | null;
  at: string;
  subject: string;
  /** An approval request's changes against the channel's current version, in one line (core/sbom/changes-text.ts `changesBrief`). */
  changes?: string;
  /** A revocation's or a restore's why and who (`<reason> (by <who>)`): two revocations of a version told apart. */
  why?: string;
}

/** An announcement as published (its `default` body), read loosely: the parts the report takes from it. */
interface AnnouncedDoc {
  event?: unknown;
  detail?: { by?: unknown; reason?: unknown; changes?: unknown };
}

/** The announcements whose detail says who acted and why (`by`, `reason`), which the timeline tells. */
const TOLD_WHY = new Set(['revoked', 'version-restored']);

/** `<reason> (by <who>)` of a revocation or a restore, from the announcement's detail. */
function whyOf(n: AnnouncedDoc): string | undefined {
  if (typeof n.event !== 'string' || !TOLD_WHY.has(n.event)) return undefined;
  const { by, reason } = n.detail ?? {};
  return typeof by === 'string' && typeof reason === 'string' ? `${reason} (by ${by})` : undefined;
}

/** The one-line changes an announced approval request carries, if it is one that carries them. */
function changesOf(n: AnnouncedDoc): string | undefined {
  if (n.event !== 'approval-requested') return undefined;
  const changes = approvalChangesSchema.safeParse(n.detail?.changes);
  return changes.success ? changesBrief(changes.data) : undefined;
}

/** What Goldsmith announced on its notification topic so far (the SNS fake's messages), oldest first. */
export function notificationsOf(cloud: LocalCloud): ReportNotification[] {
  const notifyTopic = new Set(
    [...cloud.wiring.functions.values()].map((f) => f.environment.NOTIFY_TOPIC_ARN).filter((t): t is string => !!t),
  );
  return cloud.installed.fakes.sns.messages
    .filter((m) => notifyTopic.has(m.topicArn))
    .map((m) => {
      const doc = JSON.parse(m.message) as AnnouncedDoc;
      const changes = changesOf(doc);
      const why = whyOf(doc);
      return {
        event: m.attributes.event ?? '',
        image: m.attributes.image ?? '',
        channel: m.attributes.channel ?? null,
        at: m.at,
        subject: m.subject ?? '',
        ...(changes ? { changes } : {}),
        ...(why ? { why } : {}),
      };
    });
}
