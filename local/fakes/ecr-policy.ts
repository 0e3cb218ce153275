import { ECRServiceException, RepositoryPolicyNotFoundException } from '@aws-sdk/client-ecr';
import { errorFactory, type FakeCall, required } from './common.js';
import { err, invalid, type Repository } from './ecr-types.js';
import { compilePolicy, policyProblems, type RequestContext, resourcePolicyAllows } from './iam-conditions.js';

/** The ECR fake's repository policies: Get/Set/DeleteRepositoryPolicy, and their evaluation for cross-account pulls. */

/** The actions a cross-account pull needs (the audit asks the repository policy for all of them). */
export const PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];

/** https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html: policyText ≤ 10,240. */
const MAX_POLICY_LENGTH = 10_240;

/** Who asks to pull: an account and, for members, its organization id and path (the request context). */
export type PullerContext = (account: string) => RequestContext;

/** Whether the repository policy lets `account` pull (the owner, `accountId`, always can). */
export function pullAllowed(repo: Repository, account: string, accountId: string, context: PullerContext): boolean {
  if (account === accountId) return true;
  return resourcePolicyAllows(repo.policy, account, PULL_ACTIONS, context(account));
}

export function getRepositoryPolicy(repo: Repository, accountId: string): unknown {
  if (!repo.policy) {
    throw err(
      RepositoryPolicyNotFoundException,
      `Repository policy does not exist for the repository with name '${repo.name}' in the registry with id '${accountId}'`,
    );
  }
  return { registryId: accountId, repositoryName: repo.name, policyText: repo.policy };
}

export function setRepositoryPolicy(repo: Repository, input: Record<string, unknown>, accountId: string): unknown {
  const text = required(input, 'policyText', invalid);
  if (text.length > MAX_POLICY_LENGTH)
    throw invalid(
      `Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Member must have length less than or equal to ${MAX_POLICY_LENGTH}'`,
    );
  const problems = policyProblems(text);
  if (problems.length > 0) throw invalid(`Invalid repository policy provided: ${problems.join('; ')}`);
  repo.policy = text;
  return { registryId: accountId, repositoryName: repo.name, policyText: text };
}

export function deleteRepositoryPolicy(repo: Repository, accountId: string): unknown {
  if (!repo.policy)
    throw err(
      RepositoryPolicyNotFoundException,
      `Repository policy does not exist for the repository with name '${repo.name}'`,
    );
  const policyText = repo.policy;
  repo.policy = undefined;
  return { registryId: accountId, repositoryName: repo.name, policyText };
}

const SESSION = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;

/**
 * The repository policy's explicit Deny of one call in the repository's own account, or undefined: a Deny in a
 * resource policy applies to the account's own principals too ("an explicit deny in any of these policies overrides
 * the allow", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html), matched with
 * `aws:PrincipalArn` (a role session's role ARN,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn)
 * and `aws:PrincipalAccount`; ECR answers AccessDeniedException
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/CommonErrors.html) naming the explicit deny, as IAM words
 * it (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html). A call whose principal the
 * local cloud cannot tell is taken as the account's own administrator's: no exemption names it.
 */
export function deniedByPolicy(repo: Repository, call: FakeCall): Error | undefined {
  if (!repo.policy) return undefined;
  const session = call.principal ? SESSION.exec(call.principal) : null;
  const principalArn = session
    ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}`
    : (call.principal ?? `arn:aws:iam::${call.accountId}:user/administrator`);
  const action = `ecr:${call.action}`;
  const decision = compilePolicy(repo.policy).decision({
    account: call.accountId,
    principalArn,
    action,
    context: { 'aws:PrincipalArn': principalArn, 'aws:PrincipalAccount': call.accountId },
  });
  if (decision !== 'Denied') return undefined;
  return accessDenied(
    `User: ${call.principal ?? principalArn} is not authorized to perform: ${action} on resource: ${repo.arn} with an explicit deny in a resource-based policy`,
  );
}

const accessDenied = (message: string): Error => errorFactory(ECRServiceException)('AccessDeniedException', message);
