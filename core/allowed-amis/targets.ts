import type { Catalog } from '../config/schema.js';

/**
 * Where the declarative policy goes: the targets of the channels it is for. A declarative policy attaches to the
 * organization root, an OU (every account under it, nested OUs included) or an account
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_mgmt.html), from the
 * management account or a delegated administrator
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_prereqs.html). It cannot attach
 * by account tag, and an OU's attachment covers every account in it, the ones a channel excludes too. Pure.
 */

export interface Attachments {
  /** A channel targets the whole organization: attach to the root (every account inherits it). */
  root: boolean;
  /** OUs to attach to (none when `root`). */
  ous: string[];
  /** Accounts to attach to (none when `root`). */
  accounts: string[];
  /** Channels' `accountTags` targets: no attachment can select them; attach to each such account or its OU. */
  accountTags: Record<string, string>[];
  /** Excluded from a channel's sharing but under an OU or root the policy is attached to: it applies to them too. */
  coveredExclusions: { ous: string[]; accounts: string[] };
}

const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/** The attachments for the policy of `channels` (names the catalog has). */
export function attachmentsFor(catalog: Catalog, channels: readonly string[]): Attachments {
  const chosen = catalog.channels.filter((c) => channels.includes(c.name));
  const root = chosen.some((c) => c.targets.organization);
  const own = (listed: string[], excluded: string[]) => listed.filter((x) => !excluded.includes(x));
  const ous = root ? [] : sorted(chosen.flatMap((c) => own(c.targets.ous, c.targets.exclude.ous)));
  const accounts = root ? [] : sorted(chosen.flatMap((c) => own(c.targets.accounts, c.targets.exclude.accounts)));
  const tags = new Map<string, Record<string, string>>();
  for (const c of root ? [] : chosen) {
    if (Object.keys(c.targets.accountTags).length > 0) {
      tags.set(JSON.stringify(Object.entries(c.targets.accountTags).sort()), { ...c.targets.accountTags });
    }
  }
  // An excluded OU or account escapes the policy only when nothing the policy attaches to contains it; Goldsmith
  // does not know the tree, so every exclusion of a channel that targets OUs or the organization is reported,
  // unless the policy is attached to it directly anyway.
  const wide = chosen.filter((c) => c.targets.organization || c.targets.ous.length > 0);
  return {
    root,
    ous,
    accounts,
    accountTags: [...tags.values()],
    coveredExclusions: {
      ous: own(sorted(wide.flatMap((c) => c.targets.exclude.ous)), ous),
      accounts: own(sorted(wide.flatMap((c) => c.targets.exclude.accounts)), accounts),
    },
  };
}
