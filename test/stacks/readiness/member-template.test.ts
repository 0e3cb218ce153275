import { beforeAll, describe, expect, it } from 'vitest';
import exampleCatalog from '../../../goldsmith.config.js';
import { validateTemplate } from '../../../scripts/readiness/cfn-schema.js';
import { actionProblem, actionsOf, policyStatements } from '../../../scripts/readiness/iam-actions.js';
import {
  type MemberTemplate,
  memberTemplateProblems,
  memberTemplatesOf,
  TEMPLATE_BODY_MAX_BYTES,
} from '../../../scripts/readiness/member-template.js';
import { nagTemplates } from '../../../scripts/readiness/nag.js';
import { synthesizeApp } from './synth.js';

/**
 * The member template the StackSet carries, checked as AWS reads it: CloudFormation parses the `TemplateBody` string
 * in every member account, where the factory's template checks never look. `npm run build` runs the same checks on
 * the real build's StackSet.
 */
let member: MemberTemplate;
beforeAll(async () => {
  const app = await synthesizeApp(exampleCatalog);
  const { found, problems } = memberTemplatesOf(app.templates);
  expect(problems).toEqual([]);
  expect(found).toHaveLength(1);
  member = found[0]!;
}, 120_000);

/** The member template with `change` applied to a copy, as the StackSet would carry it. */
function changed(change: (t: MemberTemplate['template']) => void, passed = member.passed): MemberTemplate {
  const template = structuredClone(member.template);
  change(template);
  return { ...member, template, body: JSON.stringify(template), passed };
}

describe('the member template a StackSet carries', () => {
  it('passes the registry schemas, the IAM action check and cdk-nag, as the factory templates do', async () => {
    const schema = validateTemplate(member.template as never);
    expect(schema.problems).toEqual([]);
    expect(schema.validated).toBeGreaterThanOrEqual(3);
    const unknown: string[] = [];
    for (const found of policyStatements(member.template as never))
      for (const action of actionsOf(found.statement)) {
        const problem = await actionProblem(action);
        if (problem) unknown.push(problem);
      }
    expect(unknown).toEqual([]);
    const nag = await nagTemplates(new Map([[member.name, member.template]]));
    expect(nag.findings).toEqual([]);
  }, 120_000);

  it('fits a TemplateBody, uses no macro, and gets every parameter it needs from the StackSet', () => {
    expect(Buffer.byteLength(member.body)).toBeLessThan(TEMPLATE_BODY_MAX_BYTES);
    expect(memberTemplateProblems(member)).toEqual([]);
  });

  it('is refused when it grows past 51,200 bytes', () => {
    const big = changed((t) => {
      t.Description = 'x'.repeat(TEMPLATE_BODY_MAX_BYTES);
    });
    expect(memberTemplateProblems(big)).toEqual([
      expect.stringMatching(/TemplateBody is \d+ bytes; CloudFormation takes at most 51200$/),
    ]);
  });

  it('is refused with a transform, which a service-managed StackSet cannot use', () => {
    expect(memberTemplateProblems(changed((t) => (t.Transform = 'AWS::Serverless-2016-10-31')))).toEqual([
      `${member.name}: the template uses a transform; a service-managed StackSet cannot`,
    ]);
  });

  it('is refused when a parameter without a default is not passed, or one is passed it does not declare', () => {
    const passed = new Map(member.passed);
    const [first] = [...passed.keys()];
    passed.delete(first!);
    passed.set('Unknown', 'x');
    expect(memberTemplateProblems(changed(() => {}, passed))).toEqual([
      `${member.name}: parameter ${first} has no default and the StackSet does not pass it`,
      `${member.name}: the StackSet passes Unknown, which the template does not declare`,
    ]);
  });

  it('is refused when it refers to a name it does not declare', () => {
    const broken = changed((t) => {
      const logs = Object.values(t.Resources ?? {}).find((r) => r.Type === 'AWS::Logs::LogGroup')!;
      // A CloudFormation Fn::Sub text: `${…}` names what CloudFormation substitutes, no template literal.
      const sub = (name: string) => `$${'{'}${name}}`;
      const text = `/goldsmith/${sub('Stage')}/${sub('AWS::Region')}`;
      logs.Properties = { ...logs.Properties, LogGroupName: { 'Fn::Sub': text } };
    });
    expect(memberTemplateProblems(broken)).toEqual([
      `${member.name}: refers to Stage, which is no parameter, resource or pseudo parameter`,
    ]);
  });
});
