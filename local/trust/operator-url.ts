import { createHash } from 'node:crypto';
import { OPERATOR_ACTIONS, operatorDoorOf } from '../../events/operator-request.js';
import { LOCAL_ACCOUNT, type LocalCloud } from '../simulator/cloud.js';
import { principalArnOf } from './bus-authorizer.js';
import { lambdaAllows } from './lambda-invoke.js';
import { operatorFunctionArn, operatorsRole } from './operator-doors.js';
import { namedApprover, sessionOf } from './operator-signer.js';
import { callerIdentity } from './outside-principals.js';
import { evaluate, type PolicyDocument } from './policies.js';

/**
 * The operator endpoint as AWS serves its function URL (`AuthType: AWS_IAM`): an unsigned request is answered 403
 * without running the function; a signed one runs it only if IAM allows the caller both lambda:InvokeFunctionUrl and
 * lambda:InvokeFunction (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html), from the caller's identity
 * policies (the stacks' roles carry their synthesized ones; a principal of another account the catalog names, what its
 * own account grants it: `outside-principals.ts`; anyone else none) or the function's
 * resource policy (its synthesized AWS::Lambda::Permission resources), with `lambda:InvokedViaFunctionUrl` set as
 * the URL sets it (`lambda-invoke.ts`). The function then sees the caller in `requestContext.authorizer.iam`.
 *
 * `--as` names one principal for every action: an approver the catalog names signs as itself; any other principal the
 * operators' role's trust policy admits calls as `arn:aws:sts::<account>:assumed-role/<operators role>/<its name>`
 * (as an operator's CLI profile would assume it), whatever the action; the function then decides what it may do.
 */

export interface OperatorCall {
  /** The signing principal (`--as`); undefined sends the request unsigned. */
  as?: string | undefined;
  /** The request body (events/operator-request.ts), sent as JSON. */
  body: unknown;
}

export interface OperatorReply {
  status: number;
  body: unknown;
  /** The principal the request was finally signed as (after assuming the operators' role), if signed. */
  signedAs?: string;
}

const FORBIDDEN = { Message: 'Forbidden' };

export { operatorFunctionArn, operatorsRoleArn } from './operator-doors.js';

/**
 * The function whose URL the CLI sends `body` to: its action's door (events/operator-request.ts `OPERATOR_DOORS`),
 * the front door for a body that names no known action (the function answers it).
 */
function operatorFunction(cloud: LocalCloud, body: unknown): { arn: string } {
  const action = (body as { action?: unknown } | null)?.action;
  const known = OPERATOR_ACTIONS.find((a) => a === action);
  const door = known === undefined ? 'operator' : operatorDoorOf(known);
  const arn = operatorFunctionArn(cloud, door);
  if (arn === undefined) throw new Error(`the stacks define no ${door} function for the operator endpoint`);
  return { arn };
}

async function allowed(
  cloud: LocalCloud,
  principal: string,
  action: string,
  resource: string,
  resourcePolicy: PolicyDocument,
  context: Record<string, string>,
) {
  const { arn, identityPolicies } = callerIdentity(cloud, principal);
  const { decision } = await evaluate({
    principal: arn,
    action,
    resource,
    resourceAccount: LOCAL_ACCOUNT,
    context: { 'aws:PrincipalArn': arn, 'aws:PrincipalAccount': arn.split(':')[4] ?? '', ...context },
    identityPolicies,
    resourcePolicy,
  });
  return decision === 'Allowed';
}

/**
 * Who `as` signs as, the same for every action (docs/operating.md, "Operator commands", `--as`): a principal the catalog names
 * among the approvers signs as itself; any other principal the operators' role's trust policy admits (simulated)
 * acts through that role, as a session named after it; anyone else signs as itself, and IAM decides.
 */
async function signerFor(cloud: LocalCloud, as: string): Promise<string> {
  const role = operatorsRole(cloud);
  if (!role || principalArnOf(as) === role.arn || namedApprover(cloud.catalog, as))
    return sessionOf(as, 'goldsmith-cli');
  const mayAssume = await allowed(cloud, as, 'sts:AssumeRole', role.arn, role.trust, {});
  const name = as.split('/').pop() ?? 'operator';
  return mayAssume ? sessionOf(role.arn, name) : sessionOf(as, 'goldsmith-cli');
}

/** One request to the operator endpoint, decided and answered as AWS and the function would. */
export async function invokeOperatorUrl(cloud: LocalCloud, call: OperatorCall): Promise<OperatorReply> {
  if (call.as === undefined) return { status: 403, body: FORBIDDEN };
  const fn = operatorFunction(cloud, call.body);
  const caller = await signerFor(cloud, call.as);
  // The URL's request is authorized twice: lambda:InvokeFunctionUrl for the URL's auth type, then
  // lambda:InvokeFunction with `lambda:InvokedViaFunctionUrl` = true, which only the URL sets (lambda-invoke.ts).
  const urlAuth = { 'lambda:FunctionUrlAuthType': 'AWS_IAM' };
  const mayInvoke =
    (await lambdaAllows(cloud, caller, 'lambda:InvokeFunctionUrl', fn.arn, urlAuth)) &&
    (await lambdaAllows(cloud, caller, 'lambda:InvokeFunction', fn.arn, { 'lambda:InvokedViaFunctionUrl': 'true' }));
  if (!mayInvoke) return { status: 403, body: FORBIDDEN, signedAs: caller };
  const at = cloud.clock.date();
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'operator.lambda-url.local.on.aws' },
    body: JSON.stringify(call.body),
    isBase64Encoded: false,
    requestContext: {
      accountId: caller.split(':')[4] ?? LOCAL_ACCOUNT,
      apiId: 'operator',
      authorizer: {
        iam: {
          accountId: caller.split(':')[4],
          callerId: caller.split('/').slice(1).join(':'),
          userArn: caller,
          principalOrgId: cloud.catalog.organization.id,
        },
      },
      domainName: 'operator.lambda-url.local.on.aws',
      http: { method: 'POST', path: '/', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'goldsmith-cli' },
      // Deterministic, so a saved cloud replays to the same ledger (a build's request id names its intent).
      requestId: createHash('sha256')
        .update(`${at.toISOString()}${caller}${JSON.stringify(call.body)}`)
        .digest('hex')
        .slice(0, 32),
      time: at.toISOString(),
      timeEpoch: at.getTime(),
    },
  };
  const response = (await cloud.invoker.invokeSync(fn.arn, event)) as { statusCode: number; body?: string };
  return { status: response.statusCode, body: JSON.parse(response.body ?? '{}'), signedAs: caller };
}
