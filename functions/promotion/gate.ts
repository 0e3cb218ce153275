import { statusesSeen } from '../../aws/promotion-ledger.js';
import { GateRejectedError } from '../../core/promotion/errors.js';
import { evaluateGate } from '../../core/promotion/gate.js';
import type { FindingCounts } from '../../core/promotion/types.js';
import { currentFindings } from './findings.js';
import { taskHandler } from './lambda.js';
import { channelItemSchema, parseTaskInput } from './schemas.js';

/**
 * Gate, per channel with that channel's policy: tests passed, findings within policy.
 * @throws GateRejectedError (Step Functions error `GateRejected`) with the reason, which the Catch records.
 */
export async function gate(input: unknown): Promise<{ passed: true; findings: FindingCounts }> {
  const item = parseTaskInput(channelItemSchema, input, 'Gate');
  const [seen, findings] = await Promise.all([
    statusesSeen(item.image, item.version),
    currentFindings(item.image, item.version, item.buildVersionArn),
  ]);
  const verdict = evaluateGate(
    { testsEnabled: item.build.testsEnabled, status: item.build.status, statusesSeen: seen, findings },
    item.channel.policy,
  );
  if (!verdict.passed) throw new GateRejectedError(verdict.reason);
  return { passed: true, findings };
}

export const handler = taskHandler('promotion-gate', gate);
