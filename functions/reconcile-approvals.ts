import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { decisionKeys } from '../aws/approval-secret.js';
import { announce } from '../aws/notifications.js';
import {
  type ApprovalRecord,
  markApprovalUndeliverable,
  undeliveredDecisions,
  withdrawUnprovenDecision,
} from '../aws/promotion-approvals.js';
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
 * SendTask errors that say the task will never take an answer: the token is unknown or answered, or its wait timed
 * out (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html#API_SendTaskSuccess_Errors).
 */
const TASK_GONE = new Set(['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken']);

/** Whether a door of Goldsmith made this recorded decision: its proof verifies over exactly these fields. */
async function provenByADoor(a: ApprovalRecord, now: Date): Promise<boolean> {
  const { approvalId, decision, by, via, decidedAt: at, proof } = a;
  if (!decision || !by || !at || (via !== 'email' && via !== 'slack' && via !== 'operator')) return false;
  return provesDecision({ approvalId, decision, by, via, at }, proof, await decisionKeys(now));
}

/**
 * Refuses a decision no door proved: taken back (the approval is undecided again, for its approvers) and announced.
 * @returns false when a door decided it meanwhile (nothing was taken back; the next run delivers that decision).
 */
async function refuseUnproven(a: ApprovalRecord, now: Date): Promise<boolean> {
  if (!(await withdrawUnprovenDecision(a))) return false;
  const found = `${a.decision ?? 'a decision'} by ${a.by ?? 'nobody named'}${a.via ? ` (${a.via})` : ''} at ${a.decidedAt ?? 'no time'}`;
  const reason = 'no door of Goldsmith signed it: left undecided for an approver';
  logger.error('refused a recorded approval decision no door proved', {
    image: a.image,
    version: a.version,
    channel: a.channel,
    found,
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
 * `answerApproval`, never sent), oldest first per image, each only with its door's proof (core/promotion/decision-proof.ts):
 * a decision without one was written outside Goldsmith's doors and is taken back and announced instead. Idempotent: a delivered decision is marked sent, and a
 * second delivery of the same token would meet TaskDoesNotExist, which marks it undeliverable instead of failing.
 */
export async function deliverRecordedDecisions(images: readonly string[], now: Date): Promise<DecisionsReport> {
  const report: DecisionsReport = { delivered: [], pending: 0, undeliverable: [], failures: [] };
  const catalog = new Set(images);
  for (const approval of await undeliveredDecisions()) {
    const { image } = approval;
    // An image no longer in the catalog has no promotion to deliver to: left as it is.
    if (!catalog.has(image)) continue;
    const { version, channel, decision, by, decidedAt } = approval;
    const what = `${image} ${version} ${channel}`;
    if (!(await provenByADoor(approval, now))) {
      if (await refuseUnproven(approval, now)) report.refused = [...(report.refused ?? []), what];
      continue;
    }
    if (!decision || !by || !decidedAt) continue;
    try {
      const sent = await deliverDecision({ ...approval, decision, by, decidedAt }, now.toISOString());
      if (sent.sent === 'delivered') report.delivered.push(what);
      else report.pending++;
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (!TASK_GONE.has(name)) {
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
