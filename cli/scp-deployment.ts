import { wildcardMatch } from '../core/preflight/policies.js';
import { constructPattern, type DeployedRole, deployedRoleNames, type FunctionRole } from '../core/scp/names.js';
import { DOORS_AUDITOR, HOLDINGS_AUDITOR, POLICIES_AUDITOR, TASK_TOKEN_SENDERS } from '../core/scp/statements.js';
import type { ScpWritten } from './scp-output.js';

/** What the policy is written from: the account, where the role names came from, and exemptions that miss a role. */
export interface DeploymentRead {
  account: string;
  roles: ScpWritten['roles'];
  /** Deployed roles the policy exempts by name that its exemption does not match. */
  mismatches: string[];
}

/** The roles the policy exempts by name (a statement that exempts no other function). */
const NAMED: readonly FunctionRole[] = [DOORS_AUDITOR, POLICIES_AUDITOR, HOLDINGS_AUDITOR, ...TASK_TOKEN_SENDERS];

/** Each deployed role the policy names whose name its pattern does not match. */
export function exemptionMismatches(stage: string, roles: readonly DeployedRole[]): string[] {
  const names = deployedRoleNames(stage, roles);
  return NAMED.flatMap((role) => {
    const deployed = roles.length > 0 ? names(role) : undefined;
    const pattern = constructPattern(stage, role.stack, role.construct);
    return deployed !== undefined && !wildcardMatch(pattern, deployed)
      ? [`${role.stack}/${role.construct}'s role ${deployed} is not matched by ${pattern}`]
      : [];
  });
}

/**
 * The deployment `goldsmith scp` writes for: a saved local cloud (names as synthesized), nothing (`offline`), or the
 * stage's account (sts:GetCallerIdentity) and roles (preflight-roles.ts); credentials that cannot be had leave the
 * account as `*` and the names as synthesized, saying why.
 */
export async function readDeployment(
  stage: string,
  from: { local: string } | { offline: boolean },
): Promise<DeploymentRead> {
  if ('local' in from) {
    // A saved cloud, read as every --local command reads it (its code and catalog checked).
    const { readState } = await import('./operator/saved-state.js');
    await readState(from.local);
    return { account: '*', roles: { from: 'synthesized', why: 'a saved local cloud has no stacks' }, mismatches: [] };
  }
  if (from.offline) return { account: '*', roles: { from: 'synthesized', why: '--offline' }, mismatches: [] };
  const [{ GetCallerIdentityCommand }, { stsClient }, { deployedRoles }, { loadCatalogFile, DEFAULT_CATALOG_FILE }] =
    await Promise.all([
      import('@aws-sdk/client-sts'),
      import('../aws/clients/sts.js'),
      import('../aws/preflight/preflight-roles.js'),
      import('./load-catalog.js'),
    ]);
  const region =
    process.env.AWS_REGION ??
    process.env.AWS_DEFAULT_REGION ??
    (await loadCatalogFile(DEFAULT_CATALOG_FILE)).organization.homeRegion;
  try {
    const who = await stsClient(region).send(new GetCallerIdentityCommand({}));
    const roles = await deployedRoles(stage, region);
    return {
      account: who.Account ?? '*',
      roles:
        roles.length > 0
          ? { from: 'deployed', count: roles.length }
          : { from: 'synthesized', why: `stage ${stage} has no stacks in ${region} yet` },
      mismatches: exemptionMismatches(stage, roles),
    };
  } catch (error) {
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    process.stderr.write(`goldsmith scp: could not read stage ${stage} (${why}): writing it offline\n`);
    return {
      account: '*',
      roles: { from: 'synthesized', why: `the deployment could not be read: ${why}` },
      mismatches: [],
    };
  }
}
