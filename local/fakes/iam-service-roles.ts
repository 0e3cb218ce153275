/**
 * IAM's service-linked roles, per account, as far as the member baseline goes: CreateServiceLinkedRole and the
 * delay before a new role is visible to other services. IAM is global: one role per account, whatever the Region.
 */

/** The default role name per service (https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html). */
const ROLE_NAMES: Readonly<Record<string, string>> = {
  'autoscaling.amazonaws.com': 'AWSServiceRoleForAutoScaling',
};

/**
 * How long a new role takes to be seen by other services (KMS answers InvalidArnException for a grantee it cannot
 * see yet: https://github.com/hashicorp/terraform-provider-aws/pull/3038). IAM documents no figure, only that changes
 * "take time to propagate" (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency);
 * the fake takes 10 s, which makes the handler retry about three times.
 */
export const ROLE_PROPAGATION_MS = 10_000;

/** An error as the SDK v3 throws it: its `name` is the error shape's name. */
export class IamError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export class ServiceLinkedRolesFake {
  private readonly roles = new Map<string, { arn: string; createdAt: number }>();

  /** CreateServiceLinkedRole in `account` at virtual time `now`; InvalidInput "has been taken" when it exists. */
  create(
    account: string,
    service: string,
    now: number,
  ): { Role: { RoleName: string; RoleId: string; Arn: string; Path: string; CreateDate: Date } } {
    const name = ROLE_NAMES[service];
    if (!name) throw new IamError('InvalidInputException', `Unknown service ${service}`);
    const path = `/aws-service-role/${service}/`;
    const arn = `arn:aws:iam::${account}:role${path}${name}`;
    if (this.roles.has(arn))
      // https://github.com/DataDog/pathfinding-labs/issues/23
      throw new IamError(
        'InvalidInputException',
        `Service role name ${name} has been taken in this account, please try a different suffix.`,
      );
    this.roles.set(arn, { arn, createdAt: now });
    const roleId = `AROA${account}${this.roles.size.toString().padStart(5, '0')}`;
    return { Role: { RoleName: name, RoleId: roleId, Arn: arn, Path: path, CreateDate: new Date(now) } };
  }

  exists(arn: string): boolean {
    return this.roles.has(arn);
  }

  /** Whether other services (KMS) can see the role at `now`. */
  visibleAt(arn: string, now: number): boolean {
    const role = this.roles.get(arn);
    return role !== undefined && now >= role.createdAt + ROLE_PROPAGATION_MS;
  }
}
