/**
 * The calls a deploy makes with the deployer's own credentials (pure): what the service control policy must leave to
 * the role `goldsmith scp --deployer` exempts (default goldsmith-deployer), and what `goldsmith preflight` holds the
 * caller it runs as to when that caller is not that role. The CDK's bootstrap roles are assumed
 * (BootstrapRolesOnlyByTheDeployer), Goldsmith's stacks are changed with the CDK execution role
 * (StacksOnlyByTheDeployer, ExecRoleOnlyForGoldsmithStacks), and SST writes its bootstrap bucket's stack metadata
 * (SstBucketOnlyByTheDeployment).
 */

import type { ScpRequirement } from '../scp/spec.js';
import { sampleResources } from '../scp/statements.js';
import { type Caller, callerSays } from './caller.js';
import { denyingStatement, type ScpRequest, scpStatements } from './scp-evaluate.js';

/** The deployer's own calls on `stage`'s resources in `account` and `region`. */
export function deployerCalls(stage: string, account: string, region: string): ScpRequirement[] {
  const r = sampleResources(stage, account, region);
  const bootstrap = (kind: string) =>
    `arn:aws:iam::${r.account}:role/cdk-hnb659fds-${kind}-role-${r.account}-${region}`;
  return [
    { statement: 'BootstrapRolesOnlyByTheDeployer', action: 'sts:AssumeRole', resource: bootstrap('file-publishing') },
    { statement: 'BootstrapRolesOnlyByTheDeployer', action: 'sts:AssumeRole', resource: bootstrap('deploy') },
    {
      statement: 'ExecRoleOnlyForGoldsmithStacks',
      action: 'cloudformation:CreateChangeSet',
      resource: r.stack,
      context: { 'cloudformation:RoleArn': r.cfnExecRole },
    },
    {
      statement: 'SstBucketOnlyByTheDeployment',
      action: 's3:PutObject',
      resource: `arn:aws:s3:::sstbootstrap-${region.replaceAll('-', '')}a2b3c4d-0a1b2c3d4e5f/stackMetadata/${stage}.json`,
    },
  ];
}

/** The deployer's calls the policies `contents` refuse `principalArn`, each in people's words. */
export function deployerRefusals(
  contents: readonly string[],
  stage: string,
  account: string,
  region: string,
  principalArn: string,
): string[] {
  const statements = contents.flatMap(scpStatements);
  return deployerCalls(stage, account, region).flatMap((call) => {
    const request: ScpRequest = {
      action: call.action,
      resource: call.resource,
      context: { 'aws:PrincipalArn': principalArn, 'aws:PrincipalIsAWSService': 'false', ...call.context },
    };
    const by = denyingStatement(statements, request);
    return by === undefined ? [] : [`${call.action} on ${call.resource} (refused by ${by})`];
  });
}

/** The role preflight holds the SCP to: `--deployer`, else the role the caller is a session of, else the default. */
export function deployerOf(named: string | undefined, caller: Caller, fallback: string): string {
  return named ?? (caller.kind === 'role' ? caller.role : fallback);
}

/** Whether the caller deploys as the deployer: a session of that very role. */
export const isDeployer = (caller: Caller, deployer: string): boolean =>
  caller.kind === 'role' && caller.role === deployer;

/** What deploying as `caller` means, when it is not a session of the role `deployer`. */
export function notTheDeployer(caller: Caller, deployer: string): string {
  const who = callerSays(caller);
  switch (caller.kind) {
    case 'role':
      return `these credentials are ${who}, not of the deployer ${deployer}`;
    case 'root':
      return `these credentials are ${who}: SCPs bind a member account's root user like any other principal, and the SCP exempts the deployer ${deployer} by role name, never the root user (deploy as the role, a profile with role_arn)`;
    case 'user':
    case 'federated-user':
      return `these credentials are ${who}, not a role: the SCP exempts the deployer ${deployer} by role name, never a user (deploy as the role, a profile with role_arn)`;
    case 'other':
      return `these credentials are ${who}, not a session of the deployer ${deployer}`;
  }
}
