import {
  AccountNotFoundException,
  ChildNotFoundException,
  InvalidInputException,
  OrganizationalUnitNotFoundException,
  OrganizationsServiceException,
  ParentNotFoundException,
  TargetNotFoundException,
} from '@aws-sdk/client-organizations';
import {
  errorFactory,
  type FakeCall,
  type FakeService,
  NotImplementedByFakeError,
  paginate,
  required,
} from './common.js';
import {
  type CloudTrailEvent,
  cloudTrailEvent,
  membershipEvent,
  type OrganizationChange,
  ScenarioChangeError,
} from './organization-changes.js';
import { OrganizationTree } from './organization-tree.js';

export {
  type AccountSpec,
  type OrganizationSpec,
  type OuSpec,
  organizationFromCatalog,
} from './organization-spec.js';

const err = errorFactory(OrganizationsServiceException);
const invalid = (msg: string): Error => err(InvalidInputException, msg);
// Documented for every Organizations list API: MaxResults is 1–20.
/** Entries per page of every Organizations listing when MaxResults is not given (the most it allows). */
export const ORGANIZATIONS_PAGE_SIZE = 20;
const PAGE = {
  max: 20,
  defaultSize: ORGANIZATIONS_PAGE_SIZE,
  invalidToken: () => invalid('The provided NextToken is not valid.'),
};

/** AWS Organizations: a fixed tree of root → OUs → accounts, read-only, paginated as documented. */
export class OrganizationsFake extends OrganizationTree implements FakeService {
  /**
   * An account's `aws:PrincipalOrgPaths` value, `<org id>/<root id>/<ou id>/…/` from the root down to its parent
   * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths);
   * undefined outside the organization.
   */
  principalOrgPaths(account: string): string[] | undefined {
    if (!this.isMember(account)) return undefined;
    return [`${this.spec.organizationId}/${this.ancestors(account).reverse().join('/')}/`];
  }

  handle(call: FakeCall): unknown {
    const input = call.input;
    switch (call.action) {
      case 'DescribeOrganization':
        return {
          Organization: {
            Id: this.spec.organizationId,
            Arn: this.organizationArn(),
            FeatureSet: 'ALL',
            MasterAccountId: this.spec.managementAccountId,
            MasterAccountArn: this.accountArn(this.spec.managementAccountId),
          },
        };
      case 'ListRoots':
        return this.page(input, [this.rootId], (id) => ({ Id: id, Arn: this.arnOf(id), Name: 'Root' }), 'Roots');
      case 'ListAccountsForParent':
        return this.page(input, this.children(this.parent(input), 'ACCOUNT'), (id) => this.account(id), 'Accounts');
      case 'ListOrganizationalUnitsForParent':
        return this.page(
          input,
          this.children(this.parent(input), 'ORGANIZATIONAL_UNIT'),
          (id) => this.ou(id),
          'OrganizationalUnits',
        );
      case 'ListChildren': {
        const type = required(input, 'ChildType', invalid);
        if (type !== 'ACCOUNT' && type !== 'ORGANIZATIONAL_UNIT') throw invalid(`ChildType ${type} is not valid.`);
        return this.page(input, this.children(this.parent(input), type), (id) => ({ Id: id, Type: type }), 'Children');
      }
      case 'ListParents': {
        const child = required(input, 'ChildId', invalid);
        const node = this.nodes.get(child);
        if (!node || node.type === 'ROOT')
          throw err(ChildNotFoundException, `We can't find a child with the ID ${child}.`);
        const parent = this.nodes.get(node.parentId!)!;
        return this.page(input, [parent.id], (id) => ({ Id: id, Type: parent.type }), 'Parents');
      }
      case 'DescribeOrganizationalUnit': {
        const id = required(input, 'OrganizationalUnitId', invalid);
        if (this.nodes.get(id)?.type !== 'ORGANIZATIONAL_UNIT')
          throw err(
            OrganizationalUnitNotFoundException,
            `We can't find an organizational unit (OU) with the ID ${id}.`,
          );
        return { OrganizationalUnit: this.ou(id) };
      }
      case 'DescribeAccount':
        return { Account: this.account(this.accountId(required(input, 'AccountId', invalid))) };
      case 'ListAccounts':
        return this.page(input, this.accountIds(), (id) => this.account(id), 'Accounts');
      case 'ListTagsForResource': {
        const id = required(input, 'ResourceId', invalid);
        const node = this.nodes.get(id);
        if (!node) throw err(TargetNotFoundException, `We can't find a resource with the ID ${id}.`);
        const tags = Object.entries(node.tags).map(([Key, Value]) => ({ Key, Value }));
        return this.page(input, tags, (t) => t, 'Tags');
      }
      default:
        throw new NotImplementedByFakeError('organizations', call.action);
    }
  }

