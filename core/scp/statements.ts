/**
 * The service control policy's statements, written from a deployment's names (pure): the one source of
 * docs/security/scp.md's policy, of `goldsmith scp`, of the local cloud's organization and of what
 * `goldsmith preflight` requires (core/preflight/scp-requirements.ts). Each statement carries the requests an
 * outsider would send that it must refuse (`samples`), so the check covers every statement and action it lists.
 */
import { statementContext } from './context.js';
import { amiAndPointerStatements, storeStatements, subscriptionStatements } from './data-statements.js';
import { deploymentStatementSpecs } from './deployment-statements.js';
import { containerImageStatements } from './ecr-statements.js';
import { functionStatements } from './function-statements.js';
import type { ScpOptions } from './roles.js';
import { sbomExportStatements } from './sbom-statements.js';
import type { ScpStatementSpec } from './spec.js';
import { releaseAndEventStatements, stackStatements, stateMachineStatements } from './stack-statements.js';

export {
  DEFAULT_DEPLOYER,
  DEFAULT_KEY_ROTATOR,
  DOCUMENTED_SINK_SECRETS,
  DOORS_AUDITOR,
  FUNCTIONS_AUDITOR,
  HOLDINGS_AUDITOR,
  OPERATOR,
  OPERATOR_REVOKE,
  POLICIES_AUDITOR,
  type ScpOptions,
  TASK_TOKEN_SENDERS,
} from './roles.js';
export { sampleResources } from './samples.js';
export type { ScpContext, ScpStatementSpec } from './spec.js';

/**
 * Every statement of the policy for `options`, in the page's order; `region` and `sampleAccount` only name the
 * samples. The resource patterns name every Region (`*`): the stacks make rules and keys in the distribution Regions
 * too.
 */
export function scpStatementSpecs(
  options: ScpOptions,
  region = 'us-east-1',
  sampleAccount = options.account,
): ScpStatementSpec[] {
  const c = statementContext(options, region, sampleAccount);
  const { stage, account, r, role, cdk } = c;
  return [
    ...functionStatements(c),
    ...amiAndPointerStatements(c),
    ...releaseAndEventStatements(c),
    ...stackStatements(c),
    ...subscriptionStatements(c),
    ...stateMachineStatements(c),
    ...storeStatements(c),
    ...containerImageStatements(c),
    ...sbomExportStatements(c),
    ...deploymentStatementSpecs({
      stage,
      account,
      role,
      cdk,
      deployer: options.deployer,
      approvers: options.approvers ?? [],
      sampleAccount: r.account,
      region,
    }),
  ];
}

/** One statement as the policy document holds it. */
export function statementJson(s: ScpStatementSpec): Record<string, unknown> {
  const condition: Record<string, unknown> = { ...s.conditions };
  if (s.exempt.length > 0)
    condition.ArnNotLike = { 'aws:PrincipalArn': s.exempt.length === 1 ? s.exempt[0] : [...s.exempt] };
  return {
    Sid: s.sid,
    Effect: 'Deny',
    Action: s.actions.length === 1 ? s.actions[0] : [...s.actions],
    ...(s.resources ? { Resource: s.resources.length === 1 ? s.resources[0] : [...s.resources] } : {}),
    ...(s.notResources ? { NotResource: [...s.notResources] } : {}),
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
}
