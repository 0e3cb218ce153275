/** The shapes of the StackSets fake (stacksets.ts): its request, its instances, its operations, its quotas and errors. */

/** CreateStackSet's request, as the stack's AWS::CloudFormation::StackSet properties give it. */
export interface CreateStackSetInput {
  StackSetName: string;
  TemplateBody: string;
  PermissionModel: 'SERVICE_MANAGED' | 'SELF_MANAGED';
  CallAs?: 'SELF' | 'DELEGATED_ADMIN';
  AutoDeployment?: { Enabled: boolean; RetainStacksOnAccountRemoval?: boolean };
  ManagedExecution?: { Active: boolean };
  Capabilities?: string[];
  Parameters?: { ParameterKey: string; ParameterValue: string }[];
}

/**
 * How StackSets runs an operation we start (CreateStackInstances): its OperationPreferences
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationPreferences.html).
 * Auto-deployments ignore them.
 */
export interface OperationPreferences {
  RegionConcurrencyType?: 'SEQUENTIAL' | 'PARALLEL';
  RegionOrder?: string[];
  FailureToleranceCount?: number;
  FailureTolerancePercentage?: number;
  MaxConcurrentCount?: number;
  MaxConcurrentPercentage?: number;
  ConcurrencyMode?: 'STRICT_FAILURE_TOLERANCE' | 'SOFT_FAILURE_TOLERANCE';
}

/** CURRENT: the stack is up to date; OUTDATED: its stack failed, or the operation cancelled it (statusReason says why). */
export type StackInstanceStatus = 'CURRENT' | 'OUTDATED';

/**
 * One stack instance, as light as 79,000 of them need to be: its account and Region (strings the organization and
 * the stack set already hold), its status, the custom resources' physical ids and when its stack finished. The
 * template and the parameters are the stack set's, shared by every instance.
 */
export interface StackInstance {
  account: string;
  region: string;
  /** The stack's id (`arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>`): each instance its own. */
  stackId: string;
  /** The targeted OU the instance was created for (the most specific one above the account). */
  ou: string;
  status: StackInstanceStatus;
  statusReason: string;
  /** The custom resources' physical ids and the named roles the stack made, by logical id (Delete hands them back). */
  physicalIds: Record<string, string>;
  /** When the instance's stack finished (virtual ms). */
  at: number;
  /**
   * A moved account's new instance: when its stack started (virtual ms). Until `at` it is listed as being created
   * (OUTDATED, RUNNING). Absent for the others, which are listed as they ended.
   */
  createdFrom?: number;
  /**
   * A moved account's old instance being deleted: from when (virtual ms); until then it is listed CURRENT, then CURRENT
   * with its operation RUNNING until its deletion ends (`at`), then no more.
   */
  deletingFrom?: number;
}

/**
 * StackSets' quotas the fake enforces (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html):
 * stack instances per stack set, and operations queued on a stack set with managed execution. The third,
 * 10,000 stack instances in operations at once per Region and administrator account, only paces an operation (the
 * fake runs an operation's instances at once: the organization benchmark's 4,960 per Region are under it).
 */
export const STACK_SETS_QUOTAS = { instancesPerStackSet: 100_000, queuedOperations: 10_000 } as const;

/**
 * What one stack set operation did: ours (CreateStackInstances, UpdateStackSet) or an auto-deployment after an
 * organization change.
 */
export interface StackSetOperation {
  kind: 'create-instances' | 'update-stack-set' | 'auto-deployment';
  /** When it started and when its last stack finished (virtual ms). */
  startedAt: number;
  finishedAt: number;
  created: number;
  deleted: number;
  /** Instances it left OUTDATED. */
  outdated: number;
  /** UpdateStackSet: the instances it updated. */
  updated?: number;
  /** It stopped past its failure tolerance in a Region (FAILED). */
  stopped?: boolean;
}

/** An error as CloudFormation answers it. */
export class StackSetsError extends Error {
  constructor(code: string, message: string) {
    super(message);
    this.name = code;
  }
}

/** A new instance, about to run its stack: CURRENT until a resource fails. */
export function newInstance(
  where: { account: string; region: string; ou: string; stackId: string },
  at: number,
): StackInstance {
  return { ...where, status: 'CURRENT', statusReason: '', physicalIds: {}, at };
}

/**
 * Stack instances (or anything of an account in a Region) by account, then Region, as `localeCompare` orders them:
 * account ids are digits and Region codes lowercase letters, digits and hyphens, which it orders as their code points
 * do. Compared directly: sorting the member baseline's 79,360 instances and grants through `localeCompare` cost the
 * organization cycle's report 0.7 s.
 */
export function byAccountThenRegion(
  a: { account: string; region: string },
  b: { account: string; region: string },
): number {
  if (a.account !== b.account) return a.account < b.account ? -1 : 1;
  return a.region < b.region ? -1 : a.region > b.region ? 1 : 0;
}

/** A service's trusted access with the organization and its delegated administrators (organization-admin.ts). */
export interface ServiceAccess {
  trusted(): boolean;
  setTrusted(on: boolean): void;
  /** A method, not a field: a saved cloud writes the fakes' data fields back, and this set is Organizations'. */
  administrators(): Set<string>;
}

export function ownServiceAccess(): ServiceAccess {
  let on = false;
  const administrators = new Set<string>();
  return { trusted: () => on, setTrusted: (v) => (on = v), administrators: () => administrators };
}
