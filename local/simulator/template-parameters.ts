import type { LambdaFunctionsFake } from '../fakes/lambda-functions.js';
import type { SnsFake } from '../fakes/sns-sts.js';
import type { SqsFake } from '../fakes/sqs.js';
import type { SsmFake } from '../fakes/ssm.js';
import type { TemplateResolver } from './intrinsics.js';
import type { SynthesizedApp } from './synth.js';

/**
 * The stacks' functions, as CloudFormation's AWS::Lambda::Function creates them: named as the template resolves them,
 * with their role, handler, runtime, environment, layers, timeout and memory; the code is the template's (its asset's
 * key, or the inline code), so `CodeSha256` changes only when someone uploads other code. Before the parameters:
 * a function's expected properties name it, so CloudFormation writes them after it (stacks/expected-functions.ts).
 */
export function deployTemplateFunctions(
  templates: SynthesizedApp['templates'],
  resolver: TemplateResolver,
  lambda: LambdaFunctionsFake,
): void {
  for (const t of templates) {
    for (const [id, r] of Object.entries(t.Resources ?? {})) {
      if (r.Type !== 'AWS::Lambda::Function') continue;
      const p = (resolver.resolve(r.Properties ?? {}) ?? {}) as Record<string, unknown>;
      const variables = (p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      lambda.deploy({
        FunctionName: resolver.physicalName(id),
        Role: String(p.Role ?? ''),
        Handler: String(p.Handler ?? ''),
        Runtime: String(p.Runtime ?? ''),
        Timeout: Number(p.Timeout ?? 3),
        MemorySize: Number(p.MemorySize ?? 128),
        Environment: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
        Layers: Array.isArray(p.Layers) ? p.Layers.map(String) : [],
        code: JSON.stringify(p.Code ?? {}),
      });
    }
  }
}

/**
 * The stacks' own SSM parameters (the release a deployment records, /goldsmith-release/<stage>), put as
 * CloudFormation's AWS::SSM::Parameter puts them: a String, in the stack's Region, in Goldsmith's account.
 */
export function createTemplateParameters(
  templates: SynthesizedApp['templates'],
  resolver: TemplateResolver,
  ssm: SsmFake,
  where: { region: string; accountId: string },
): string[] {
  const names: string[] = [];
  for (const t of templates) {
    for (const r of Object.values(t.Resources ?? {})) {
      if (r.Type !== 'AWS::SSM::Parameter') continue;
      const name = String(resolver.resolve(r.Properties?.Name));
      const input = {
        Name: name,
        Value: String(resolver.resolve(r.Properties?.Value)),
        Type: String(r.Properties?.Type),
        ...(r.Properties?.Tier ? { Tier: String(r.Properties.Tier) } : {}),
      };
      ssm.handle({ service: 'ssm', action: 'PutParameter', input, body: input, ...where });
      names.push(name);
    }
  }
  return names;
}

/**
 * The stacks' topic and queue policies, set as CloudFormation's AWS::SNS::TopicPolicy (SetTopicAttributes `Policy` on
 * each of its topics) and AWS::SQS::QueuePolicy (SetQueueAttributes `Policy` on each queue URL) set them.
 */
export function applyTemplatePolicies(
  templates: SynthesizedApp['templates'],
  resolver: TemplateResolver,
  fakes: { sns: SnsFake; sqs: SqsFake },
): void {
  for (const t of templates) {
    for (const r of Object.values(t.Resources ?? {})) {
      if (r.Type !== 'AWS::SNS::TopicPolicy' && r.Type !== 'AWS::SQS::QueuePolicy') continue;
      const policy = JSON.stringify(resolver.resolve(r.Properties?.PolicyDocument));
      if (r.Type === 'AWS::SNS::TopicPolicy') {
        for (const topic of (r.Properties?.Topics ?? []) as unknown[])
          fakes.sns.policies.set(String(resolver.resolve(topic)), policy);
      } else {
        for (const queue of (r.Properties?.Queues ?? []) as unknown[])
          fakes.sqs.policies.set(String(resolver.resolve(queue)), policy);
      }
    }
  }
}
