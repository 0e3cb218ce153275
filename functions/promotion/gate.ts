import { announce } from '../../aws/notifications.js';
import { getOutcome } from '../../aws/promotion-ledger.js';
import { announcement } from '../../core/notifications/announce.js';
import { buildLinks } from '../../core/notifications/links.js';
import { GateRejectedError } from '../../core/promotion/errors.js';
import { evaluateGate } from '../../core/promotion/gate.js';
import type { FindingCounts } from '../../core/promotion/types.js';
import { currentFindings } from './findings.js';
import { taskHandler } from './lambda.js';
import { channelItemSchema, parseTaskInput } from './schemas.js';

/** Gate's result: passed with the findings it saw, or not reached because the channel before was not promoted. */
export type GateResult = { passed: true; findings: FindingCounts } | { skipped: true; reason: string };

/**
 * Gate, per channel with that channel's policy. A channel is entered only after the one before it was promoted:
 * otherwise it is skipped, recording nothing (the earlier channel's outcome says why the promotion stopped).
 * Then: tests passed, findings within policy.
 * @throws GateRejectedError (Step Functions error `GateRejected`) with the reason, which the Catch records.
 */
export async function gate(input: unknown): Promise<GateResult> {
  const item = parseTaskInput(channelItemSchema, input, 'Gate');
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
  return { passed: true, findings };
}

export const handler = taskHandler('promotion-gate', gate);
