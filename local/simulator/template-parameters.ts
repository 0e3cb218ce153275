import type { SnsFake } from '../fakes/sns-sts.js';
import type { SqsFake } from '../fakes/sqs.js';
import type { SsmFake } from '../fakes/ssm.js';
import type { TemplateResolver } from './intrinsics.js';
import type { SynthesizedApp } from './synth.js';

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
