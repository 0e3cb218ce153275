import type { AccountSpec, OrganizationSpec } from './organization-spec.js';

export interface Node {
  readonly id: string;
  readonly type: 'ROOT' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT';
  readonly name: string;
  readonly parentId: string | undefined;
  readonly tags: Record<string, string>;
  readonly state?: string;
}

/**
 * The organization's fixed tree of root → OUs → accounts, with its ARNs and the questions the other fakes and the
 * simulator ask of it (membership, ancestry, tags); `OrganizationsFake` (organizations.ts) answers the API over it.
 */
export class OrganizationTree {
  protected readonly nodes = new Map<string, Node>();
  readonly rootId: string;

  constructor(protected readonly spec: OrganizationSpec) {
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

  // What the audits ask of the tree over and over (the accounts, each one's ancestry) is worked out once per shape of
  // the tree, and callers get copies; a change (organization-changes.ts) forgets it all.
  private accountList: readonly string[] | undefined;
  /** Bumped by every change: what other fakes cache about the tree is valid for one version. */
  version = 0;
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

  /**
   * The calls one full read of the tree takes (aws/sharing/organizations-targets.ts): DescribeOrganization, ListRoots, then
   * per parent (the root and every OU) its OUs and its accounts, a page per `pageSize` entries (at least one page
   * each), and with `withTags` one ListTagsForResource per account. The benchmark's minimum for Organizations.
   */
  fullReadCalls(pageSize: number, withTags: boolean): Record<string, number> {
    const pages = (n: number) => Math.max(1, Math.ceil(n / pageSize));
    const parents = [
      this.rootId,
      ...[...this.nodes.values()].filter((n) => n.type === 'ORGANIZATIONAL_UNIT').map((n) => n.id),
    ];
    const accounts = this.accountIds().length;
    return {
      'organizations:DescribeOrganization': 1,
      'organizations:ListRoots': 1,
      'organizations:ListOrganizationalUnitsForParent': parents.reduce(
        (n, p) => n + pages(this.children(p, 'ORGANIZATIONAL_UNIT').length),
        0,
      ),
      'organizations:ListAccountsForParent': parents.reduce((n, p) => n + pages(this.children(p, 'ACCOUNT').length), 0),
      ...(withTags ? { 'organizations:ListTagsForResource': accounts } : {}),
    };
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

  private add(node: Node): void {
    this.nodes.set(node.id, node);
  }

  /** Replaces or removes one node, and forgets everything worked out from the old tree. */
  protected put(id: string, node: Node | undefined): void {
    if (node) this.nodes.set(id, node);
    else this.nodes.delete(id);
    this.accountList = undefined;
    this.childIndex = undefined;
    this.ancestry.clear();
    this.ouArnsOf.clear();
    this.underOu.clear();
    this.version++;
  }

  /** One node as the tree holds it (the change helpers' view). */
  protected node(id: string): Node | undefined {
    return this.nodes.get(id);
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

  // Children are indexed on first use (every page of a listing asks again).
  private childIndex: Map<string, string[]> | undefined;

  protected children(parentId: string, type: Node['type']): string[] {
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

  protected accountArn(id: string): string {
    return `arn:aws:organizations::${this.spec.managementAccountId}:account/${this.spec.organizationId}/${id}`;
  }

  protected arnOf(id: string): string {
    const node = this.nodes.get(id)!;
    if (node.type === 'ACCOUNT') return this.accountArn(id);
    if (node.type === 'ORGANIZATIONAL_UNIT') return this.ouArn(id);
    return `arn:aws:organizations::${this.spec.managementAccountId}:root/${this.spec.organizationId}/${id}`;
  }
}
