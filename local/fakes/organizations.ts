import {
  AccountNotFoundException,
  ChildNotFoundException,
  InvalidInputException,
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
import type { AccountSpec, OrganizationSpec } from './organization-spec.js';

export {
  type AccountSpec,
  type OrganizationSpec,
  type OuSpec,
  organizationFromCatalog,
} from './organization-spec.js';

const err = errorFactory(OrganizationsServiceException);
const invalid = (msg: string): Error => err(InvalidInputException, msg);
// Documented for every Organizations list API: MaxResults is 1–20.
const PAGE = { max: 20, defaultSize: 20, invalidToken: () => invalid('The provided NextToken is not valid.') };

interface Node {
  readonly id: string;
  readonly type: 'ROOT' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT';
  readonly name: string;
  readonly parentId: string | undefined;
  readonly tags: Record<string, string>;
  readonly state?: string;
}

/** AWS Organizations: a fixed tree of root → OUs → accounts, read-only, paginated as documented. */
export class OrganizationsFake implements FakeService {
  private readonly nodes = new Map<string, Node>();
  readonly rootId: string;

  constructor(private readonly spec: OrganizationSpec) {
    this.rootId = spec.rootId ?? `r-${spec.organizationId.slice(2, 6)}`;
    this.add({ id: this.rootId, type: 'ROOT', name: 'Root', parentId: undefined, tags: {} });
    this.add({ id: spec.managementAccountId, type: 'ACCOUNT', name: 'management', parentId: this.rootId, tags: {} });
    for (const a of spec.rootAccounts ?? []) this.addAccount(a, this.rootId);
    for (const ou of spec.ous) {
      this.add({
        id: ou.id,
        type: 'ORGANIZATIONAL_UNIT',
        name: ou.name ?? ou.id,
        parentId: ou.parentId ?? this.rootId,
        tags: {},
      });
      for (const a of ou.accounts ?? []) this.addAccount(a, ou.id);
    }
  }

  /** The organization's ARN, as used in launch permissions. */
  organizationArn(): string {
    return `arn:aws:organizations::${this.spec.managementAccountId}:organization/${this.spec.organizationId}`;
  }

  ouArn(ouId: string): string {
    return `arn:aws:organizations::${this.spec.managementAccountId}:ou/${this.spec.organizationId}/${ouId}`;
  }

  // The tree is fixed once built (nodes are added by the constructor only): what the audits ask of it over and over
  // (the accounts, each one's ancestry) is worked out once, and callers get copies.
  private accountList: readonly string[] | undefined;
  private readonly ancestry = new Map<string, readonly string[]>();
  private readonly ouArnsOf = new Map<string, ReadonlySet<string>>();
  private readonly underOu = new Map<string, readonly string[]>();

  /** Every member account id, management account included. */
  accountIds(): string[] {
    this.accountList ??= [...this.nodes.values()].filter((n) => n.type === 'ACCOUNT').map((n) => n.id);
    return [...this.accountList];
  }

  isMember(accountId: string): boolean {
    return this.nodes.get(accountId)?.type === 'ACCOUNT';
  }

  /** The OU ids and root id above an account or OU, nearest first. */
  ancestors(id: string): string[] {
    return [...this.ancestorsOf(id)];
  }

  /** The ARNs of the OUs (and the root) above an account or OU, at any depth: where an OU launch permission reaches. */
  ouArnsAbove(id: string): ReadonlySet<string> {
    let arns = this.ouArnsOf.get(id);
    if (!arns) {
      arns = new Set(this.ancestorsOf(id).map((p) => this.ouArn(p)));
      this.ouArnsOf.set(id, arns);
    }
    return arns;
  }

  /** Accounts in an OU and all OUs below it. */
  accountsUnder(ouId: string): string[] {
    let accounts = this.underOu.get(ouId);
    if (!accounts) {
      accounts = this.accountIds().filter((a) => this.ancestorsOf(a).includes(ouId));
      this.underOu.set(ouId, accounts);
    }
    return [...accounts];
  }

  private ancestorsOf(id: string): readonly string[] {
    let above = this.ancestry.get(id);
    if (!above) {
      const out: string[] = [];
      for (let p = this.nodes.get(id)?.parentId; p; p = this.nodes.get(p)?.parentId) out.push(p);
      above = out;
      this.ancestry.set(id, above);
    }
    return above;
  }

  /** An account's state (ACTIVE unless the spec says otherwise); undefined for non-members. */
  accountState(accountId: string): string | undefined {
    const n = this.nodes.get(accountId);
    return n?.type === 'ACCOUNT' ? (n.state ?? 'ACTIVE') : undefined;
  }

  /** An account's tags. */
  accountTags(accountId: string): Readonly<Record<string, string>> {
    return this.nodes.get(accountId)?.tags ?? {};
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

  private add(node: Node): void {
    this.nodes.set(node.id, node);
  }

  private addAccount(a: AccountSpec, parentId: string): void {
    this.add({
      id: a.id,
      type: 'ACCOUNT',
      name: a.name ?? a.id,
      parentId,
      tags: { ...a.tags },
      ...(a.state ? { state: a.state } : {}),
    });
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

  // Children are indexed on first use (every page of a listing asks again).
  private childIndex: Map<string, string[]> | undefined;

  private children(parentId: string, type: Node['type']): string[] {
    if (!this.childIndex) {
      this.childIndex = new Map();
      for (const n of this.nodes.values()) {
        const key = `${n.parentId}/${n.type}`;
        const list = this.childIndex.get(key);
        if (list) list.push(n.id);
        else this.childIndex.set(key, [n.id]);
      }
    }
    return this.childIndex.get(`${parentId}/${type}`) ?? [];
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

  private accountArn(id: string): string {
    return `arn:aws:organizations::${this.spec.managementAccountId}:account/${this.spec.organizationId}/${id}`;
  }

  private arnOf(id: string): string {
    const node = this.nodes.get(id)!;
    if (node.type === 'ACCOUNT') return this.accountArn(id);
    if (node.type === 'ORGANIZATIONAL_UNIT') return this.ouArn(id);
    return `arn:aws:organizations::${this.spec.managementAccountId}:root/${this.spec.organizationId}/${id}`;
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