  /** Accounts that were members and are no longer (removed or left): grants by id may still reach them. */
  readonly formerMembers = new Set<string>();

  /**
   * Makes a change an administrator (or, for a leave or an accepted invitation, the member account) would make, and
   * returns the events CloudTrail delivers for it to the management account's default bus, in order: the API call's
   * own event when the management account made it, then Organizations' membership event when an account joined or
   * left (membershipEvent). Refuses what Organizations refuses: an unknown account, OU or parent, an OU that still
   * has accounts or OUs below it, the management account leaving.
   */
  change(c: OrganizationChange, time: string): CloudTrailEvent[] {
    const events = this.apply(c, time);
    for (const listener of this.listeners) listener(c);
    return events;
  }

  /** Calls `listener` after each change the organization made (services that follow it: StackSets' auto-deployment). */
  onChange(listener: (c: OrganizationChange) => void): void {
    this.listeners.push(listener);
  }

  private readonly listeners: ((c: OrganizationChange) => void)[] = [];

  /** The accounts moved, in order: each one's parent before the move, and when (what an audit of a past instant needs). */
  readonly moves: { account: string; from: string; at: number }[] = [];

  private apply(c: OrganizationChange, time: string): CloudTrailEvent[] {
    const refused = (why: string) =>
      new ScenarioChangeError(`the scenario's organization change at ${time}: ${c.change}: ${why}`);
    const parentOf = (to: string | undefined): string => {
      const id = to ?? this.rootId;
      const n = this.nodes.get(id);
      if (!n || n.type === 'ACCOUNT') throw refused(`no root or OU ${id}`);
      return id;
    };
    const existing = (id: string, type: 'ACCOUNT' | 'ORGANIZATIONAL_UNIT') => {
      const n = this.nodes.get(id);
      if (n?.type !== type) throw refused(`no ${type === 'ACCOUNT' ? 'account' : 'OU'} ${id}`);
      return n;
    };
    const ctx = { managementAccountId: this.spec.managementAccountId, time };
    const departed = (account: string, method: 'Left' | 'Removed') => {
      if (account === this.spec.managementAccountId)
        throw refused(`the management account ${account} cannot leave its organization (ConstraintViolationException)`);
      this.put(account, undefined);
      this.formerMembers.add(account);
      return membershipEvent({ event: 'AccountDepartedOrganization', method }, account, ctx);
    };
    switch (c.change) {
      case 'accept-invitation':
        if (this.nodes.has(c.account)) throw refused(`${c.account} is already a member`);
        // The fake places an invited account at the root, as it does a created one without a parent.
        this.put(c.account, {
          id: c.account,
          type: 'ACCOUNT',
          name: `account-${c.account}`,
          parentId: this.rootId,
          tags: { ...c.tags },
        });
        this.formerMembers.delete(c.account);
        return [membershipEvent({ event: 'AccountJoinedOrganization', method: 'Invited' }, c.account, ctx)];
      case 'leave-organization':
        existing(c.account, 'ACCOUNT');
        return [departed(c.account, 'Left')];
      case 'create-account':
        if (this.nodes.has(c.account)) throw refused(`${c.account} exists`);
        this.put(c.account, {
          id: c.account,
          type: 'ACCOUNT',
          name: `account-${c.account}`,
          parentId: parentOf(c.to),
          tags: { ...c.tags },
        });
        return [
          cloudTrailEvent(c, ctx),
          membershipEvent({ event: 'AccountJoinedOrganization', method: 'Created' }, c.account, ctx),
        ];
      case 'move-account': {
        const n = existing(c.account, 'ACCOUNT');
        this.moves.push({ account: c.account, from: n.parentId ?? this.rootId, at: Date.parse(time) });
        this.put(c.account, { ...n, parentId: parentOf(c.to) });
        return [cloudTrailEvent(c, { ...ctx, ...(n.parentId !== undefined && { sourceParentId: n.parentId }) })];
      }
      case 'remove-account':
        existing(c.account, 'ACCOUNT');
        return [cloudTrailEvent(c, ctx), departed(c.account, 'Removed')];
      case 'close-account':
        this.put(c.account, { ...existing(c.account, 'ACCOUNT'), state: 'PENDING_CLOSURE' });
        return [cloudTrailEvent(c, ctx)];
      case 'tag-account': {
        const n = existing(c.account, 'ACCOUNT');
        const tags = { ...n.tags };
        for (const [k, v] of Object.entries(c.tags)) {
          if (v === null) delete tags[k];
          else tags[k] = v;
        }
        this.put(c.account, { ...n, tags });
        const set = Object.values(c.tags).some((v) => v !== null);
        return [cloudTrailEvent(c, { ...ctx, ...(!set && { untagged: Object.keys(c.tags) }) })];
      }
      case 'create-ou':
        if (this.nodes.has(c.ou)) throw refused(`${c.ou} exists`);
        this.put(c.ou, {
          id: c.ou,
          type: 'ORGANIZATIONAL_UNIT',
          name: c.name ?? c.ou,
          parentId: parentOf(c.to),
          tags: {},
        });
        return [cloudTrailEvent({ ...c, to: parentOf(c.to) }, ctx)];
      case 'rename-ou':
        this.put(c.ou, { ...existing(c.ou, 'ORGANIZATIONAL_UNIT'), name: c.name });
        return [cloudTrailEvent(c, ctx)];
      case 'delete-ou':
        existing(c.ou, 'ORGANIZATIONAL_UNIT');
        if (this.children(c.ou, 'ACCOUNT').length + this.children(c.ou, 'ORGANIZATIONAL_UNIT').length > 0)
          throw refused(`${c.ou} still has accounts or OUs (OrganizationalUnitNotEmptyException)`);
        this.put(c.ou, undefined);
        return [cloudTrailEvent(c, ctx)];
    }
  }

