import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { CfnTemplate, TemplateResolver } from '../simulator/intrinsics.js';
import { contentId } from './policy-content.js';

/**
 * IAM as the local cloud evaluates it: the synthesized policies (resolved with the local cloud's account and
 * Region) run through `@cloud-copilot/iam-simulate`, the same engine the readiness tests use.
 */

export interface PolicyDocument {
  Version: string;
  Statement: unknown[];
}

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

function resourcesOf(templates: readonly CfnTemplate[], type: string): [string, Record<string, unknown>][] {
  return templates.flatMap((t) =>
    Object.entries(t.Resources ?? {})
      .filter(([, r]) => r.Type === type)
      .map(([id, r]) => [id, r.Properties ?? {}] as [string, Record<string, unknown>]),
  );
}

/** The bus's resource policy: every `AWS::Events::EventBusPolicy` statement of that bus, as one document. */
export function busPolicyOf(
  templates: readonly CfnTemplate[],
  resolver: TemplateResolver,
  busName: string,
): PolicyDocument | undefined {
  const statements = resourcesOf(templates, 'AWS::Events::EventBusPolicy')
    .map(([, p]) => resolver.resolve(p) as { EventBusName?: string; Statement?: unknown })
    .filter((p) => p.EventBusName === busName && p.Statement !== undefined)
    .map((p) => p.Statement);
  return statements.length === 0 ? undefined : { Version: '2012-10-17', Statement: statements };
}

/** Every identity policy the templates attach to a role (inline and AWS::IAM::Policy), by role ARN. */
export function rolePoliciesByArn(
  templates: readonly CfnTemplate[],
  resolver: TemplateResolver,
): Map<string, PolicyDocument[]> {
  const byArn = new Map<string, PolicyDocument[]>();
  const roleArnOf = new Map<string, string>();
  for (const [id, props] of resourcesOf(templates, 'AWS::IAM::Role')) {
    const arn = resolver.arn(id);
    roleArnOf.set(resolver.physicalName(id), arn);
    const inline = (props.Policies ?? []) as { PolicyDocument: unknown }[];
    byArn.set(
      arn,
      inline.map((p) => resolver.resolve(p.PolicyDocument) as PolicyDocument),
    );
  }
  for (const [, props] of resourcesOf(templates, 'AWS::IAM::Policy')) {
    const resolved = resolver.resolve(props) as { Roles?: string[]; PolicyDocument: PolicyDocument };
    for (const name of resolved.Roles ?? []) {
      const arn = roleArnOf.get(name);
      if (arn) byArn.get(arn)?.push(resolved.PolicyDocument);
    }
  }
  return byArn;
}

export interface Request {
  principal: string;
  action: string;
  resource: string;
  resourceAccount: string;
  context: Record<string, string | string[]>;
  identityPolicies: readonly PolicyDocument[];
  resourcePolicy?: PolicyDocument | undefined;
}

type Evaluation = { decision: Decision; errors?: string };

/**
 * Decisions already made, by the request's content. The engine's answer depends on nothing but the request (the
 * principal, action, resource, context and the policies' text), and the local cloud asks the same few questions
 * thousands of times a run (each ledger write passes the table's door): one evaluation takes about a millisecond
 * of CPU, a key a few microseconds. Keyed by content, not by object (each policy by its content's number,
 * policy-content.ts), so a policy rebuilt for each call (a function's resource policy) still hits and a policy
 * changed since, in place or replaced, is a new key. Bounded: cleared when full.
 */
const decided = new Map<string, Promise<Evaluation>>();
const DECIDED_MAX = 20_000;

/** AWS's decision for one request; a request the engine cannot evaluate is a denial, with its errors. */
export function evaluate(request: Request): Promise<Evaluation> {
  const key = JSON.stringify([
    request.principal,
    request.action,
    request.resource,
    request.resourceAccount,
    request.context,
    contentId(request.identityPolicies),
    request.resourcePolicy ? contentId(request.resourcePolicy) : null,
  ]);
  let evaluation = decided.get(key);
  if (!evaluation) {
    if (decided.size >= DECIDED_MAX) decided.clear();
    evaluation = simulate(request);
    decided.set(key, evaluation);
    // An engine that threw is asked again next time rather than remembered.
    evaluation.catch(() => decided.delete(key));
  }
  return evaluation;
}

async function simulate(request: Request): Promise<Evaluation> {
  const result = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: request.context,
      },
      identityPolicies: request.identityPolicies.map((policy, i) => ({ name: `policy${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: request.resourcePolicy,
    },
    {},
  );
  if (result.resultType === 'error') return { decision: 'ImplicitlyDenied', errors: JSON.stringify(result.errors) };
  return { decision: result.overallResult as Decision };
}
