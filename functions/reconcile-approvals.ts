import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { OpenWork } from '../aws/ledger/open-work.js';
import { announce } from '../aws/notifications/notifications.js';
import { decisionKeys } from '../aws/promotion/approval-secret.js';
import {
  type ApprovalRecord,
  markApprovalUndeliverable,
  undeliveredDecisions,
  withdrawUnprovenDecision,
} from '../aws/promotion/promotion-approvals.js';
import { isTaskGone } from '../aws/promotion/stepfunctions.js';
import { approvalTaskToken } from '../aws/promotion/task-tokens.js';
import { isTransient } from '../core/errors/classify.js';
import { announcement } from '../core/notifications/announce.js';
import { provesDecision } from '../core/promotion/decision-proof.js';
import { deliverDecision } from './lib/approval-decision.js';
import { logger, metrics } from './lib/powertools.js';

/** What delivering recorded approval decisions did in one reconciler run. */
export interface DecisionsReport {
  /** `image version channel` of each decision Step Functions took now. */
  delivered: string[];
  /** Decisions Step Functions is still unavailable for: left for the next run. */
  pending: number;
  /** Decisions whose task no longer waits (it timed out or its execution ended): kept, never re-sent. */
  undeliverable: string[];
  failures: string[];
  /** Decisions no door proved (written outside Goldsmith's doors): taken back, announced, never sent. */
  refused?: string[];
  /** How many of `failures` were not transient (a retry alone will not cure them). */
  permanentFailures?: number;
}

/**
 * Who may decide each image's channels, as the catalog says (image → channel → approvers). The ledger's own list of
 * approvers is no authority here: anyone who can write the ledger can write it.
 */
export type CatalogApprovers = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

/** The approvers of every catalog image's approval channels, from the images' promotion plans. */
export function catalogApprovers(
  plans: Readonly<
    Record<string, { channels: readonly { name: string; approval?: { approvers: string[] } | undefined }[] }>
  >,
): CatalogApprovers {
  return Object.fromEntries(
    Object.entries(plans).map(([image, plan]) => [
      image,
      Object.fromEntries(plan.channels.flatMap((c) => (c.approval ? [[c.name, c.approval.approvers]] : []))),
    ]),
  );
}

/**
 * Why a recorded decision must not be delivered, or undefined when a door of Goldsmith made it: its proof verifies
 * over exactly this request (image, version, channel, the token it was given on) and decision, and its approver is one
 * of the catalog's for the channel. A decision given before a retried RequestApproval took the request over was
 * signed on the token it was given on (`decidedOnToken`, opened as `decidedOn`): proven there, it is carried to the
 * current one.
 */
async function whyRefused(
  a: ApprovalRecord,
  decidedOn: string,
  approvers: CatalogApprovers,
  now: Date,
): Promise<string | undefined> {
  const { approvalId, image, version, channel, decision, by, via, decidedAt: at, proof, shownDigest: shown } = a;
  const unsigned = 'no door of Goldsmith signed it for this request: left undecided for an approver';
  if (!decision || !by || !at || (via !== 'email' && via !== 'slack' && via !== 'operator')) return unsigned;
  const taskToken = decidedOn;
  const claims = { approvalId, image, version, channel, taskToken, decision, by, via, at, shown };
  if (!provesDecision(claims, proof, await decisionKeys(now))) return unsigned;
  if (!approvers[image]?.[channel]?.includes(by)) {
    return `${by} is not an approver of ${channel} in the catalog: left undecided for an approver`;
  }
  return undefined;
}

/**
 * Refuses a decision no door proved for this request: taken back (the approval is undecided again, for its
 * approvers) and announced, with `reason`.
 * @returns false when a door decided it meanwhile (nothing was taken back; the next run delivers that decision).
 */
async function refuseUnproven(a: ApprovalRecord, reason: string, now: Date): Promise<boolean> {
  if (!(await withdrawUnprovenDecision(a))) return false;
  const found = `${a.decision ?? 'a decision'} by ${a.by ?? 'nobody named'}${a.via ? ` (${a.via})` : ''} at ${a.decidedAt ?? 'no time'}`;
  logger.error('refused a recorded approval decision no door proved', {
    image: a.image,
    version: a.version,
    channel: a.channel,
    found,
    reason,
  });
  metrics.addMetric('ApprovalDecisionsRefused', MetricUnit.Count, 1);
  await announce(
    announcement(
      'claim-refused',
      { image: a.image, version: a.version, channel: a.channel },
      { claim: 'approval-decision', found, reason },
      { at: now.toISOString(), key: `${a.approvalId}\n${a.decidedAt ?? ''}\n${a.proof ?? ''}` },
    ),
  );
  return true;
}

/**
 * Delivers every approval decision an approver gave while Step Functions was unavailable (recorded first by
 * `answerApproval`, never sent), oldest first per image, each only with its door's proof for this very request
 * (core/promotion/decision-proof.ts) and by one of the channel's approvers in the catalog (`approvers`): any other
 * decision was written outside Goldsmith's doors, or copied from another request, and is taken back and announced
 * instead. Idempotent: a delivered decision is marked sent, and a second delivery of the same token would meet
 * TaskDoesNotExist, which marks it undeliverable instead of failing.
 */
export async function deliverRecordedDecisions(
  approvers: CatalogApprovers,
  now: Date,
  /** What the run's read of the open-work index found (aws/ledger/open-work.ts), or nothing: a Query of its own. */
  read?: OpenWork,
): Promise<DecisionsReport> {
  const report: DecisionsReport = { delivered: [], pending: 0, undeliverable: [], failures: [] };
  for (const approval of await undeliveredDecisions(read)) {
    const { image } = approval;
    // An image no longer in the catalog has no promotion to deliver to: left as it is.
    if (!approvers[image]) continue;
    const { version, channel, decision, by, decidedAt } = approval;
    const what = `${image} ${version} ${channel}`;
    // The tokens as Step Functions gave them: the ledger holds them sealed (0.2.0: in the clear).
    let taskToken: string;
    let decidedOn: string;
    try {
      taskToken = await approvalTaskToken(approval, now);
      decidedOn = approval.decidedOnToken ? await approvalTaskToken(approval, now, approval.decidedOnToken) : taskToken;
    } catch (error) {
      report.failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    const refusal = await whyRefused(approval, decidedOn, approvers, now);
    if (refusal) {
      if (await refuseUnproven(approval, refusal, now)) report.refused = [...(report.refused ?? []), what];
      continue;
    }
    if (!decision || !by || !decidedAt) continue;
    try {
      const sent = await deliverDecision({ ...approval, taskToken, decision, by, decidedAt }, now.toISOString());
      if (sent.sent === 'delivered') report.delivered.push(what);
      else report.pending++;
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (!isTaskGone(error)) {
        report.failures.push(`${what}: ${message}`);
        if (!isTransient(error)) report.permanentFailures = (report.permanentFailures ?? 0) + 1;
        continue;
      }
      await markApprovalUndeliverable(image, version, channel, message);
      report.undeliverable.push(what);
      logger.error('a recorded approval decision can no longer be delivered', { image, version, channel, error });
    }
  }
  if (report.delivered.length > 0) {
    metrics.addMetric('ApprovalDecisionsDelivered', MetricUnit.Count, report.delivered.length);
    logger.warn('delivered approval decisions recorded while Step Functions was unavailable', {
      delivered: report.delivered,
    });
  }
  if (report.undeliverable.length > 0) {
    metrics.addMetric('ApprovalDecisionsUndeliverable', MetricUnit.Count, report.undeliverable.length);
  }
  return report;
}
