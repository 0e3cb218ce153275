import { checkRequest } from '../models/request-check.js';
import type { OrganizationTree } from './organization-tree.js';
import { deployTemplateByHand, runDeployment, stackIdOf } from './stacksets-deploy.js';
import type { MemberCloud } from './stacksets-inline-function.js';
import { StackSetInstances } from './stacksets-instances.js';
import { type Leaving, MOVE_SETTLE_MS, type QueuedCreate } from './stacksets-moves.js';
import { admitOperation, checkCreateStackSet, checkUpdateStackSet } from './stacksets-requests.js';
import { runInstanceStack, type StackRoles } from './stacksets-stack.js';
import {
  type CreateStackSetInput,
  newInstance,
  type OperationPreferences,
  ownServiceAccess,
  type ServiceAccess,
  STACK_SETS_QUOTAS,
  type StackInstance,
  type StackSetOperation,
  StackSetsError,
} from './stacksets-types.js';
import {
  adoptSavedInstances,
  type PendingCleanup,
  runCleanup,
  UpdateCleanups,
  updateEveryInstance,
} from './stacksets-update.js';

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

export class StackSetsFake extends StackSetInstances {
  /** ActivateOrganizationsAccess was called (from the management account). */
  get trustedAccess(): boolean {
    return this.access.trusted();
  }
  set trustedAccess(on: boolean) {
    this.access.setTrusted(on);
  }
  /** Accounts registered as StackSets delegated administrators (RegisterDelegatedAdministrator). */
  get delegatedAdministrators(): Set<string> {
    return this.access.administrators();
  }
  protected stackSet: (CreateStackSetInput & { ous: string[]; regions: string[] }) | undefined;
  /** The stack instances by Region, then account: no key string per instance. */
  protected readonly instances = new Map<string, Map<string, StackInstance>>();
  /** The stack set's operations, in order (what the report's baseline line sums up). */
  readonly operations: StackSetOperation[] = [];
  /** Operations queued behind the one running (managed execution), each with the instant it may start. */
  private queued = 0;
  /** The stacks accounts deployed by hand from the stack set's template (deployByHand). */
  readonly byHand: StackInstance[] = [];
  /** Moved accounts' old instances being deleted, listed until their deletion has ended (stacksets-moves.ts). */
  readonly leaving: Leaving[] = [];
  /** Moved accounts' creates queued behind their old instance's deletion (stacksets-moves.ts). */
  readonly queuedCreates: QueuedCreate[] = [];
  /** How long a queued create waits after the deletion it is queued behind has ended. */
  moveSettleMs = MOVE_SETTLE_MS;
  /** The virtual time, for what ListStackInstances shows; absent, every stack shows as ended. */
  clock: (() => number) | undefined;
  /** Puts a moved account's queued create on the clock at `at`; absent, the create runs as its deletion ends. */
  armCreation: ((account: string, region: string, at: number) => void) | undefined;

  constructor(
    protected readonly organization: OrganizationTree,
    protected readonly managementAccountId: string,
    private readonly member: MemberCloud,
    /** Where the instances' named IAM roles are made and deleted (the member accounts' IAM); none: not modelled. */
    private readonly roles?: StackRoles,
    /** StackSets' trusted access and delegated administrators, as Organizations holds them (default: its own). */
    private readonly access: ServiceAccess = ownServiceAccess(),
  ) {
    super();
  }

  /** CreateStackSet from `callerAccount`, refused as CloudFormation refuses it. */
  createStackSet(callerAccount: string, input: CreateStackSetInput): void {
    checkCreateStackSet(callerAccount, input, {
      trustedAccess: this.trustedAccess,
      delegatedAdministrators: this.delegatedAdministrators,
      managementAccountId: this.managementAccountId,
    });
    this.stackSet = { ...input, ous: [], regions: [] };
  }

