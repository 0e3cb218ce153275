import { GetAccountSettingsCommand } from '@aws-sdk/client-lambda';
import type { Catalog } from '../../core/config/schema.js';
import {
  BASELINE_FAILURE_TOLERANCE_PERCENTAGE,
  failedAccountsTolerated,
  memberBaselineTargets,
} from '../../core/sharing/member-baseline.js';
import { type OrgTree, resolveTargets, withoutMissingOus } from '../../core/sharing/targets.js';
import { factoryPrincipalWarnings } from '../../core/trust/factory-principals.js';
import { lambdaClient } from '../clients/lambda.js';
import type { PreflightCheck } from './preflight-check.js';
import { unreadable } from './preflight-errors.js';

/**
 * `goldsmith preflight`'s checks of the factory account's own limits and roles: Lambda's concurrency, the member
 * baseline's failure tolerance against the real organization, and IAM, which preflight cannot read.
 */

/**
 * Lambda concurrency in the home Region: the stacks reserve some, and Lambda keeps 100 unreserved, so the account's
 * concurrency must be at least `minimum` (stacks/reserved-concurrency.ts) or the deploy fails
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html). GetAccountSettings gives the account's
 * concurrency and what other reservations leave unreserved
 * (https://docs.aws.amazon.com/lambda/latest/api/API_GetAccountSettings.html).
 */
export async function lambdaConcurrencyCheck(region: string, minimum: number): Promise<PreflightCheck> {
  const name = 'Lambda concurrency';
  try {
    const out = await lambdaClient(region).send(new GetAccountSettingsCommand({}));
    const total = out.AccountLimit?.ConcurrentExecutions ?? 0;
    const unreserved = out.AccountLimit?.UnreservedConcurrentExecutions ?? total;
    if (total < minimum)
      return {
        name,
        status: 'missing',
        detail: `${total} concurrent executions in ${region}, Goldsmith's reservations need at least ${minimum}: ask for more in Service Quotas (AWS Lambda, "Concurrent executions": \`aws service-quotas request-service-quota-increase --service-code lambda --quota-code L-B99A9384 --desired-value ${minimum} --region ${region}\`)`,
      };
    const others = total - unreserved;
    return unreserved < minimum
      ? {
          name,
          status: 'missing',
          detail: `${total} in ${region}, but ${others} already reserved leaves ${unreserved}, less than the ${minimum} a first deploy needs (unless this stage's own reservations are among them): release other reservations or raise the quota`,
        }
      : { name, status: 'ok', detail: `${total} in ${region}, ${unreserved} unreserved (Goldsmith needs ${minimum})` };
  } catch (error) {
    return unreadable(name, `the account's Lambda concurrency in ${region}`, ['lambda:GetAccountSettings'], error);
  }
}

/**
 * How many failed accounts a member baseline operation tolerates per Region in the real organization: floor(10 % of
 * the accounts the StackSet reaches there)
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationPreferences.html); below
 * 10 accounts, none. Told, not required: the stacks set the tolerance.
 */
export function baselineToleranceCheck(catalog: Catalog, tree: OrgTree): PreflightCheck | undefined {
  if (!catalog.organization.memberBaseline.enabled) return undefined;
  const { ous } = memberBaselineTargets(catalog);
  if (ous.length === 0) return undefined;
  const none = { organization: false, accounts: [], accountTags: {}, exclude: { ous: [], accounts: [] } };
  const { spec, missing } = withoutMissingOus(tree, { ...none, ous });
  const accounts = resolveTargets(tree, spec).accounts.length;
  const tolerated = failedAccountsTolerated(accounts);
  const gone = missing.length > 0 ? `; ${missing.join(', ')} not in the organization` : '';
  return {
    name: 'member baseline failure tolerance',
    status: 'ok',
    detail:
      tolerated > 0
        ? `${accounts} account(s) per Region: an update stops in a Region after ${tolerated + 1} fail (${BASELINE_FAILURE_TOLERANCE_PERCENTAGE} %)${gone}`
        : `${accounts} account(s) per Region tolerate no failure (floor(${BASELINE_FAILURE_TOLERANCE_PERCENTAGE} % of ${accounts}) = 0): the first account whose baseline stack fails stops an update in that Region${gone}`,
  };
}

/**
 * IAM cannot be read here: Goldsmith has no IAM client (`@aws-sdk/client-iam` is not one of its dependencies). The
 * service-linked role must exist before the first deploy (the AMI key's policy names it), and IAM refuses unknown
 * principals in resource policies.
 */
/** A warning per operator or approver that is a principal of the factory account (core/trust/factory-principals.ts). */
export function factoryPrincipalChecks(catalog: Catalog, account: string): PreflightCheck[] {
  return factoryPrincipalWarnings(catalog, account).map((detail) => ({
    name: 'access in the factory account',
    status: 'warning',
    detail,
  }));
}

export function iamCheck(catalog: Catalog): PreflightCheck {
  const principals = [
    ...new Set([...catalog.access.operators, ...catalog.access.ci, ...Object.values(catalog.access.approvers).flat()]),
  ].filter((p) => p.startsWith('arn:aws:iam::'));
  const named =
    principals.length > 0
      ? `; each of the ${principals.length} principal(s) \`access\` names must exist (\`aws iam get-role --role-name <name>\` or \`aws iam get-user --user-name <name>\`)`
      : '';
  return {
    name: 'IAM',
    status: 'not checked',
    detail: `not readable here (Goldsmith has no IAM client): check by hand that \`aws iam get-role --role-name AWSServiceRoleForImageBuilder\` finds the role (else \`aws iam create-service-linked-role --aws-service-name imagebuilder.amazonaws.com\`)${named}`,
  };
}
