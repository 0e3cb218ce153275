import { forgetMemberCredentials, memberRoleIdentity } from '../clients/member-role.js';
import { type ClientIdentity, forgetClientsOf } from '../clients/registry.js';

/**
 * How the rollout acts in a member account: through a role whose identity is resolved before the calls (its client
 * cache key names the chosen role, `<account>/<role name>/<session>`), and renewed once AWS refuses the credentials
 * it holds: the role was deleted after they were issued (an account moved between two targeted OUs loses its old
 * stack instance's role), or they expired.
 */

/** A member account's role as the rollout acts through it: its identity now, and another once AWS refused it. */
export interface MemberRole {
  identity(): Promise<ClientIdentity>;
  /** The identity to retry with once calls made as `refused` were refused with `error`; undefined: none. */
  renew(refused: ClientIdentity, error: unknown): Promise<ClientIdentity | undefined>;
}

/** One member account and Region, acting as the account's rollout role. */
export interface MemberScope {
  account: string;
  region: string;
  role: MemberRole;
}

/** A scope with the identity its calls are made as, resolved. */
export interface ActingScope {
  account: string;
  region: string;
  identity: ClientIdentity;
}

/**
 * What refuses a call because of the credentials it was signed with: `denied`, the role's permissions no longer allow
 * it (Auto Scaling's `AccessDenied`, EC2's `UnauthorizedOperation`): "Permissions assigned to temporary security
 * credentials are evaluated each time they are used … Once you remove all permissions from the credentials, AWS
 * requests that use them fail" (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_disable-perms.html,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/query-api-troubleshooting.html); `expired`, the token expired
 * or is no longer known (`ExpiredToken`, `ExpiredTokenException`, `InvalidClientTokenId`,
 * `UnrecognizedClientException`, EC2's `AuthFailure`:
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/CommonErrors.html,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/CommonErrors.html,
 * https://docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/common-errors.html).
 */
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);
const EXPIRED = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'AuthFailure',
]);

export function credentialRefusal(error: unknown): 'denied' | 'expired' | undefined {
  const name = (error as { name?: unknown } | null)?.name;
  if (typeof name !== 'string') return undefined;
  if (DENIED.has(name)) return 'denied';
  if (EXPIRED.has(name)) return 'expired';
  return undefined;
}

/**
 * Runs `act` as the scope's role. When AWS refuses the credentials (see {@link credentialRefusal}), the role is
 * renewed (the credentials and the clients that held them dropped, the role found again) and `act` runs once more
 * with the new identity; with no other identity, the refusal is thrown as it came. `act` must be safe to run twice:
 * each caller reads back what its first run may have done before it acts again.
 */
export async function asMember<T>(scope: MemberScope, act: (acting: ActingScope) => Promise<T>): Promise<T> {
  const where = { account: scope.account, region: scope.region };
  const identity = await scope.role.identity();
  try {
    return await act({ ...where, identity });
  } catch (error) {
    if (credentialRefusal(error) === undefined) throw error;
    const next = await scope.role.renew(identity, error);
    if (!next) throw error;
    return act({ ...where, identity: next });
  }
}

/** Drops what this container holds for `identity`: its credentials and every client signing with them. */
export function dropIdentity(identity: ClientIdentity): void {
  forgetMemberCredentials(identity);
  forgetClientsOf(identity);
}

/**
 * A role of one fixed name (no StackSet names it): renewed only when its credentials expired (assumed again); a
 * denial is the account's answer.
 */
export function fixedMemberRole(account: string, roleName: string, sessionName: string): MemberRole {
  const identity = memberRoleIdentity(account, roleName, sessionName);
  return {
    identity: async () => identity,
    renew: async (refused, error) => {
      if (credentialRefusal(error) !== 'expired') return undefined;
      dropIdentity(refused);
      return identity;
    },
  };
}
