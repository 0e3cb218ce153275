import { announce } from '../../aws/notifications.js';
import { getApproval } from '../../aws/promotion-approvals.js';
import { getOutcome } from '../../aws/promotion-ledger.js';
import { announcement } from '../../core/notifications/announce.js';
import { buildLinks } from '../../core/notifications/links.js';
import { ApprovalRejectedError, GateRejectedError } from '../../core/promotion/errors.js';
import { evaluateGate } from '../../core/promotion/gate.js';
import type { FindingCounts } from '../../core/promotion/types.js';
import { currentFindings } from './findings.js';
import { taskHandler } from './lambda.js';
import { refuseIfRevoked } from './revoked.js';
import { type ChannelItem, channelItemSchema, parseTaskInput } from './schemas.js';

/**
 * Gate's result: passed with the findings it saw (and, in a resumed promotion, the approval its paused execution
 * already got), or skipped: the channel before was not promoted, or this channel was decided before the pause.
 */
export type GateResult =
  | { passed: true; findings: FindingCounts; approved?: { decision: 'approved'; by: string; at: string } }
  | { skipped: true; reason: string };

/**
 * Gate, per channel with that channel's policy. A channel is entered only after the one before it was promoted:
 * otherwise it is skipped, recording nothing (the earlier channel's outcome says why the promotion stopped).
 * Then: tests passed, findings within policy.
 * @throws GateRejectedError (Step Functions error `GateRejected`) with the reason, which the Catch records.
 */
export async function gate(input: unknown): Promise<GateResult> {
  const item = parseTaskInput(channelItemSchema, input, 'Gate');
  await refuseIfRevoked(item.image, item.version);
  // A resumed promotion (a new execution of a paused build) passes the channels its paused execution decided.
  const decided = await getOutcome(item.image, item.version, item.channel.name);
  if (decided?.outcome) return { skipped: true, reason: `${item.channel.name} already ${decided.outcome}` };
  const previous = item.channel.after;
  if (previous) {
    const before = await getOutcome(item.image, item.version, previous);
    if (before?.outcome !== 'promoted') return { skipped: true, reason: `${previous} was not promoted` };
  }
  const findings = await currentFindings(item.image, item.version, item.buildVersionArn);
  const verdict = evaluateGate(
    { testsEnabled: item.build.testsEnabled, status: item.build.status, findings },
    item.channel.policy,
  );
  if (!verdict.passed) throw new GateRejectedError(verdict.reason);
  await announce(
    announcement(
      'gate-passed',
      { image: item.image, version: item.version, channel: item.channel.name },
      { findings: { critical: findings.critical, high: findings.high, medium: findings.medium } },
      { at: new Date().toISOString(), links: buildLinks(item.buildVersionArn) },
    ),
  );
  const approved = item.channel.approval ? await approvalCarriedOver(item) : undefined;
  return approved ? { passed: true, findings, approved } : { passed: true, findings };
}

/**
 * The approval a paused execution of this build got for this channel before it paused (the approver's answer
 * stands; asking again would be refused, one request per build and channel). A rejection carried over ends the
 * channel as rejected.
 */
async function approvalCarriedOver(
  item: ChannelItem,
): Promise<{ decision: 'approved'; by: string; at: string } | undefined> {
  const approval = await getApproval(item.image, item.version, item.channel.name);
  if (!approval?.decision || !approval.by || !approval.decidedAt) return undefined;
  if (approval.decision === 'reject') throw new ApprovalRejectedError(approval.by, approval.reason);
  return { decision: 'approved', by: approval.by, at: approval.decidedAt };
}

export const handler = taskHandler('promotion-gate', gate);