  private parent(input: Record<string, unknown>): string {
    const id = required(input, 'ParentId', invalid);
    const node = this.nodes.get(id);
    if (!node || node.type === 'ACCOUNT')
      throw err(ParentNotFoundException, `We can't find a root or OU with the ID ${id}.`);
    return id;
  }

  private accountId(id: string): string {
    if (!/^\d{12}$/.test(id)) throw invalid(`AccountId ${id} is not a valid account id.`);
    if (!this.isMember(id)) throw err(AccountNotFoundException, `We can't find an AWS account with the ID ${id}.`, 404);
    return id;
  }

  private page<T>(input: Record<string, unknown>, ids: readonly T[], map: (id: T) => unknown, key: string): unknown {
    // AWS validates the documented range (1–20) rather than clamping: InvalidInputException, MAX_VALUE_EXCEEDED.
    const max = input.MaxResults;
    if (max !== undefined && (typeof max !== 'number' || max < 1 || max > PAGE.max)) {
      throw invalid(`MaxResults must be between 1 and ${PAGE.max}; got ${String(max)}.`);
    }
    const page = paginate(ids, input.MaxResults, input.NextToken, PAGE);
    return { [key]: page.items.map(map), NextToken: page.nextToken };
  }

  private account(id: string): unknown {
    const n = this.nodes.get(id)!;
    return {
      Id: id,
      Arn: this.accountArn(id),
      Name: n.name,
      Email: `${n.name}@example.com`,
      // Status is the older field (ACTIVE | SUSPENDED | PENDING_CLOSURE); State adds CLOSED and more.
      Status: n.state === 'CLOSED' ? 'SUSPENDED' : (n.state ?? 'ACTIVE'),
      State: n.state ?? 'ACTIVE',
      JoinedMethod: id === this.spec.managementAccountId ? 'CREATED' : 'INVITED',
    };
  }

  private ou(id: string): unknown {
    return { Id: id, Arn: this.ouArn(id), Name: this.nodes.get(id)!.name };
  }
}
