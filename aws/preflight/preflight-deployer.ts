import { type Caller, callerSays } from '../../core/preflight/caller.js';
import { deployerRefusals, isDeployer, notTheDeployer } from '../../core/preflight/scp-deployer.js';
import type { PreflightCheck } from './preflight-check.js';
import { type AttachedScp, type Standing, scpCommand, unreadScps } from './preflight-organization.js';

/**
 * `goldsmith preflight`'s `deployer` line: who runs it (STS GetCallerIdentity, core/preflight/caller.ts) against the
 * role the SCP is checked for (`--deployer`, else the role the credentials are a session of, else goldsmith-deployer).
 * `npm run deploy` runs preflight with the credentials it deploys with, so a caller the SCP refuses its deploy calls
 * (core/preflight/scp-deployer.ts) is a failure; another caller the SCP lets deploy is a warning.
 */
export interface DeployerInput {
  caller: Caller;
  deployer: string;
  /** `--deployer` was given. */
  named: boolean;
  stage: string;
  region: string;
  standing?: Standing;
  /** The SCPs above the account, as the SCP check read them (a member account only). */
  scps?: Promise<AttachedScp[]>;
}

export async function deployerCheck(i: DeployerInput): Promise<PreflightCheck> {
  const name = 'deployer';
  const { caller, deployer } = i;
  if (isDeployer(caller, deployer))
    return {
      name,
      status: 'ok',
      detail: `${callerSays(caller)}, the role the SCP is checked for${i.named ? ' (--deployer)' : ' (from the credentials; --deployer names another)'}`,
    };
  const fallback = i.named ? '' : ` (no --deployer: the SCP is checked for the default, ${deployer})`;
  const base = `${notTheDeployer(caller, deployer)}${fallback}`;
  const rewrite = `deploy as ${deployer} (npm run deploy with a profile whose role_arn is that role), or name the role that deploys with --deployer and write the SCP for it (\`${scpCommand(i.stage, '<role>')} --out scp/\`)`;
  if (!i.standing)
    return {
      name,
      status: 'missing',
      detail: `${base}; whether the SCP refuses its deploy is unknown: the organization could not be read (above)`,
    };
  if (i.standing.account === i.standing.management)
    return {
      name,
      status: 'warning',
      detail: `${base}; SCPs do not apply to the management account, so nothing refuses its deploy here: ${rewrite}, so that what preflight checks is what deploys`,
    };
  let contents: string[];
  try {
    contents = (await (i.scps ?? Promise.resolve([]))).map((p) => p.content);
  } catch (error) {
    return { name, status: 'missing', detail: `${base}; ${unreadScps(i.standing, error)}` };
  }
  const principal = caller.kind === 'other' ? caller.arn : caller.principalArn;
  const refused = deployerRefusals(contents, i.stage, i.standing.account, i.region, principal);
  return refused.length > 0
    ? {
        name,
        status: 'missing',
        detail: `${base}, and the SCPs on ${i.standing.account} or above it refuse its deploy: ${refused.join('; ')}: ${rewrite}`,
      }
    : {
        name,
        status: 'warning',
        detail: `${base}; the SCPs on ${i.standing.account} or above it do not refuse its deploy, but what preflight read as this caller may differ from what ${deployer} may: ${rewrite}`,
      };
}
