import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { ClientIdentity } from './registry.js';
import { stsClient } from './sts.js';

/** Renew assumed credentials this long before they expire, so no request goes out with credentials about to lapse. */
const RENEW_BEFORE_MS = 5 * 60_000;

/** Assumed credentials as a client holds them. */
export interface HeldCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/**
 * The credentials this container holds, by role session (account, role and session name): every client acting as
 * that session uses them. Per STS client that assumed them: another client set, another local cloud, assumes again.
 */
const heldBy = new WeakMap<STSClient, Map<string, HeldCredentials>>();

function heldOf(sts: STSClient): Map<string, HeldCredentials> {
  let held = heldBy.get(sts);
  if (!held) {
    held = new Map();
    heldBy.set(sts, held);
  }
  return held;
}

/**
 * The identity of a role in a member account (`arn:aws:iam::<account>:role/<roleName>`), assumed through STS
 * AssumeRole with `sessionName` (which names the work in the member account's CloudTrail). The credentials are
 * fetched when a client first needs them and renewed before they expire; the factory's own STS client makes the call.
 */
export function memberRoleIdentity(account: string, roleName: string, sessionName: string): ClientIdentity {
  return assumedRoleIdentity(`arn:aws:iam::${account}:role/${roleName}`, sessionName);
}

/**
 * The identity of the role `roleArn` (`arn:<partition>:iam::<account>:role/<name>`) of another account, assumed as
 * {@link memberRoleIdentity} assumes a member role.
 */
export function assumedRoleIdentity(roleArn: string, sessionName: string): ClientIdentity {
  const [, , , , account = '', resource = ''] = roleArn.split(':');
  const key = `${account}/${resource.slice('role/'.length)}/${sessionName}`;
  return {
    key,
    credentials: async () => {
      const sts = stsClient();
      const held = heldOf(sts).get(key);
      if (held && held.expiration.getTime() - Date.now() > RENEW_BEFORE_MS) return held;
      const out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }));
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
        throw new Error(`AssumeRole of ${roleArn} returned no credentials`);
      }
      const fresh = {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration ?? new Date(Date.now() + 15 * 60_000),
      };
      heldOf(sts).set(key, fresh);
      return fresh;
    },
  };
}

/** Forgets the credentials held for `identity`'s role session (refused since): the next call assumes the role again. */
export function forgetMemberCredentials(identity: ClientIdentity): void {
  heldOf(stsClient()).delete(identity.key);
}

/** Assumed credentials as data, by role session (a saved local cloud keeps what a warm container held). */
export type HeldMemberCredentials = Record<string, Omit<HeldCredentials, 'expiration'> & { expiration: string }>;

/** The member-role credentials this container holds, as data. */
export function heldMemberCredentials(): HeldMemberCredentials {
  return Object.fromEntries(
    [...heldOf(stsClient())].map(([key, c]) => [key, { ...c, expiration: c.expiration.toISOString() }]),
  );
}

/** Holds `held`, as a container that had assumed those roles would. */
export function holdMemberCredentials(held: HeldMemberCredentials): void {
  const map = heldOf(stsClient());
  for (const [key, c] of Object.entries(held)) map.set(key, { ...c, expiration: new Date(c.expiration) });
}
