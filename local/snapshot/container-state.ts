import {
  type HeldMemberCredentials,
  heldMemberCredentials,
  holdMemberCredentials,
} from '../../aws/clients/member-role.js';
import { type HeldSecrets, heldSecrets, holdSecrets } from '../../aws/promotion/approval-secret.js';
import { type HeldRolloutRoles, heldRolloutRoles, holdRolloutRoles } from '../../aws/rollout/member-baseline-roles.js';
import { heldOrganizationRef, holdOrganizationRef } from '../../aws/sharing/organization-ref.js';
import type { OrganizationRef } from '../../core/promotion/consumer-access.js';
import { type HeldOrganization, heldOrganization, holdOrganization } from '../../functions/sharing/channel-targets.js';
import { heldWarmClients, type WarmClient, warmClients } from './client-warmth.js';

/**
 * What the local cloud's Lambda container keeps between invocations, as a warm container on AWS does: the answers
 * its module-level caches hold (the organization's id from DescribeOrganization, asked once per container; the
 * organization's tree, reused while the ledger's copy is unchanged or for five minutes; the approval and decision
 * keys from Secrets Manager, reused for five minutes; each member-role client's credentials from STS AssumeRole,
 * renewed five minutes before they expire; the rollout role each account's session was found to have from
 * ListStackInstances). A save writes them down and an opened cloud holds them
 * again, so it makes no call the saved cloud would not have made: one call more draws the fault stream once more,
 * and from then on another request is throttled or failed than in the straight run.
 */
export interface SavedContainer {
  organizationRef?: OrganizationRef;
  organization?: HeldOrganization;
  secrets: HeldSecrets;
  memberCredentials: HeldMemberCredentials;
  /** The rollout role found for each account's session (aws/rollout/member-baseline-roles.ts); absent in older saves. */
  rolloutRoles?: HeldRolloutRoles;
  /** The SDK clients that had sent a request (client-warmth.ts), each warmed again on open. */
  clients: WarmClient[];
}

export function saveContainer(): SavedContainer {
  const organizationRef = heldOrganizationRef();
  const organization = heldOrganization();
  return {
    ...(organizationRef ? { organizationRef } : {}),
    ...(organization ? { organization } : {}),
    secrets: heldSecrets(),
    memberCredentials: heldMemberCredentials(),
    rolloutRoles: heldRolloutRoles(),
    clients: heldWarmClients(),
  };
}

/** Loads `saved` into the fresh cloud's container (its clients configured, its caches empty, its clients cold). */
export async function loadContainer(saved: SavedContainer): Promise<void> {
  if (saved.organizationRef) holdOrganizationRef(saved.organizationRef);
  if (saved.organization) holdOrganization(saved.organization);
  holdSecrets(saved.secrets);
  holdMemberCredentials(saved.memberCredentials);
  holdRolloutRoles(saved.rolloutRoles ?? {});
  await warmClients(saved.clients);
}
