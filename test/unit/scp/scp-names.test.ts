import { describe, expect, it } from 'vitest';
import { wildcardMatch } from '../../../core/preflight/policies.js';
import {
  cloudFormationGeneratedName,
  constructPattern,
  deployedRoleNames,
  generatedPrefix,
  synthesizedRoleName,
} from '../../../core/scp/names.js';

const SUFFIX = '1U44TLUZ7OR55';

describe("CloudFormation's generated names, trimmed as AWS trims them", () => {
  it('keeps a name that fits, and trims the stack part first, down to 25 characters, then the logical id', () => {
    expect(cloudFormationGeneratedName('prod-goldsmith-Trust', 'OperatorServiceRole1A2B3C4D', SUFFIX, 64)).toBe(
      `prod-goldsmith-Trust-OperatorServiceRole1A2B3C4D-${SUFFIX}`,
    );
    // The observed trim: 70 characters, the stack part cut by six.
    expect(cloudFormationGeneratedName('MyStackDev-MyNestedApplicationStack', 'MyLambdaFunctionName', SUFFIX, 64)).toBe(
      'MyStackDev-MyNestedApplicatio-MyLambdaFunctionName-1U44TLUZ7OR55',
    );
    const doors = cloudFormationGeneratedName(
      'prod-goldsmith-Notifications',
      'AuditDoorsServiceRole5E6F7A8B',
      SUFFIX,
      64,
    );
    expect(doors).toBe(`prod-goldsmith-Notificati-AuditDoorsServiceRole5E6-${SUFFIX}`);
    expect(doors).toHaveLength(64);
  });

  // 4, 13 and 20 characters.
  const stages = ['prod', 'production-eu', 'production-eu-west-1'];
  const functions = [
    ['Notifications', 'AuditDoors'],
    ['Monitoring', 'AuditPolicies'],
    ['Promotion', 'Reconcile'],
    ['Promotion', 'AuditHoldings'],
    ['Promotion', 'ApprovalCallback'],
    ['Promotion', 'OnLifecycleRequest'],
    ['Trust', 'Operator'],
    ['Trust', 'RevokeEndpoint'],
    ['Trust', 'RollbackEndpoint'],
  ] as const;

  it.each(stages)("matches stage %s's roles, trimmed or not, by the policy's patterns", (stage) => {
    for (const [stack, construct] of functions) {
      const name = synthesizedRoleName(stage, stack, construct);
      expect(name.length).toBeLessThanOrEqual(64);
      expect(wildcardMatch(constructPattern(stage, stack, construct), name)).toBe(true);
      expect(wildcardMatch(`${generatedPrefix(stage)}*`, name)).toBe(true);
      // Another function of the same stack is not exempted by this one's pattern.
      expect(wildcardMatch(constructPattern(stage, stack, 'Other'), name)).toBe(false);
    }
  });

  it("exempts the operator endpoint's front door by a pattern its revoke and rollback doors' roles do not match", () => {
    for (const stage of stages) {
      const front = constructPattern(stage, 'Trust', 'Operator');
      expect(wildcardMatch(front, synthesizedRoleName(stage, 'Trust', 'Operator'))).toBe(true);
      expect(wildcardMatch(front, synthesizedRoleName(stage, 'Trust', 'RevokeEndpoint'))).toBe(false);
      expect(wildcardMatch(front, synthesizedRoleName(stage, 'Trust', 'RollbackEndpoint'))).toBe(false);
    }
  });

  it("shows the untrimmed exemption the page used to give missing the doors' auditor of prod", () => {
    const name = synthesizedRoleName('prod', 'Notifications', 'AuditDoors');
    expect(wildcardMatch('prod-goldsmith-Notifications-AuditDoors*', name)).toBe(false);
    expect(wildcardMatch(constructPattern('prod', 'Notifications', 'AuditDoors'), name)).toBe(true);
  });

  it('gives a long stage a shorter prefix: the stack part keeps its first 25 characters', () => {
    expect(generatedPrefix('prod')).toBe('prod-goldsmith-');
    expect(generatedPrefix('production-eu')).toBe('production-eu-goldsmith-');
    expect(generatedPrefix('production-eu-west-1')).toBe('production-eu-west-1-gold');
    const monitoring = synthesizedRoleName('production-eu-west-1', 'Monitoring', 'AuditPolicies');
    expect(wildcardMatch('production-eu-west-1-goldsmith-*', monitoring)).toBe(false);
  });

  it('takes the deployed name of a function role by its stack and logical id', () => {
    const names = deployedRoleNames('prod', [
      {
        stack: 'prod-goldsmith-Notifications',
        logicalId: 'AuditDoorsServiceRole5E6F7A8B',
        name: 'prod-goldsmith-Notificati-AuditDoorsServiceRole5E6-X',
      },
    ]);
    expect(names({ stack: 'Notifications', construct: 'AuditDoors' })).toBe(
      'prod-goldsmith-Notificati-AuditDoorsServiceRole5E6-X',
    );
    expect(names({ stack: 'Trust', construct: 'Operator' })).toBe(synthesizedRoleName('prod', 'Trust', 'Operator'));
  });
});
