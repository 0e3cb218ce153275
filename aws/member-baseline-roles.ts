import { paginateListStackInstances, type StackInstanceSummary } from '@aws-sdk/client-cloudformation';
import { rolloutRoleNameOfStack } from '../core/names.js';
import { cloudFormationClient } from './clients/cloudformation.js';
import type { ClientIdentity } from './clients/registry.js';
import { memberRoleIdentity } from './member-role.js';

/**
 * Where the member baseline's stack instances are listed: its StackSet, how the factory calls as its administrator,
 * the Region whose instance declares the account's rollout role (IAM is global: one instance per account), and the
 * role's plain name (`goldsmith-<stage>-rollout`).
 */
export interface RolloutRoleLookup {
  stackSetName: string;
  callAs: 'SELF' | 'DELEGATED_ADMIN';
  roleRegion: string;
  roleName: string;
}

/** CURRENT with its last operation SUCCEEDED first: an instance being deleted is RUNNING. */
const rank = (s: StackInstanceSummary) =>
  (s.Status === 'CURRENT' ? 0 : 2) + (s.StackInstanceStatus?.DetailedStatus === 'SUCCEEDED' ? 0 : 1);

/**
 * The names the account's rollout role may have, likeliest first: each of its stack instances' in `roleRegion`
 * (`goldsmith-<stage>-rollout-<8 hex>`, named after the instance's stack id), then the plain name a stack a team
 * deployed by hand gives it. An account moved between two targeted OUs holds two instances for a while, the new one
 * created before the old one is deleted (docs/aws-behaviours.md, CloudFormation), each with its own role.
 * ListStackInstances filters by account and Region
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListStackInstances.html).
 */
export async function rolloutRoleNames(lookup: RolloutRoleLookup, account: string): Promise<string[]> {
  const found: StackInstanceSummary[] = [];
  const pages = paginateListStackInstances(
    { client: cloudFormationClient() },
    {
      StackSetName: lookup.stackSetName,
      StackInstanceAccount: account,
      StackInstanceRegion: lookup.roleRegion,
      CallAs: lookup.callAs,
    },
  );
  for await (const page of pages) found.push(...(page.Summaries ?? []));
  const named = found
    .filter((s) => s.StackId)
    .sort((a, b) => rank(a) - rank(b))
    .map((s) => rolloutRoleNameOfStack(lookup.roleName, s.StackId ?? ''));
  return [...new Set([...named, lookup.roleName])];
}

/**
 * The account's rollout role, found when its credentials are first needed: the first of {@link rolloutRoleNames}
 * that STS lets the engine assume. A name STS refuses (AccessDenied: a role being deleted, or none of that name) gives
 * way to the next; any other answer (throttling) is thrown, so the step is retried.
 */
export function rolloutRoleIdentity(lookup: RolloutRoleLookup, account: string, sessionName: string): ClientIdentity {
  let chosen: ClientIdentity | undefined;
  return {
    key: `${account}/${lookup.roleName}*/${sessionName}`,
    credentials: async () => {
      if (chosen) return chosen.credentials();
      let refused: unknown;
      for (const name of await rolloutRoleNames(lookup, account)) {
        const identity = memberRoleIdentity(account, name, sessionName);
        try {
          const credentials = await identity.credentials();
          chosen = identity;
          return credentials;
        } catch (error) {
          if ((error as Error).name !== 'AccessDenied') throw error;
          refused = error;
        }
      }
      throw refused;
    },
  };
}
