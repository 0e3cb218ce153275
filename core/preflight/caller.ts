/**
 * Who `goldsmith preflight` runs as, from STS GetCallerIdentity's `Arn` (pure), and the principal ARN a service control
 * policy sees for it (`aws:PrincipalArn`). The ARN formats
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns, and GetCallerIdentity's
 * examples: https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html):
 * - a role session `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` (the role's path is not in it);
 * - an IAM user `arn:aws:iam::ACCOUNT:user/PATH/NAME`; the root user `arn:aws:iam::ACCOUNT:root`;
 * - a federated user (GetFederationToken) `arn:aws:sts::ACCOUNT:federated-user/NAME`.
 * For a role session `aws:PrincipalArn` is the role's ARN, not the session's; for a user, the user's; for the root
 * user, the account's root ARN
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn).
 */

export type Caller =
  | { kind: 'role'; account: string; role: string; session: string; principalArn: string }
  | { kind: 'user'; account: string; name: string; principalArn: string }
  | { kind: 'root'; account: string; principalArn: string }
  | { kind: 'federated-user'; account: string; name: string; principalArn: string }
  | { kind: 'other'; arn: string };

const ARN = /^arn:(aws[a-z-]*):(sts|iam)::(\d{12}):(.+)$/;

/** The caller an STS ARN names. */
export function callerOf(arn: string): Caller {
  const m = ARN.exec(arn);
  if (!m) return { kind: 'other', arn };
  const [, partition, service, account, rest] = m as unknown as [string, string, string, string, string];
  const iam = `arn:${partition}:iam::${account}`;
  if (service === 'sts' && rest.startsWith('assumed-role/')) {
    const [role = '', ...session] = rest.slice('assumed-role/'.length).split('/');
    if (role === '' || session.length === 0) return { kind: 'other', arn };
    // A role with a path: the session ARN leaves the path out, and so does the principal ARN taken from it (as the
    // policy's `arn:aws:iam::*:role/NAME` exemptions do; docs/upgrading/preflight.md says so).
    return { kind: 'role', account, role, session: session.join('/'), principalArn: `${iam}:role/${role}` };
  }
  if (service === 'sts' && rest.startsWith('federated-user/'))
    return { kind: 'federated-user', account, name: rest.slice('federated-user/'.length), principalArn: arn };
  if (service === 'iam' && rest === 'root') return { kind: 'root', account, principalArn: arn };
  if (service === 'iam' && rest.startsWith('user/'))
    return { kind: 'user', account, name: rest.split('/').at(-1) ?? '', principalArn: arn };
  return { kind: 'other', arn };
}

/** The caller in people's words. */
export function callerSays(caller: Caller): string {
  switch (caller.kind) {
    case 'role':
      return `a session (${caller.session}) of role ${caller.role}`;
    case 'user':
      return `IAM user ${caller.name}`;
    case 'root':
      return `the root user of ${caller.account}`;
    case 'federated-user':
      return `federated user ${caller.name}`;
    case 'other':
      return caller.arn;
  }
}