  /**
   * CreateStackInstances on OUs and Regions: each account under the OUs gets an instance per Region. Refused whole,
   * as CloudFormation refuses it (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackInstances.html):
   * more than 50 OUs, more instances than the stack set's quota, or (without managed execution) while another
   * operation of the stack set is still running; with managed execution the operation waits for that one, up to the
   * quota of queued operations.
   */
  async createStackInstances(
    ous: string[],
    regions: string[],
    now: number,
    preferences: OperationPreferences = {},
  ): Promise<void> {
    const set = this.requireStackSet();
    checkRequest('CloudFormation', 'CreateStackInstances', {
      StackSetName: set.StackSetName,
      DeploymentTargets: { OrganizationalUnitIds: ous },
      Regions: regions,
      ...(set.CallAs ? { CallAs: set.CallAs } : {}),
      ...(Object.keys(preferences).length > 0 ? { OperationPreferences: preferences } : {}),
    });
    // "The maximum number of organizational units (OUs) supported by a CreateStackInstances operation is 50."
    if (ous.length > 50) throw new StackSetsError('ValidationError', 'At most 50 OUs per CreateStackInstances');
    const running = this.admit(now);
    const allOus = [...new Set([...set.ous, ...ous])];
    const allRegions = [...new Set([...set.regions, ...regions])];
    const wanted = this.accountsUnder(allOus).size * allRegions.length;
    if (wanted > STACK_SETS_QUOTAS.instancesPerStackSet)
      throw new StackSetsError(
        'LimitExceededException',
        `The stack set would have ${wanted} stack instances; the quota is ${STACK_SETS_QUOTAS.instancesPerStackSet} per stack set`,
      );
    set.ous = allOus;
    this.targeted = undefined;
    set.regions = allRegions;
    await this.queuedBehind(running, () => this.deploy(running ?? now, true, preferences));
  }

  /**
   * What auto-deployment does after the organization changed: instances for accounts now under a targeted OU, and
   * (unless RetainStacksOnAccountRemoval) deleted instances for accounts no longer under one. Without
   * auto-deployment, only CreateStackInstances adds instances. It waits for an operation still running, and adds no
   * instance past the stack set's quota (AWS documents no more than the quota).
   */
  async reconcile(now: number): Promise<void> {
    await this.deploy(this.runningUntil(now) ?? now, false);
  }

  /** Whether an operation we start at `now` may run (stacksets-requests.ts); when the one running ends, if one is. */
  private admit(now: number): number | undefined {
    const running = this.runningUntil(now);
    admitOperation(running, this.requireStackSet().ManagedExecution?.Active === true, this.queued);
    return running;
  }

  /**
   * UpdateStackSet with a new template, parameters and settings (`input`, as the StackSet resource's properties give
   * them), on every instance (stacksets-update.ts), paced by `preferences`; admitted as CreateStackInstances is. An
   * instance saved by a release whose fake kept no stack id or OU is given them first (its stack had them in AWS).
   */
  async updateStackSet(input: CreateStackSetInput, now: number, preferences: OperationPreferences = {}): Promise<void> {
    const set = this.requireStackSet();
    checkUpdateStackSet(input, preferences);
    const running = this.admit(now);
    adoptSavedInstances(this.stackInstances(), set, this.organization, (account, region) => {
      this.stacksMade++;
      return stackIdOf(set.StackSetName, account, region, this.stacksMade);
    });
    await this.queuedBehind(running, async () => {
      const cloud = { ...this.stackCloud(), cleanUpLater: (c: PendingCleanup) => this.cleanUpLater(c) };
      this.operations.push(await updateEveryInstance(set, input, this.instances, cloud, running ?? now, preferences));
    });
  }

  /** Runs `operation`, counted among the queued ones while another operation runs (`running`: when it ends). */
  private async queuedBehind(running: number | undefined, operation: () => Promise<void>): Promise<void> {
    if (running !== undefined) this.queued++;
    try {
      await operation();
    } finally {
      if (running !== undefined) this.queued--;
    }
  }

