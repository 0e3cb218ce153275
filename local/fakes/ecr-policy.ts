import { RepositoryPolicyNotFoundException } from '@aws-sdk/client-ecr';
import { required } from './common.js';
import { err, invalid, type Repository } from './ecr-types.js';
import { policyProblems, type RequestContext, resourcePolicyAllows } from './iam-conditions.js';

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
