import { ancestorsOf, type OrgTree } from '../sharing/targets.js';

/**
 * Whom a channel pointer share reaches as the organization resolves it (pure): its principals themselves, and every
 * account of the held organization tree under an OU they name (at any depth) or in the organization they name. RAM
 * lets exactly these read a shared parameter, so a resource policy on a pointer that names only them (RAM's own
 * wording, or one from before the channel's targets changed) lets in no one the share does not: the audit announces
 * it but never deletes it (core/audit/pointer-policies.ts). Without a held tree, the principals alone.
 */
export function resolvedShareReach(principals: readonly string[], tree: OrgTree | undefined): string[] {
  const reached = new Set(principals);
  if (tree) {
    const ous = new Set(principals.flatMap((p) => /\/(ou-[a-z0-9-]+)$/.exec(p)?.[1] ?? []));
    const wholeOrganization = principals.includes(tree.organizationArn);
    for (const id of tree.accounts.keys()) {
      if (wholeOrganization || ancestorsOf(tree, id).some((a) => ous.has(a))) reached.add(id);
    }
  }
  return [...reached].sort();
}
