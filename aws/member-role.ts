import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { ClientIdentity } from './clients/registry.js';
import { stsClient } from './clients/sts.js';

/** Renew assumed credentials this long before they expire, so no request goes out with credentials about to lapse. */
const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * The identity of a role in a member account (`arn:aws:iam::<account>:role/<roleName>`), assumed through STS
 * AssumeRole with `sessionName` (which names the work in the member account's CloudTrail). The credentials are
 * fetched when a client first needs them and renewed before they expire; the factory's own STS client makes the call.
 */
export function memberRoleIdentity(account: string, roleName: string, sessionName: string): ClientIdentity {
  const roleArn = `arn:aws:iam::${account}:role/${roleName}`;
  let held: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date } | undefined;
  return {
    key: `${account}/${roleName}/${sessionName}`,
    credentials: async () => {
      if (held && held.expiration.getTime() - Date.now() > RENEW_BEFORE_MS) return held;
      const out = await stsClient().send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }));
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
        throw new Error(`AssumeRole of ${roleArn} returned no credentials`);
      }
      held = {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration ?? new Date(Date.now() + 15 * 60_000),
      };
      return held;
    },
  };
}
