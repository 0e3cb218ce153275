import { rolloutEngineRoleName, rolloutRoleName } from '../../core/names.js';
import { rolloutRolePolicy, rolloutTrustPolicy } from '../../core/rollout/member-role.js';
import type { PolicyDocument } from '../trust/policies.js';
import type { MemberRole } from './member-access.js';

/**
 * The member account's rollout role (`goldsmith-<stage>-rollout`) exactly as the member baseline's template deploys
 * it (core/rollout/member-role.ts): trusted by the factory's rollout engine role by name within the
 * organization, with the same permissions, so the fakes evaluate what deploys.
 */

/** `arn:aws:iam::<account>:role/goldsmith-<stage>-rollout`. */
export function rolloutRoleArn(account: string, stage: string): string {
  return `arn:aws:iam::${account}:role/${rolloutRoleName(stage)}`;
}

/** The factory's rollout engine role, `arn:aws:iam::<factory>:role/goldsmith-<stage>-rollout-engine`. */
export function rolloutEngineArn(factoryAccount: string, stage: string): string {
  return `arn:aws:iam::${factoryAccount}:role/${rolloutEngineRoleName(stage)}`;
}

function policyDocument(doc: Record<string, unknown>): PolicyDocument {
  const { Version, Statement } = doc;
  if (typeof Version !== 'string' || !Array.isArray(Statement)) throw new Error('not an IAM policy document');
  return { Version, Statement };
}

/**
 * The role in `account`, as the template declares it with plain values for its CloudFormation expressions, acting on
 * groups and templates tagged with one of `follows`.
 */
export function memberRolloutRole(
  account: string,
  stage: string,
  factoryAccount: string,
  organizationId: string,
  follows: readonly string[],
): MemberRole {
  return {
    arn: rolloutRoleArn(account, stage),
    trust: policyDocument(rolloutTrustPolicy(factoryAccount, rolloutEngineArn(factoryAccount, stage), organizationId)),
    policies: [policyDocument(rolloutRolePolicy(follows))],
  };
}
