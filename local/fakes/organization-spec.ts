import type { TargetsSpec } from '../../core/config/schema.js';

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
    readonly organization: { readonly id: string };
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