  /** Updates' cleanups still to run, and how they go on the clock (stacksets-update.ts). */
  readonly updates = new UpdateCleanups();

  private cleanUpLater(cleanup: PendingCleanup): void {
    if (!this.updates.add(cleanup)) void this.runCleanup(cleanup.stackId);
  }

  /** Runs the cleanup armed for the stack `stackId`; a second run does nothing. */
  async runCleanup(stackId: string): Promise<void> {
    const instance = this.stackInstances().find((i) => i.stackId === stackId);
    const cleanup = instance && this.stackSet ? this.updates.take(stackId) : undefined;
    if (cleanup && instance && this.stackSet) await runCleanup(cleanup, instance, this.stackSet, this.stackCloud());
  }

  private stackCloud() {
    return { member: this.member, roles: this.roles };
  }

  /** When the operation running at `now` finishes; undefined when none is. */
  private runningUntil(now: number): number | undefined {
    const last = this.operations.at(-1);
    return last && last.finishedAt > now ? last.finishedAt : undefined;
  }

  /** The member accounts under `ous` (never the management account). */
  private accountsUnder(ous: readonly string[]): Set<string> {
    const accounts = new Set(ous.flatMap((ou) => this.organization.accountsUnder(ou)));
    accounts.delete(this.managementAccountId);
    return accounts;
  }

  /** Brings the instances in line with the targets (stacksets-deploy.ts): `explicit` for an operation we started. */
  private async deploy(now: number, explicit: boolean, preferences: OperationPreferences = {}): Promise<void> {
    const set = this.stackSet;
    if (!set || (set.AutoDeployment?.Enabled !== true && !explicit)) return;
    const world = {
      set,
      instances: this.instances,
      organization: this.organization,
      managementAccountId: this.managementAccountId,
      stackFor: (account: string, region: string, ou: string, at: number) => this.stackFor(account, region, ou, at),
      runStack: (type: 'Create' | 'Delete', i: StackInstance, s: CreateStackSetInput, at: number) =>
        this.runStack(type, i, s, at),
      ...(this.armCreation && {
        queueCreate: (deleted: StackInstance, ou: string, from: number) => this.queueCreate(deleted, ou, from),
        queued: (account: string, region: string) =>
          this.queuedCreates.some((q) => q.account === account && q.region === region),
      }),
    };
    this.operations.push(await runDeployment(world, now, explicit, preferences));
  }

  /** A new stack for `account` in `region`, with a stack id of its own. */
  protected stackFor(account: string, region: string, ou: string, at: number): StackInstance {
    this.stacksMade++;
    const stackId = stackIdOf(this.requireStackSet().StackSetName, account, region, this.stacksMade);
    return newInstance({ account, region, ou, stackId }, at);
  }

  /** Stacks made so far: each new stack's id differs from every other's. */
  private stacksMade = 0;

  /**
   * The stack set's template deployed by hand as a plain stack in `account` (one the stack set cannot target: an
   * account named outside its OUs), in each of its Regions, as that account's team does it (docs/consumers.md).
   */
  async deployByHand(account: string, now: number): Promise<StackInstance[]> {
    const made = await deployTemplateByHand(this.requireStackSet(), account, now, {
      stackFor: (a, region, at) => this.stackFor(a, region, '', at),
      runStack: (stack, set, at) => this.runStack('Create', stack, set, at),
    });
    this.byHand.push(...made);
    return made;
  }

  protected targeted: { version: number; accounts: ReadonlySet<string> } | undefined;

  protected runStack(type: 'Create' | 'Delete', instance: StackInstance, set: CreateStackSetInput, now: number) {
    return runInstanceStack(type, instance, set, this.stackCloud(), now);
  }

  private requireStackSet() {
    if (!this.stackSet) throw new StackSetsError('StackSetNotFoundException', 'StackSet not found');
    return this.stackSet;
  }
}
