import { type Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Function as SstFunction } from 'sst/constructs';
import type { Catalog } from '../../core/config/schema.js';
import { inspectorFindingsRoleName, onFindingRoleName } from '../names.js';

/**
 * Where on-finding reads a finding back (aws/lifecycle/inspector-findings.ts). When the factory is Inspector's delegated
 * administrator: ListFindings with its own role (ListFindings takes no resource type:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoninspector2.html). When another account
 * is (`organization.inspectorAdministrator`): only the administrator lists its members' findings
 * (https://docs.aws.amazon.com/inspector/latest/user/admin-member-relationship.html), so on-finding runs as a named
 * role (`goldsmith-<stage>-on-finding`, which that account's role trusts by ARN: core/lifecycle/inspector-reader.ts)
 * that may assume exactly that account's `goldsmith-<stage>-inspector-findings` role, and reads nothing itself.
 */

/** The on-finding role when another account is Inspector's administrator, else undefined (SST makes its own). */
export function onFindingRole(stack: Stack, catalog: Catalog, stage: string): iam.Role | undefined {
  const administrator = catalog.organization.inspectorAdministrator;
  if (administrator === undefined) return undefined;
  if (!Token.isUnresolved(stack.account) && stack.account === administrator) {
    throw new Error(
      `organization.inspectorAdministrator: ${administrator} is the factory account itself; leave the field out when the factory is Inspector's delegated administrator`,
    );
  }
  // The id SST gives the role it makes for a function (`<id>ServiceRole`), so what is said of that role's policy
  // (scripts/readiness/nag-suppressions.ts) holds for this one.
  return new iam.Role(stack, 'OnFindingServiceRole', {
    roleName: onFindingRoleName(stage),
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
  });
}

/** Grants on-finding its read of findings, and tells it where to read (`INSPECTOR_FINDINGS_ROLE_ARN`). */
export function allowFindingReads(stack: Stack, onFinding: SstFunction, catalog: Catalog, stage: string): void {
  const administrator = catalog.organization.inspectorAdministrator;
  if (administrator === undefined) {
    onFinding.addToRolePolicy(new iam.PolicyStatement({ actions: ['inspector2:ListFindings'], resources: ['*'] }));
    return;
  }
  const roleArn = `arn:${stack.partition}:iam::${administrator}:role/${inspectorFindingsRoleName(stage)}`;
  onFinding.addEnvironment('INSPECTOR_FINDINGS_ROLE_ARN', roleArn);
  onFinding.addToRolePolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [roleArn] }));
}
