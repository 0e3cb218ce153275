import { getRevocation } from '../../aws/promotion-findings.js';
import { SoakAbortedError } from '../../core/promotion/errors.js';
import { evaluateSoak } from '../../core/promotion/gate.js';
import type { FindingCounts } from '../../core/promotion/types.js';
import { currentFindings } from './findings.js';
import { taskHandler } from './lambda.js';
import { channelItemSchema, parseTaskInput } from './schemas.js';

/**
 * SoakCheck, after the soak's Wait: findings and revocations may have changed while the build soaked.
 * @throws SoakAbortedError (Step Functions error `SoakAborted`) on news, which the Catch records as aborted.
 */
export async function soakCheck(input: unknown): Promise<{ passed: true; findings: FindingCounts }> {
  const item = parseTaskInput(channelItemSchema, input, 'SoakCheck');
  const [revocation, findings] = await Promise.all([
    getRevocation(item.image, item.version),
    currentFindings(item.image, item.version, item.buildVersionArn),
  ]);
  const verdict = evaluateSoak({ findings, revoked: revocation }, item.channel.policy);
  if (!verdict.passed) throw new SoakAbortedError(verdict.reason);
  return { passed: true, findings };
}

export const handler = taskHandler('promotion-soak-check', soakCheck);
