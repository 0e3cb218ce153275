import { describe, expect, it } from 'vitest';
import example from '../../../goldsmith.config.js';
import { memberBaselineLine } from '../../../scripts/verify/member-baseline.js';
import { minimalCatalog } from '../helpers.js';
import { synthesizeApp } from './synth.js';

describe("verify's member baseline line", () => {
  it("allows the member function's calls in every AMI Region, and refuses the same calls aimed elsewhere", async () => {
    const app = await synthesizeApp(example);
    const line = await memberBaselineLine('example catalog', app.templates);
    expect(line.problems).toEqual([]);
    // 3 allowed and 3 refused requests in each of the example's 3 AMI Regions.
    expect(line.figure).toBe('18 requests, 0 problems');
  });

  it('reports a role that lets the function grant any principal', async () => {
    const app = await synthesizeApp(example);
    const stackSet = Object.values(app.templates.get('MemberBaseline')!.Resources).find(
      (r) => r.Type === 'AWS::CloudFormation::StackSet',
    )!;
    type Role = {
      Properties: { Policies: { PolicyDocument: { Statement: { Action: string; Condition?: unknown }[] } }[] };
    };
    const body = JSON.parse(stackSet.Properties!['TemplateBody'] as string) as { Resources: Record<string, Role> };
    for (const s of body.Resources['GrantFunctionRole']!.Properties.Policies[0]!.PolicyDocument.Statement) {
      if (s.Action === 'kms:CreateGrant') delete s.Condition;
    }
    stackSet.Properties!['TemplateBody'] = JSON.stringify(body);
    const line = await memberBaselineLine('example catalog', app.templates);
    expect(line.problems.some((p) => p.includes('allows kms:CreateGrant'))).toBe(true);
  });

  it('says when the catalog deploys no baseline', async () => {
    const app = await synthesizeApp(minimalCatalog());
    const line = await memberBaselineLine('minimal catalog', app.templates);
    expect(line).toMatchObject({ figure: expect.stringContaining('no StackSet'), problems: [] });
  });
});
