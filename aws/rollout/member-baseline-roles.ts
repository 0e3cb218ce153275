import type { StackInstanceSummary } from '@aws-sdk/client-cloudformation';
import { paginateListParents } from '@aws-sdk/client-organizations';
import { classifyError } from '../../core/errors/classify.js';
import { rolloutRoleNameOfStack } from '../../core/names.js';
import { betweenInstances } from '../../core/rollout/moving.js';
import { memberRoleIdentity } from '../clients/member-role.js';
import { organizationsClient } from '../clients/organizations.js';
import { stsClient } from '../clients/sts.js';
import { baselineInstances } from '../sharing/baseline-instances.js';
import { credentialRefusal, dropIdentity, type MemberRole } from './member-session.js';

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
 * Likeliest to hold a live role first: CURRENT in the OU the account is in now (an account moved between two targeted
 * OUs holds its old instance, in the OU it left, until StackSets deletes it); then CURRENT with its last operation
 * SUCCEEDED; then an instance being created (OUTDATED, its operation PENDING or RUNNING: its role may not exist yet,
 * and STS refusing it gives way to the next); then one CURRENT whose operation is RUNNING (being deleted, as the old
 * instance of a moved account is); then the rest (FAILED, CANCELLED, INOPERABLE). `OrganizationalUnitId` is the OU
 * the instance was deployed for (service-managed). Fields and statuses:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstanceSummary.html and
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstanceComprehensiveStatus.html
 */
const rank = (s: StackInstanceSummary, currentOu: string | undefined) => {
  const detailed = s.StackInstanceStatus?.DetailedStatus;
  if (currentOu !== undefined && s.OrganizationalUnitId === currentOu && s.Status === 'CURRENT') return 0;
  if (s.Status === 'CURRENT' && detailed === 'SUCCEEDED') return 1;
  if (s.Status === 'OUTDATED' && (detailed === 'PENDING' || detailed === 'RUNNING')) return 2;
  if (s.Status === 'CURRENT' && detailed === 'RUNNING') return 3;
  return 4;
};

/** How deep OUs nest under the root: at most five levels (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html). */
const OU_DEPTH = 5;

/**
 * Which of `ous` the account is in now: its parent (Organizations ListParents, every page:
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListParents.html), else the nearest ancestor
 * among them (a StackSet targets an OU and every OU below it). Asked only when the account's instances name more than
 * one OU; a refusal (the account left the organization, no permission) leaves no preference rather than failing.
 */
async function currentOuOf(account: string, ous: ReadonlySet<string>): Promise<string | undefined> {
  let child = account;
  try {
    for (let level = 0; level <= OU_DEPTH; level++) {
      let parent: { Id?: string | undefined; Type?: string | undefined } | undefined;
      for await (const page of paginateListParents({ client: organizationsClient() }, { ChildId: child })) {
        parent ??= page.Parents?.[0];
      }
      if (!parent?.Id) return undefined;
      if (ous.has(parent.Id)) return parent.Id;
      if (parent.Type === 'ROOT') return undefined;
      child = parent.Id;
    }
  } catch (error) {
    if (classifyError(error) === 'transient') throw error;
  }
  return undefined;
}

/**
 * The names the account's rollout role may have, likeliest first: each of its stack instances' in `roleRegion`
 * (`goldsmith-<stage>-rollout-<8 hex>`, named after the instance's stack id), then the plain name a stack a team
 * deployed by hand gives it. An account moved between two targeted OUs holds two instances for a while, the new one
 * created before the old one is deleted (docs/aws-behaviours.md, CloudFormation), each with its own role: the one in
 * the OU the account is in now comes first.
 * ListStackInstances filters by account and Region
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListStackInstances.html).
 */
export async function rolloutRoleNames(lookup: RolloutRoleLookup, account: string): Promise<string[]> {
  const found = await baselineInstances(lookup, account, lookup.roleRegion);
  const ous = new Set(found.flatMap((s) => (s.OrganizationalUnitId ? [s.OrganizationalUnitId] : [])));
  const currentOu = ous.size > 1 ? await currentOuOf(account, ous) : undefined;
  const named = found
    .filter((s) => s.StackId)
    .sort((a, b) => rank(a, currentOu) - rank(b, currentOu))
    .map((s) => rolloutRoleNameOfStack(lookup.roleName, s.StackId ?? ''));
  return [...new Set([...named, lookup.roleName])];
}

