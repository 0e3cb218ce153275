import { paginateListStackInstances, type StackInstanceSummary } from '@aws-sdk/client-cloudformation';
import { rolloutRoleNameOfStack } from '../../core/names.js';
import { cloudFormationClient } from '../clients/cloudformation.js';
import { memberRoleIdentity } from '../clients/member-role.js';
import type { ClientIdentity } from '../clients/registry.js';
import { stsClient } from '../clients/sts.js';

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

/**
 * Likeliest to hold a live role first: CURRENT with its last operation SUCCEEDED; then an instance being created
 * (OUTDATED, its operation PENDING or RUNNING: its role may not exist yet, and STS refusing it gives way to the next);
 * then one CURRENT whose operation is RUNNING (being deleted, as the old instance of an account moved between OUs is);
 * then the rest (FAILED, CANCELLED, INOPERABLE). Statuses:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstanceSummary.html and
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstanceComprehensiveStatus.html
 */
const rank = (s: StackInstanceSummary) => {
  const detailed = s.StackInstanceStatus?.DetailedStatus;
  if (s.Status === 'CURRENT' && detailed === 'SUCCEEDED') return 0;
  if (s.Status === 'OUTDATED' && (detailed === 'PENDING' || detailed === 'RUNNING')) return 1;
  if (s.Status === 'CURRENT' && detailed === 'RUNNING') return 2;
  return 3;
};

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
 * The rollout role each account's session was found to have, by `<account>/<plain role name>/<session>`: held by the
 * container (per STS client, as the credentials are: another local cloud finds them again), so every client acting
 * for that session, built in this invocation or a later one, assumes the same role without listing the instances
 * again. A saved local cloud keeps it (local/snapshot/container-state.ts), as a warm container would.
 */
const chosenBy = new WeakMap<object, Map<string, string>>();

function chosenOf(): Map<string, string> {
  const sts = stsClient();
  let chosen = chosenBy.get(sts);
  if (!chosen) {
    chosen = new Map();
    chosenBy.set(sts, chosen);
  }
  return chosen;
}

/** The rollout roles this container has found, as data (`<account>/<plain role name>/<session>` → role name). */
export type HeldRolloutRoles = Record<string, string>;

export function heldRolloutRoles(): HeldRolloutRoles {
  return Object.fromEntries(chosenOf());
}

/** Holds `held`, as a container that had found those roles would. */
export function holdRolloutRoles(held: HeldRolloutRoles): void {
  const chosen = chosenOf();
  for (const [key, name] of Object.entries(held)) chosen.set(key, name);
}

/**
 * The account's rollout role, found when its credentials are first needed: the first of {@link rolloutRoleNames}
 * that STS lets the engine assume. A name STS refuses (AccessDenied: a role being deleted, or none of that name) gives
 * way to the next; any other answer (throttling) is thrown, so the step is retried. The role found is held for the
 * container ({@link heldRolloutRoles}); once STS refuses it, the instances are listed again.
 */
export function rolloutRoleIdentity(lookup: RolloutRoleLookup, account: string, sessionName: string): ClientIdentity {
  const key = `${account}/${lookup.roleName}/${sessionName}`;
  return {
    key: `${account}/${lookup.roleName}*/${sessionName}`,
    credentials: async () => {
      const held = chosenOf().get(key);
      if (held) {
        try {
          return await memberRoleIdentity(account, held, sessionName).credentials();
        } catch (error) {
          if ((error as Error).name !== 'AccessDenied') throw error;
          chosenOf().delete(key);
        }
      }
      let refused: unknown;
      for (const name of await rolloutRoleNames(lookup, account)) {
        const identity = memberRoleIdentity(account, name, sessionName);
        try {
          const credentials = await identity.credentials();
          chosenOf().set(key, name);
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
