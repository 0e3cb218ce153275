import { principalArnOf } from '../trust/bus-authorizer.js';
import { evaluate, type PolicyDocument } from '../trust/policies.js';

/**
 * Roles in member accounts that a factory principal assumes (STS AssumeRole), and the sessions it gets: the role's
 * trust policy and the caller's own identity policies decide the AssumeRole, the role's permissions decide every call
 * made with the session's credentials, all evaluated by `@cloud-copilot/iam-simulate` as local/trust does for the
 * factory's own resources (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html:
 * a cross-account AssumeRole needs both the caller's identity policy and the role's trust policy to allow it).
 */

export interface MemberRole {
  readonly arn: string;
  readonly trust: PolicyDocument;
  readonly policies: readonly PolicyDocument[];
}

/** A role session: who acts, in which account, with which role. */
export interface RoleSession {
  readonly accessKeyId: string;
  readonly account: string;
  readonly roleArn: string;
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  readonly arn: string;
  /** The principal that assumed the role (its role ARN, for the audit's "by whom"). */
  readonly assumedBy: string;
}

/** An AccessDenied as the service words it: `code` is the error code, `message` its text. */
export interface AccessRefusal {
  readonly code: string;
  readonly message: string;
}

const ALLOW_ALL: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

export class MemberAccess {
  private readonly roles = new Map<string, MemberRole>();
  private readonly deleted = new Set<string>();
  private readonly sessions = new Map<string, RoleSession>();
  /** The latest session by its ARN (a call's principal): the same role and session name act alike. */
  private readonly byArn = new Map<string, RoleSession>();
  private counter = 0;

  /**
   * @param organizationOf the organization an account belongs to (for `aws:PrincipalOrgID`), if any.
   * @param callerPolicies a factory principal's identity policies (the synthesized ones); unknown principals are
   *   given `*` on `*`, so only the trust policy can stop them.
   */
  constructor(
    private readonly organizationOf: (account: string) => string | undefined,
    private callerPolicies: (roleArn: string) => readonly PolicyDocument[] | undefined = () => undefined,
  ) {}

  /** Where the factory principals' identity policies come from (the simulator's synthesized roles). */
  useCallerPolicies(lookup: (roleArn: string) => readonly PolicyDocument[] | undefined): void {
    this.callerPolicies = lookup;
  }

  /** Defines (or redefines) a role in a member account. */
  defineRole(role: MemberRole): void {
    this.roles.set(role.arn, role);
  }

  /** Deletes a role (its stack was deleted): assuming it is refused, and so are its sessions' calls. */
  removeRole(arn: string): void {
    if (this.roles.delete(arn)) this.deleted.add(arn);
  }

  /** The ARNs of the roles the member accounts hold now. */
  roleArns(): string[] {
    return [...this.roles.keys()].sort();
  }

  hasRole(arn: string): boolean {
    return this.roles.has(arn);
  }

  /** Whether the role is one of the member accounts' (defined now, or deleted since). */
  knows(arn: string): boolean {
    return this.roles.has(arn) || this.deleted.has(arn);
  }

  /** Whether `account` belongs to an organization the local cloud models (its roles are the ones defined here). */
  inOrganization(account: string): boolean {
    return this.organizationOf(account) !== undefined;
  }

  /** The session whose ARN signs a call, if it is one the STS fake issued. */
  sessionByArn(arn: string | undefined): RoleSession | undefined {
    return arn === undefined ? undefined : this.byArn.get(arn);
  }

  /** The session behind an access key the STS fake issued, if any. */
  session(accessKeyId: string | undefined): RoleSession | undefined {
    return accessKeyId === undefined ? undefined : this.sessions.get(accessKeyId);
  }

  /** STS AssumeRole by `caller` (a role or role session ARN): the session, or the AccessDenied STS answers. */
  async assume(caller: string, roleArn: string, sessionName: string): Promise<RoleSession | AccessRefusal> {
    const role = this.roles.get(roleArn);
    const callerArn = principalArnOf(caller);
    const callerAccount = callerArn.split(':')[4] ?? '';
    const roleAccount = roleArn.split(':')[4] ?? '';
    // https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html: AccessDenied, "User: <caller> is not
    // authorized to perform: sts:AssumeRole on resource: <role>".
    const denied = {
      code: 'AccessDenied',
      message: `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    };
    if (!role) return denied;
    const org = this.organizationOf(callerAccount);
    // aws:ResourceOrgID: the organization of the account that owns the role, which the caller's own policy may
    // require (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid).
    const resourceOrg = this.organizationOf(roleAccount);
    const { decision } = await evaluate({
      principal: callerArn,
      action: 'sts:AssumeRole',
      resource: roleArn,
      resourceAccount: roleAccount,
      context: {
        'aws:PrincipalArn': callerArn,
        'aws:PrincipalAccount': callerAccount,
        ...(org ? { 'aws:PrincipalOrgID': org } : {}),
        ...(resourceOrg ? { 'aws:ResourceOrgID': resourceOrg } : {}),
      },
      identityPolicies: this.callerPolicies(callerArn) ?? [ALLOW_ALL],
      resourcePolicy: role.trust,
    });
    if (decision !== 'Allowed') return denied;
    this.counter++;
    const accessKeyId = `ASIALOCAL${this.counter.toString(16).toUpperCase().padStart(11, '0')}`;
    const roleName = roleArn.split('/').at(-1) ?? roleArn;
    const session: RoleSession = {
      accessKeyId,
      account: roleAccount,
      roleArn,
      arn: `arn:aws:sts::${roleAccount}:assumed-role/${roleName}/${sessionName}`,
      assumedBy: callerArn,
    };
    this.sessions.set(accessKeyId, session);
    this.byArn.set(session.arn, session);
    return session;
  }

  /**
   * Whether the session's role allows `action` on `resource` with the resource's tags as `<service>:ResourceTag/<key>`
   * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2autoscaling.html); undefined
   * when allowed, else the refusal in the words AWS uses.
   */
  async authorize(
    session: RoleSession,
    action: string,
    resource: string,
    context: Record<string, string>,
  ): Promise<AccessRefusal | undefined> {
    const role = this.roles.get(session.roleArn);
    const { decision } = await evaluate({
      principal: session.roleArn,
      action,
      resource,
      resourceAccount: session.account,
      context: { 'aws:PrincipalArn': session.roleArn, 'aws:PrincipalAccount': session.account, ...context },
      identityPolicies: role?.policies ?? [],
    });
    if (decision === 'Allowed') return undefined;
    return {
      code: 'AccessDenied',
      message: `User: ${session.arn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
    };
  }
}

/** A request context's tag keys for a resource: `<prefix>:ResourceTag/<key>` = value. */
export function resourceTagContext(prefix: string, tags: ReadonlyMap<string, string>): Record<string, string> {
  const context: Record<string, string> = {};
  for (const [k, v] of tags) context[`${prefix}:ResourceTag/${k}`] = v;
  return context;
}
