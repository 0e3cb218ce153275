import type { AccessSpec } from '../../core/config/access.js';
import { accountOf, principalMatches } from '../../core/trust/principals.js';
import { LOCAL_ACCOUNT, type LocalCloud } from '../simulator/cloud.js';
import { principalArnOf } from './bus-authorizer.js';
import { operatorFunctionArn, operatorsRoleArn } from './operator-doors.js';
import type { PolicyDocument } from './policies.js';

/**
 * The catalog's access principals that live in another account than Goldsmith's (a security account's roles, an IAM
 * Identity Center role of a member account). Cross-account access needs both sides to allow it: the resource's policy
 * in Goldsmith's account (the operators' role's trust policy, the operator function's resource policy, which the
 * stacks write from the catalog) and an identity-based policy in the principal's own account
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html;
 * for function URLs: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html). The local cloud has no such
 * account, so it stands in for its administrators: each principal the catalog names holds what docs/security.md tells
 * them to grant, and nothing else. A principal the catalog does not name holds nothing.
 */

export interface OperatorDoors {
  /** The operators' role's ARN, which `access.operators` may assume. */
  operatorsRole: string | undefined;
  /** The operator endpoint's front door's ARN: the one function `access.approvers`' principals invoke (approve, reject). */
  frontDoor: string | undefined;
}

function allow(action: string | string[], resource: string): PolicyDocument {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] };
}

/**
 * The identity policies `principalArn`'s own account attaches to it, when that account is not `homeAccount` and the
 * catalog names it: sts:AssumeRole on the operators' role for an operator; lambda:InvokeFunctionUrl and
 * lambda:InvokeFunction on the operator endpoint's front door for an approver (the revoke and rollback doors admit no
 * approver: stacks/trust/operator.ts). Empty for anyone else.
 */
export function outsideGrants(
  access: AccessSpec,
  homeAccount: string,
  principalArn: string,
  doors: OperatorDoors,
): PolicyDocument[] {
  if (accountOf(principalArn) === homeAccount) return [];
  const grants: PolicyDocument[] = [];
  const named = (list: readonly string[]) => list.some((p) => p === principalArn);
  if (doors.operatorsRole && named(access.operators)) grants.push(allow('sts:AssumeRole', doors.operatorsRole));
  if (doors.frontDoor && named(Object.values(access.approvers).flat())) {
    grants.push(allow(['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction'], doors.frontDoor));
  }
  return grants;
}

/**
 * `aws:PrincipalArn` of a caller as AWS reports it: a role session is its role's ARN, path included
 * (IAM Identity Center's roles live under `aws-reserved/sso.amazonaws.com/`); a session ARN carries no path, so the
 * role is found among those the catalog names (`known`), or taken to have none.
 */
export function callerPrincipalArn(principal: string, known: readonly string[]): string {
  const bare = principalArnOf(principal);
  if (bare === principal) return principal;
  return known.find((arn) => arn.includes(':role/') && principalMatches(arn, principal)) ?? bare;
}

/** Every IAM principal ARN the catalog's access names. */
export function accessPrincipals(access: AccessSpec): string[] {
  return [...access.ci, ...access.operators, ...Object.values(access.approvers).flat()].filter((p) =>
    p.startsWith('arn:'),
  );
}

/**
 * A caller as IAM evaluates it on the local cloud: its `aws:PrincipalArn` and its identity policies (the stacks' roles
 * carry their synthesized ones; a principal of another account the catalog names, what its own account grants it;
 * anyone else none).
 */
export function callerIdentity(
  cloud: LocalCloud,
  principal: string,
): { arn: string; identityPolicies: readonly PolicyDocument[] } {
  const access = cloud.catalog.access;
  const arn = callerPrincipalArn(principal, accessPrincipals(access));
  const own = cloud.rolePolicies.get(arn);
  if (own) return { arn, identityPolicies: own };
  const doors = { operatorsRole: operatorsRoleArn(cloud), frontDoor: operatorFunctionArn(cloud, 'operator') };
  return { arn, identityPolicies: outsideGrants(access, LOCAL_ACCOUNT, arn, doors) };
}
