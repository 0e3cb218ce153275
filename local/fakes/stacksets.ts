import { checkRequest } from '../models/request-check.js';
import type { OrganizationTree } from './organization-tree.js';
import type { MemberCloud } from './stacksets-inline-function.js';
import { runInstanceStack, type StackRoles } from './stacksets-stack.js';

/**
 * CloudFormation StackSets with service-managed permissions, as far as the member baseline goes: one stack set
 * deployed to OUs, a stack instance per (account, Region), auto-deployment to accounts that join a targeted OU and
 * removal from those that leave it, never an instance in the management account
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_AutoDeployment.html). An instance's stack runs
 * its template's custom resources by executing the template's inline function code (stacksets-inline-function.ts)
 * and makes its named IAM roles in the member account's IAM (stacksets-stack.ts); its other resources (the function,
 * its unnamed role, the log group) are taken as created.
 */

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

/** CURRENT: the stack is up to date; OUTDATED: its stack failed (statusReason says why). */
export type StackInstanceStatus = 'CURRENT' | 'OUTDATED';

export interface StackInstance {
  account: string;
  region: string;
  status: StackInstanceStatus;
  statusReason: string;
  /** The custom resources' physical ids, by logical id (Delete hands them back). */
  physicalIds: Record<string, string>;
  /** When the instance's stack finished (virtual ms). */
  at: number;
}

/** An error as CloudFormation answers it. */
export class StackSetsError extends Error {
  constructor(code: string, message: string) {
    super(message);
    this.name = code;
  }
}

export class StackSetsFake {
  /** ActivateOrganizationsAccess was called (from the management account). */
  trustedAccess = false;
  /** Accounts registered as StackSets delegated administrators (RegisterDelegatedAdministrator). */
  readonly delegatedAdministrators = new Set<string>();
  private stackSet: (CreateStackSetInput & { ous: string[]; regions: string[] }) | undefined;
  private readonly instances = new Map<string, StackInstance>();
  /** The stacks accounts deployed by hand from the stack set's template (deployByHand). */
  readonly byHand: StackInstance[] = [];

  constructor(
    private readonly organization: OrganizationTree,
    private readonly managementAccountId: string,
    private readonly member: MemberCloud,
    /** Where the instances' named IAM roles are made and deleted (the member accounts' IAM); none: not modelled. */
    private readonly roles?: StackRoles,
  ) {}

  /** CreateStackSet from `callerAccount`, refused as CloudFormation refuses it. */
  createStackSet(callerAccount: string, input: CreateStackSetInput): void {
    // The request CreateStackSet gets: the resource's other properties (its instances, its preferences) are separate calls.
    const {
      StackSetName,
      TemplateBody,
      PermissionModel,
      CallAs,
      AutoDeployment,
      ManagedExecution,
      Capabilities,
      Parameters,
    } = input;
    checkRequest('CloudFormation', 'CreateStackSet', {
      StackSetName,
      TemplateBody,
      PermissionModel,
      ...(CallAs ? { CallAs } : {}),
      ...(AutoDeployment ? { AutoDeployment } : {}),
      ...(ManagedExecution ? { ManagedExecution } : {}),
      ...(Capabilities ? { Capabilities } : {}),
      ...(Parameters ? { Parameters } : {}),
    });
    if (input.PermissionModel === 'SERVICE_MANAGED') {
      if (!this.trustedAccess)
        throw new StackSetsError(
          'ValidationError',
          'You must enable organizations access to operate a service managed stack set',
        );
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html
      if (input.CallAs === 'DELEGATED_ADMIN' && !this.delegatedAdministrators.has(callerAccount))
        throw new StackSetsError('ValidationError', 'Account used is not a delegated administrator.');
      if ((input.CallAs ?? 'SELF') === 'SELF' && callerAccount !== this.managementAccountId)
        throw new StackSetsError(
          'ValidationError',
          'Only the management account can create service managed stack sets as SELF',
        );
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
      if (/"(Transform|Fn::Transform)"/.test(input.TemplateBody))
        throw new StackSetsError(
          'ValidationError',
          'StackSets does not currently support creating or updating stack sets with service-managed permissions from templates that contain macros',
        );
    }
    this.stackSet = { ...input, ous: [], regions: [] };
  }

