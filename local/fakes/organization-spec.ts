import type { TargetsSpec } from '../../core/config/schema.js';
import type { OrgTree } from '../../core/sharing/targets.js';

/** The organization the Organizations fake serves: its OUs and accounts, as a spec. */

export interface AccountSpec {
  readonly id: string;
  readonly name?: string;
  readonly tags?: Record<string, string>;
  /** Organizations' account state (default ACTIVE): SUSPENDED and CLOSED accounts can launch nothing. */
  readonly state?: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED';
}

export interface OuSpec {
  readonly id: string;
  readonly name?: string;
  /** Parent OU id; default: the root. */
  readonly parentId?: string;
  readonly accounts?: readonly AccountSpec[];
}

export interface OrganizationSpec {
  readonly organizationId: string;
  readonly managementAccountId: string;
  readonly rootId?: string;
  readonly ous: readonly OuSpec[];
  /** Accounts directly under the root. */
  readonly rootAccounts?: readonly AccountSpec[];
}

/**
 * Builds an organization from the catalog: every OU any channel targets or excludes, plus explicitly named accounts
 * under the root. With `levels` (default 1) each of those OUs has a tree of nested OUs below it, `fanOut` children
 * per OU and level, and the accounts (`accountsPerOu` each, default 3) sit in the deepest OUs; with one level they sit
 * in the named OUs themselves.
 */
export function organizationFromCatalog(
  catalog: {
    readonly organization: { readonly id: string; readonly inspectorAdministrator?: string | undefined };
    readonly channels: readonly { readonly targets: Pick<TargetsSpec, 'ous' | 'accounts' | 'exclude'> }[];
  },
  opts: { managementAccountId: string; accountsPerOu?: number; levels?: number; fanOut?: number },
): OrganizationSpec {
  const perOu = opts.accountsPerOu ?? 3;
  const levels = opts.levels ?? 1;
  const fanOut = opts.fanOut ?? 2;
  const ouIds = new Set<string>();
  const accountIds = new Set<string>();
  for (const ch of catalog.channels) {
    for (const ou of [...ch.targets.ous, ...ch.targets.exclude.ous]) ouIds.add(ou);
    for (const a of [...ch.targets.accounts, ...ch.targets.exclude.accounts]) accountIds.add(a);
  }
  // A security account that is Inspector's delegated administrator sits under the root, outside the channels' OUs.
  const administrator = catalog.organization.inspectorAdministrator;
  if (administrator !== undefined && administrator !== opts.managementAccountId) accountIds.add(administrator);
  let n = 0;
  const accounts = () =>
    Array.from({ length: perOu }, () => {
      n++;
      return { id: String(200000000000 + n), name: `account-${n}`, tags: {} };
    });
  const ous: OuSpec[] = [];
  let nested = 0;
  const grow = (id: string, parentId: string | undefined, level: number): void => {
    const leaf = level >= levels;
    ous.push({ id, name: id, ...(parentId !== undefined && { parentId }), accounts: leaf ? accounts() : [] });
    if (leaf) return;
    for (let i = 0; i < fanOut; i++) {
      nested++;
      // OU ids are "ou-" + 4–32 root-id characters + "-" + 8–32 characters.
      grow(`ou-nest-${String(nested).padStart(8, '0')}`, id, level + 1);
    }
  };
  for (const id of ouIds) grow(id, undefined, 1);
  return {
    organizationId: catalog.organization.id,
    managementAccountId: opts.managementAccountId,
    ous,
    rootAccounts: [...accountIds].map((id) => ({ id, name: `account-${id}` })),
  };
}

/**
 * The tree Share would resolve targets against, for an organization given as a spec (what a scenario describes):
 * the root (id as the Organizations fake gives it), every OU with its ARN, every account with its state and tags.
 */
export function orgTreeOf(spec: OrganizationSpec): OrgTree {
  const rootId = spec.rootId ?? `r-${spec.organizationId.slice(2, 6)}`;
  const arn = (kind: string) => `arn:aws:organizations::${spec.managementAccountId}:${kind}/${spec.organizationId}`;
  const accounts = new Map<string, { parentId: string; state: string; tags: Record<string, string> }>();
  const add = (a: AccountSpec, parentId: string) =>
    accounts.set(a.id, { parentId, state: a.state ?? 'ACTIVE', tags: { ...a.tags } });
  add({ id: spec.managementAccountId }, rootId);
  for (const a of spec.rootAccounts ?? []) add(a, rootId);
  for (const ou of spec.ous) for (const a of ou.accounts ?? []) add(a, ou.id);
  const ous = new Map(
    spec.ous.map((ou) => [
      ou.id,
      { arn: `${arn('ou')}/${ou.id}`, parentId: ou.parentId ?? rootId, name: ou.name ?? ou.id },
    ]),
  );
  return { organizationArn: arn('organization'), rootId, ous, accounts, tagsRead: true };
}
