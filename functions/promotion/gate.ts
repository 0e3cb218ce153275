import { announce } from '../../aws/notifications/notifications.js';
import { recordGatePassed } from '../../aws/promotion/promotion-facts.js';
import { announcement } from '../../core/notifications/announce.js';
import { buildLinks } from '../../core/notifications/links.js';
import { ApprovalRejectedError, GateRejectedError } from '../../core/promotion/errors.js';
import { evaluateGate } from '../../core/promotion/gate.js';
import { soakAlreadyEnded, unmetPrevious } from '../../core/promotion/preconditions.js';
import type { FindingCounts } from '../../core/promotion/types.js';
import { gateFindings } from './findings.js';
import { stopIfHeld } from './held.js';
import { taskHandler } from './lambda.js';
import { type TrustedChannel, trustedChannel } from './trusted.js';

/**
 * Gate's result: passed with the findings it saw (and, in a resumed promotion, the approval its paused execution
 * already got, and the soak it already finished: the machine goes on to SoakCheck instead of soaking again), or
 * skipped: the channel before was not promoted, or this channel was decided before the pause.
 */
export type GateResult =
  | {
      passed: true;
      findings: FindingCounts;
      approved?: { decision: 'approved'; by: string; at: string };
      soakEnded?: { startedAt: string; until: string };
    }
  | { skipped: true; reason: string };

/**
 * Gate, per channel with that channel's policy from the catalog, on the build as LoadImage read it from Image
 * Builder (trusted.ts: the input only names the build and the channel). A channel is entered only after the one
 * before it was promoted: otherwise it is skipped, recording nothing (the earlier channel's outcome says why the
 * promotion stopped). A build made on a revoked parent stops here (held.ts). Then: tests passed, findings within policy; the pass is recorded (`GATE#`), what Share and
 * Publish require.
 * @throws GateRejectedError (Step Functions error `GateRejected`) with the reason, which the Catch records.
 */
export async function gate(input: unknown): Promise<GateResult> {
  const { item, facts } = await trustedChannel(input, 'Gate');
  // A resumed promotion (a new execution of a paused build) passes the channels its paused execution decided.
  if (facts.outcome?.outcome) return { skipped: true, reason: `${item.channel.name} already ${facts.outcome.outcome}` };
  const previous = unmetPrevious(facts, item.channel);
  if (previous.length > 0) return { skipped: true, reason: previous.join('; ') };
  await stopIfHeld(item, facts);
  const findings = await gateFindings(item.image, item.version, item.buildVersionArn);
  const verdict = evaluateGate(
    { testsEnabled: item.build.testsEnabled, status: item.build.status, findings },
    item.channel.policy,
  );
  if (!verdict.passed) throw new GateRejectedError(verdict.reason);
  const at = new Date().toISOString();
  await recordGatePassed(item.image, item.version, item.channel.name, { passedAt: at, findings });
  await announce(
    announcement(
      'gate-passed',
      { image: item.image, version: item.version, channel: item.channel.name },
      { findings: { critical: findings.critical, high: findings.high, medium: findings.medium } },
      { at, links: buildLinks(item.buildVersionArn) },
    ),
  );
  const approved = item.channel.approval ? approvalCarriedOver({ item, facts }) : undefined;
  // Only with the approval carried over: a soak of a channel that asks for one follows the approval.
  const soakEnded = !item.channel.approval || approved ? soakAlreadyEnded(facts, item.channel, new Date()) : undefined;
  return { passed: true, findings, ...(approved ? { approved } : {}), ...(soakEnded ? { soakEnded } : {}) };
}

/**
 * The approval a paused execution of this build got for this channel before it paused (the approver's answer
 * stands; asking again would be refused, one request per build and channel). A rejection carried over ends the
 * channel as rejected.
 */
function approvalCarriedOver({
  item,
  facts,
}: Pick<TrustedChannel, 'item' | 'facts'>): { decision: 'approved'; by: string; at: string } | undefined {
  const approval = facts.approval;
  if (!approval?.decision || !approval.by || !approval.decidedAt) return undefined;
  if (approval.decision === 'reject') throw new ApprovalRejectedError(approval.by, approval.reason);
  return item.approval;
}

export const handler = taskHandler('promotion-gate', gate);