/**
 * Whether the member baseline's StackSet lists the account between two stack instances in `roleRegion` (moving between
 * OUs: core/rollout/moving.ts), ListStackInstances filtered by account and Region, every page.
 */
export async function accountMoving(lookup: RolloutRoleLookup, account: string): Promise<boolean> {
  const listed = await baselineInstances(lookup, account, lookup.roleRegion);
  return betweenInstances(
    listed.map((s) => ({ status: String(s.Status ?? ''), detailed: s.StackInstanceStatus?.DetailedStatus })),
  );
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
 * Roles found to have no other to give way to, by `<key>/<role name>`, until when (ms): not listed again before then.
 * Per STS client, as the roles found are.
 */
const noOtherBy = new WeakMap<object, Map<string, number>>();
const NO_OTHER_MS = 60_000;

function noOtherOf(): Map<string, number> {
  const sts = stsClient();
  let memo = noOtherBy.get(sts);
  if (!memo) {
    memo = new Map();
    noOtherBy.set(sts, memo);
  }
  return memo;
}

/**
 * The first of {@link rolloutRoleNames} (but `except`) that STS lets the engine assume, held for the container
 * under `key`. A name STS refuses (AccessDenied: a role being deleted, or none of that name) gives way to the next;
 * any other answer (throttling) is thrown, so the step is retried. None left: STS's last refusal is thrown.
 */
async function findRole(
  lookup: RolloutRoleLookup,
  account: string,
  sessionName: string,
  key: string,
  except?: string,
): Promise<string> {
  let refused: unknown = Object.assign(new Error(`no rollout role of ${account} other than ${except}`), {
    name: 'AccessDenied',
  });
  for (const name of await rolloutRoleNames(lookup, account)) {
    if (name === except) continue;
    try {
      await memberRoleIdentity(account, name, sessionName).credentials();
      chosenOf().set(key, name);
      return name;
    } catch (error) {
      if ((error as Error).name !== 'AccessDenied') throw error;
      refused = error;
    }
  }
  throw refused;
}

/**
 * The account's rollout role, found when its credentials are first needed (see findRole) and held for the container
 * ({@link heldRolloutRoles}); once STS refuses the held role, the instances are listed again. Once a service refuses
 * the credentials of the role held ({@link MemberRole.renew}): an access denial (the role was deleted after they were
 * issued: the old stack instance of an account moved between OUs) lists the instances again and takes another role
 * than the refused one, dropping the refused role's credentials and clients; an expired token assumes again,
 * the refused role included. No other role: the refused one stays held and the refusal is the account's answer
 * (a denial of one group is no reason to list again for the next minute).
 */
export function rolloutRole(lookup: RolloutRoleLookup, account: string, sessionName: string): MemberRole {
  const key = `${account}/${lookup.roleName}/${sessionName}`;
  const identityOf = (name: string) => memberRoleIdentity(account, name, sessionName);
  return {
    identity: async () => {
      const held = chosenOf().get(key);
      if (held) {
        try {
          await identityOf(held).credentials();
          return identityOf(held);
        } catch (error) {
          if ((error as Error).name !== 'AccessDenied') throw error;
          chosenOf().delete(key);
        }
      }
      return identityOf(await findRole(lookup, account, sessionName, key));
    },
    renew: async (refused, error) => {
      const name = refused.key.split('/')[1] ?? '';
      const kind = credentialRefusal(error);
      if (kind === 'expired') {
        dropIdentity(refused);
        chosenOf().delete(key);
        return identityOf(await findRole(lookup, account, sessionName, key));
      }
      const memo = `${key}/${name}`;
      if ((noOtherOf().get(memo) ?? 0) > Date.now()) return undefined;
      try {
        const other = await findRole(lookup, account, sessionName, key, name);
        dropIdentity(refused);
        return identityOf(other);
      } catch (e) {
        if ((e as Error).name !== 'AccessDenied') throw e;
        noOtherOf().set(memo, Date.now() + NO_OTHER_MS);
        return undefined;
      }
    },
  };
}
