import type { OrganizationTree } from './organization-tree.js';
import {
  type Leaving,
  type ListedInstance,
  listDeletion,
  listedAt,
  type QueuedCreate,
  runDeletion,
} from './stacksets-moves.js';
import type { runInstanceStack } from './stacksets-stack.js';
import { byAccountThenRegion, type CreateStackSetInput, type StackInstance } from './stacksets-types.js';

/**
 * StackSetsFake's (stacksets.ts) instances as they are targeted and listed, with moved accounts' old instances being
 * deleted and the creates queued behind them (stacksets-moves.ts). The state is the fake's own fields, declared here
 * and not set: the order of its fields is what a saved cloud holds.
 */
export abstract class StackSetInstances {
  protected abstract stackSet: (CreateStackSetInput & { ous: string[]; regions: string[] }) | undefined;
  protected abstract readonly instances: Map<string, Map<string, StackInstance>>;
  protected abstract readonly organization: OrganizationTree;
  protected abstract readonly managementAccountId: string;
  protected abstract targeted: { version: number; accounts: ReadonlySet<string> } | undefined;
  abstract readonly leaving: Leaving[];
  abstract readonly queuedCreates: QueuedCreate[];
  abstract moveSettleMs: number;
  abstract clock: (() => number) | undefined;
  abstract armCreation: ((account: string, region: string, at: number) => void) | undefined;
  protected abstract stackFor(account: string, region: string, ou: string, at: number): StackInstance;
  protected abstract runStack(
    type: 'Create' | 'Delete',
    instance: StackInstance,
    set: CreateStackSetInput,
    now: number,
  ): ReturnType<typeof runInstanceStack>;

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

  /** The stack set as CreateStackSet or the last UpdateStackSet left it (a copy); undefined until CreateStackSet. */
  stackSetInput(): CreateStackSetInput | undefined {
    return this.stackSet && (JSON.parse(JSON.stringify(this.stackSet)) as CreateStackSetInput);
  }

  /** The stack set's name; undefined until CreateStackSet. */
  stackSetName(): string | undefined {
    return this.stackSet?.StackSetName;
  }

  /** The stack instances, sorted by account then Region. */
  stackInstances(): StackInstance[] {
    return [...this.instances.values()].flatMap((byAccount) => [...byAccount.values()]).sort(byAccountThenRegion);
  }

  /**
   * Runs the deletion of a moved account's old instance that an older release's saved cloud armed for now (that release
   * created the new instance first); a second run does nothing.
   */
  deleteLeaving(stackId: string): Promise<void> {
    const set = this.stackSet;
    return runDeletion(this.leaving, stackId, (i, from) => (set ? this.runStack('Delete', i, set, from) : undefined));
  }

  /** Lists the deleted instance as being deleted and queues its account's create in `ou`, armed on the clock. */
  protected queueCreate(deleted: StackInstance, ou: string, from: number): void {
    const listedFrom = listDeletion(this.leaving, deleted, from);
    const at = listedFrom + this.moveSettleMs;
    this.queuedCreates.push({ account: deleted.account, region: deleted.region, ou, listedFrom, at });
    this.armCreation?.(deleted.account, deleted.region, at);
  }

  /**
   * Runs the create queued for `account` in `region` (its new instance, OUTDATED and RUNNING until its stack ends); a
   * second run does nothing. An account no longer under a targeted OU by then gets none (auto-deployment deletes
   * nothing it never made).
   */
  async createQueued(account: string, region: string): Promise<void> {
    const i = this.queuedCreates.findIndex((q) => q.account === account && q.region === region);
    const queued = this.queuedCreates[i];
    const set = this.stackSet;
    if (!queued || !set) return;
    this.queuedCreates.splice(i, 1);
    if (!this.targets(account, region)) return;
    const fresh = this.stackFor(account, region, queued.ou, queued.at);
    fresh.createdFrom = queued.at;
    let byAccount = this.instances.get(region);
    if (!byAccount) {
      byAccount = new Map();
      this.instances.set(region, byAccount);
    }
    byAccount.set(account, fresh);
    await this.runStack('Create', fresh, set, queued.at);
  }

  /** The instances as ListStackInstances shows them at the clock's time (stacksets-moves.ts). */
  listedInstances(): ListedInstance[] {
    return listedAt(
      this.stackInstances(),
      this.leaving,
      this.clock?.() ?? Number.POSITIVE_INFINITY,
      this.queuedCreates,
    );
  }
}
