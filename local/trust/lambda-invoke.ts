import { LOCAL_ACCOUNT, type LocalCloud } from '../simulator/cloud.js';
import { callerIdentity } from './outside-principals.js';
import { evaluate, type PolicyDocument } from './policies.js';

/**
 * Who may invoke one of our functions, as Lambda decides it: the caller's identity policies (the stacks' roles
 * carry their synthesized ones; a principal of another account the catalog names, what its own account grants it;
 * anyone else none unless the caller says otherwise) and the function's
 * resource policy, built from its synthesized AWS::Lambda::Permission resources as Lambda's AddPermission writes them
 * (https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html): a service principal as `Service`,
 * `SourceArn` as `ArnLike aws:SourceArn`, `SourceAccount` as `StringEquals aws:SourceAccount`, `PrincipalOrgID` as
 * `StringEquals aws:PrincipalOrgID`, `FunctionUrlAuthType` as `StringEquals lambda:FunctionUrlAuthType` and
 * `InvokedViaFunctionUrl` as `Bool lambda:InvokedViaFunctionUrl`. Lambda sets `lambda:InvokedViaFunctionUrl` to true
 * only on the lambda:InvokeFunction authorization of a request that came through the function URL
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html, condition keys;
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html); a direct Invoke carries no such key.
 */

type Props = Record<string, unknown>;

function permissions(cloud: LocalCloud): Props[] {
  return cloud.templates.flatMap((t) =>
    Object.values(t.Resources ?? {})
      .filter((r) => r.Type === 'AWS::Lambda::Permission')
      .map((r) => (cloud.resolver.resolve(r.Properties ?? {}) ?? {}) as Props),
  );
}

function principalOf(principal: unknown): unknown {
  const p = String(principal);
  if (p === '*') return '*';
  if (/\.amazonaws\.com$/.test(p)) return { Service: p };
  return { AWS: p };
}

/** The function's resource policy, from its synthesized permissions. */
export function functionPolicy(cloud: LocalCloud, functionArn: string): PolicyDocument {
  const name = functionArn.split(':').pop();
  const statements = permissions(cloud)
    .filter((p) => p.FunctionName === functionArn || String(p.FunctionName).endsWith(`:${name}`))
    .map((p, i) => {
      const equals: Record<string, string> = {};
      if (p.SourceAccount) equals['aws:SourceAccount'] = String(p.SourceAccount);
      if (p.PrincipalOrgID) equals['aws:PrincipalOrgID'] = String(p.PrincipalOrgID);
      if (p.FunctionUrlAuthType) equals['lambda:FunctionUrlAuthType'] = String(p.FunctionUrlAuthType);
      const condition: Record<string, Record<string, string>> = {};
      if (Object.keys(equals).length > 0) condition.StringEquals = equals;
      if (p.SourceArn) condition.ArnLike = { 'aws:SourceArn': String(p.SourceArn) };
      if (p.InvokedViaFunctionUrl === true || p.InvokedViaFunctionUrl === 'true') {
        condition.Bool = { 'lambda:InvokedViaFunctionUrl': 'true' };
      }
      return {
        Sid: `Permission${i}`,
        Effect: 'Allow',
        Principal: principalOf(p.Principal),
        Action: p.Action,
        Resource: functionArn,
        ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
      };
    });
  return { Version: '2012-10-17', Statement: statements };
}

/** Whether IAM lets `principal` perform `action` on the function, with the request's own condition keys. */
export async function lambdaAllows(
  cloud: LocalCloud,
  principal: string,
  action: 'lambda:InvokeFunction' | 'lambda:InvokeFunctionUrl',
  functionArn: string,
  context: Record<string, string>,
  identityPolicies?: readonly PolicyDocument[],
): Promise<boolean> {
  const caller = callerIdentity(cloud, principal);
  const arn = caller.arn;
  const { decision } = await evaluate({
    principal: arn,
    action,
    resource: functionArn,
    resourceAccount: LOCAL_ACCOUNT,
    context: { 'aws:PrincipalArn': arn, 'aws:PrincipalAccount': arn.split(':')[4] ?? '', ...context },
    identityPolicies: identityPolicies ?? caller.identityPolicies,
    resourcePolicy: functionPolicy(cloud, functionArn),
  });
  return decision === 'Allowed';
}

export interface DirectInvoke {
  /** The calling principal (a role, a role session or a user ARN). */
  as: string;
  functionArn: string;
  /** The payload, exactly as the caller wrote it (a forged request context included). */
  payload: unknown;
  /** The caller's identity policies; by default the synthesized ones of our roles, none for anyone else. */
  identityPolicies?: readonly PolicyDocument[];
}

export type DirectInvokeReply =
  | { status: 403; error: 'AccessDeniedException' }
  | { status: 200; result: unknown }
  | { status: 200; functionError: 'Unhandled'; errorType: string; errorMessage: string };

/**
 * Lambda's Invoke API (RequestResponse) called by a principal: authorized as lambda:InvokeFunction without
 * `lambda:InvokedViaFunctionUrl`, then the function runs on the payload as given. AWS answers 403
 * AccessDeniedException when IAM refuses, and 200 with a function error when the function throws (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html, Errors).
 */
export async function invokeFunctionAs(cloud: LocalCloud, call: DirectInvoke): Promise<DirectInvokeReply> {
  const allowed = await lambdaAllows(
    cloud,
    call.as,
    'lambda:InvokeFunction',
    call.functionArn,
    {},
    call.identityPolicies,
  );
  if (!allowed) return { status: 403, error: 'AccessDeniedException' };
  try {
    return { status: 200, result: await cloud.invoker.invokeSync(call.functionArn, call.payload, 'sync') };
  } catch (error) {
    // A function error is still a 200 with X-Amz-Function-Error set (API_Invoke.html, FunctionError).
    const e = error instanceof Error ? error : new Error(String(error));
    return { status: 200, functionError: 'Unhandled', errorType: e.name, errorMessage: e.message };
  }
}