  /** CreateStackInstances on OUs and Regions: each account under the OUs gets an instance per Region. */
  async createStackInstances(ous: string[], regions: string[], now: number): Promise<void> {
    const set = this.requireStackSet();
    checkRequest('CloudFormation', 'CreateStackInstances', {
      StackSetName: set.StackSetName,
      DeploymentTargets: { OrganizationalUnitIds: ous },
      Regions: regions,
      ...(set.CallAs ? { CallAs: set.CallAs } : {}),
    });
    // "The maximum number of organizational units (OUs) supported by a CreateStackInstances operation is 50."
    if (ous.length > 50) throw new StackSetsError('ValidationError', 'At most 50 OUs per CreateStackInstances');
    set.ous = [...new Set([...set.ous, ...ous])];
    this.targeted = undefined;
    set.regions = [...new Set([...set.regions, ...regions])];
    await this.deploy(now, true);
  }

  /**
   * What auto-deployment does after the organization changed: instances for accounts now under a targeted OU, and
   * (unless RetainStacksOnAccountRemoval) deleted instances for accounts no longer under one. Without
   * auto-deployment, only CreateStackInstances adds instances.
   */
  async reconcile(now: number): Promise<void> {
    await this.deploy(now, false);
  }

  /** Brings the instances in line with the targets: `explicit` for an operation we started (not auto-deployment). */
  private async deploy(now: number, explicit: boolean): Promise<void> {
    const set = this.stackSet;
    if (!set) return;
    const auto = set.AutoDeployment?.Enabled === true;
    if (!auto && !explicit) return;
    const wanted = new Set(
      set.ous.flatMap((ou) => this.organization.accountsUnder(ou)).filter((a) => a !== this.managementAccountId),
    );
    for (const [key, instance] of this.instances) {
      if (wanted.has(instance.account) || !auto) continue;
      if (!set.AutoDeployment?.RetainStacksOnAccountRemoval) await this.runStack('Delete', instance, set, now);
      this.instances.delete(key);
    }
    for (const account of [...wanted].sort()) {
      for (const region of set.regions) {
        const key = `${account}|${region}`;
        if (this.instances.has(key)) continue;
        const instance: StackInstance = {
          account,
          region,
          status: 'CURRENT',
          statusReason: '',
          physicalIds: {},
          at: now,
        };
        this.instances.set(key, instance);
        await this.runStack('Create', instance, set, now);
      }
    }
  }

  /**
   * The stack set's template deployed by hand as a plain stack in `account` (one the stack set cannot target: an
   * account named outside its OUs), in each of its Regions, as that account's team does it (docs/consumers.md).
   */
  async deployByHand(account: string, now: number): Promise<StackInstance[]> {
    const set = this.requireStackSet();
    const made: StackInstance[] = [];
    for (const region of set.regions) {
      const stack: StackInstance = { account, region, status: 'CURRENT', statusReason: '', physicalIds: {}, at: now };
      await this.runStack('Create', stack, set, now);
      made.push(stack);
    }
    this.byHand.push(...made);
    return made;
  }

  /**
   * Whether the stack set targets `account` in `region`: it is under one of the OUs its instances were created on
   * (not the management account), so it has or is about to get an instance there.
   */
  targets(account: string, region: string): boolean {
    const set = this.stackSet;
    if (!set || account === this.managementAccountId || !set.regions.includes(region)) return false;
    // Asked on every launch: the targeted accounts are worked out once per version of the organization.
    if (this.targeted?.version !== this.organization.version)
      this.targeted = {
        version: this.organization.version,
        accounts: new Set(set.ous.flatMap((ou) => this.organization.accountsUnder(ou))),
      };
    return this.targeted.accounts.has(account);
  }

  private targeted: { version: number; accounts: ReadonlySet<string> } | undefined;

  /** The stack set's name; undefined until CreateStackSet. */
  stackSetName(): string | undefined {
    return this.stackSet?.StackSetName;
  }

  /** The stack instances, sorted by account then Region. */
  stackInstances(): StackInstance[] {
    return [...this.instances.values()].sort(
      (a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region),
    );
  }

  private runStack(type: 'Create' | 'Delete', instance: StackInstance, set: CreateStackSetInput, now: number) {
    return runInstanceStack(type, instance, set, { member: this.member, roles: this.roles }, now);
  }

  private requireStackSet() {
    if (!this.stackSet) throw new StackSetsError('StackSetNotFoundException', 'StackSet not found');
    return this.stackSet;
  }
}
