import { markSoakPassed } from '../../aws/promotion/promotion-facts.js';
import { SoakAbortedError } from '../../core/promotion/errors.js';
import { evaluateSoak } from '../../core/promotion/gate.js';
import { PreconditionsUnmetError, unmetSoakEnded } from '../../core/promotion/preconditions.js';
import type { FindingCounts } from '../../core/promotion/types.js';
import { currentFindings } from './findings.js';
import { stopIfHeld } from './held.js';
import { taskHandler } from './lambda.js';
import { trustedChannel } from './trusted.js';

/**
 * SoakCheck, after the soak: findings and revocations may have changed while the build soaked. Only a soak that
 * ended (its time elapsed, or an operator ended it early) is checked; a pass is recorded on the soak's item, what
 * Share and Publish require of a soaking channel.
 * @throws SoakAbortedError (Step Functions error `SoakAborted`) on news, which the Catch records as aborted.
 */
export async function soakCheck(input: unknown): Promise<{ passed: true; findings: FindingCounts }> {
  const { item, facts } = await trustedChannel(input, 'SoakCheck');
  const now = new Date();
  const unmet = unmetSoakEnded(facts, item.channel.name, now);
  if (unmet.length > 0) throw new PreconditionsUnmetError('SoakCheck', unmet);
  // Its parent revoked while it soaked: the soak ends the promotion (held.ts).
  await stopIfHeld(item, facts);
  const findings = await currentFindings(item.image, item.version, item.buildVersionArn);
  // A revocation already stopped trustedChannel (RevokedError); a requested one is news the soak must not pass. A
  // restored version is not revoked: its attempt through the gates again soaks like any other.
  const requested =
    facts.revocation && facts.revocation.state !== 'restored'
      ? { reason: facts.revocation.reason ?? 'no reason recorded' }
      : undefined;
  const verdict = evaluateSoak({ findings, revoked: requested }, item.channel.policy);
  if (!verdict.passed) throw new SoakAbortedError(verdict.reason);
  await markSoakPassed(item.image, item.version, item.channel.name, now.toISOString());
  return { passed: true, findings };
}

export const handler = taskHandler('promotion-soak-check', soakCheck);
