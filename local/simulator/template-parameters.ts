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
      };
      ssm.handle({ service: 'ssm', action: 'PutParameter', input, body: input, ...where });
      names.push(name);
    }
  }
  return names;
}
