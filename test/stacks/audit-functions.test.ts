import { beforeAll, describe, expect, it } from 'vitest';
import exampleCatalog from '../../goldsmith.config.js';
import { GOLDSMITH_STACKS } from '../../stacks/app.js';
import { Monitoring } from '../../stacks/Monitoring.js';
import { Promotion } from '../../stacks/Promotion.js';
import { auditorOf, resourcesOf, type StackFunction, type Synthesized, synthesizeShared } from './helpers.js';

/**
 * The functions' audit in the synthesized stacks: every function's properties written where the audit reads them,
 * after the function (the value names it), and the audit's role holding exactly the calls functions/audit-functions.ts
 * makes, on Goldsmith's functions only.
 */

let synth: Synthesized;

const monitoring = () => {
  const t = synth.templates.get(Monitoring as StackFunction);
  if (!t) throw new Error('no Monitoring stack');
  return t;
};

beforeAll(async () => {
  synth = await synthesizeShared(exampleCatalog, { stacks: [...GOLDSMITH_STACKS] as StackFunction[] });
}, 120_000);

describe("the functions' audit in the stacks", () => {
  it('writes each function’s properties under /goldsmith/_functions/<stage>/, naming the function so it is written after it', () => {
    let functions = 0;
    for (const template of synth.templates.values()) {
      const fns = resourcesOf(template, 'AWS::Lambda::Function');
      const params = Object.values(resourcesOf(template, 'AWS::SSM::Parameter'))
        .map((p) => p.Properties)
        .filter((p) => String(p.Name).startsWith('/goldsmith/_functions/test/'));
      functions += Object.keys(fns).length;
      expect(params).toHaveLength(Object.keys(fns).length);
      for (const [id, fn] of Object.entries(fns)) {
        // (The helper shows a reference as `<LogicalId.Attr>`.)
        const param = params.find((p) => String(p.Value).includes(`"arn":"<${id}.Arn>"`));
        expect(param, id).toMatchObject({ Type: 'String', Tier: 'Intelligent-Tiering' });
        const value = String(param?.Value);
        // Its properties, as the template gives them: the role, the handler, the code's object.
        const { properties } = JSON.parse(String(param?.Value)) as { properties: Record<string, unknown> };
        expect(properties.Handler).toBe(fn.Properties.Handler);
        // The environment, variable by variable (the helper shows a value imported from another stack, inside the
        // parameter's joined string, as `[object Object]`).
        const variables = (e: unknown) => (e as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
        const wanted = variables(fn.Properties.Environment);
        const held = variables(properties.Environment);
        expect(Object.keys(held).sort(), id).toEqual(Object.keys(wanted).sort());
        for (const [k, v] of Object.entries(wanted)) if (typeof v === 'string') expect(held[k], `${id} ${k}`).toBe(v);
        expect(properties.Role).toMatch(/^<\w+\.Arn>$/);
        // The bundle's asset (its hash in the key), or the code itself for an inline function.
        expect(JSON.stringify(properties.Code)).toMatch(/"S3Key":"[0-9a-f]{64}\.zip"|"ZipFile":/);
        // An Advanced parameter holds 8 KB.
        expect(value.length, id).toBeLessThan(8192);
      }
    }
    expect(functions).toBeGreaterThanOrEqual(20);
  });

  it('runs within minutes of a Lambda call CloudTrail reports (by prefix: the names carry a version), and of a change of an expected function', () => {
    const rules = Object.values(resourcesOf(monitoring(), 'AWS::Events::Rule'))
      .map((r) => r.Properties)
      .filter((p) => JSON.stringify(p.Targets).includes('AuditFunctions'));
    const patterns = rules.map((r) => r.EventPattern as Record<string, unknown>);
    expect(patterns).toContainEqual({
      source: ['aws.lambda'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['lambda.amazonaws.com'],
        eventName: expect.arrayContaining([
          { prefix: 'UpdateFunctionCode' },
          { prefix: 'UpdateFunctionConfiguration' },
          // A function deleted and one made again under its name (CreateFunction20150331, DeleteFunction20150331).
          { prefix: 'CreateFunction' },
          { prefix: 'DeleteFunction' },
        ]),
      },
    });
    expect(patterns).toContainEqual({
      source: ['aws.ssm'],
      'detail-type': ['Parameter Store Change'],
      detail: { name: [{ prefix: '/goldsmith/_functions/' }] },
    });
    for (const p of patterns) expect(JSON.stringify(p).length).toBeLessThan(2048);
    for (const r of rules) expect(JSON.stringify(r.Targets)).toContain('DeadLetterConfig');
  });

  it("runs daily, and its role reads and stops only Goldsmith's functions", () => {
    const { schedule, statements, actions } = auditorOf(monitoring(), 'AuditFunctions');
    expect(schedule).toMatchObject({
      ScheduleExpression: 'cron(15 1 * * ? *)',
      Target: { Input: JSON.stringify({ audit: 'functions' }) },
    });
    expect(actions).toEqual([
      'cloudformation:DescribeStackEvents',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'iam:GetAccountAuthorizationDetails',
      'iam:GetRole',
      'iam:GetRolePolicy',
      'iam:ListAttachedRolePolicies',
      'iam:ListRolePolicies',
      'lambda:GetFunction',
      'lambda:PutFunctionConcurrency',
      'sns:Publish',
      'sqs:SendMessage',
      'ssm:GetParameter',
      'ssm:GetParametersByPath',
    ]);
    const lambda = statements.find((s) => [s.Action].flat().includes('lambda:GetFunction'));
    expect(JSON.stringify(lambda?.Resource)).toContain(':function:test-goldsmith-*');
    // No Lambda action on `*`: ListFunctions (which takes no resource) would read every function's environment.
    const onEverything = statements.filter((s) => [s.Resource].flat().includes('*'));
    const everywhere = onEverything.flatMap((s) => [s.Action].flat());
    expect(everywhere).toContain('iam:GetAccountAuthorizationDetails');
    expect(everywhere.filter((a) => a.startsWith('lambda:'))).toEqual([]);
    // One record read alone: GetParameter under this stage's functions' records, nothing wider.
    const record = statements.find((s) => [s.Action].flat().includes('ssm:GetParameter'));
    expect(record).toMatchObject({
      Action: 'ssm:GetParameter',
      Resource: 'arn:aws:ssm:us-east-1:111111111111:parameter/goldsmith/_functions/test/*',
    });
    const cfn = statements.find((s) => [s.Action].flat().includes('cloudformation:DescribeStackEvents'));
    expect(JSON.stringify(cfn?.Resource)).toContain(':stack/test-goldsmith-*/*');
    const ssm = statements.find((s) => [s.Action].flat().includes('ssm:GetParametersByPath'));
    expect(JSON.stringify(ssm?.Resource)).toContain(':parameter/goldsmith/_functions/test"');
    expect(JSON.stringify(ssm?.Resource)).toContain(':parameter/goldsmith/_roles/test"');
    // Reads of Goldsmith's roles only, and no IAM write.
    const roles = statements.find((s) => [s.Action].flat().includes('iam:GetRole'));
    expect(JSON.stringify(roles?.Resource)).toContain(':role/test-goldsmith-*');
    expect(JSON.stringify(roles?.Resource)).toContain(':role/goldsmith-test-*');
    expect(actions.filter((a) => a.startsWith('iam:') && !/^iam:(Get|List)/.test(a))).toEqual([]);
  });

  it('runs on the IAM calls that change a role, as CloudTrail reports them (us-east-1 only)', () => {
    const patterns = Object.values(resourcesOf(monitoring(), 'AWS::Events::Rule'))
      .map((r) => r.Properties)
      .filter((p) => JSON.stringify(p.Targets).includes('AuditFunctions'))
      .map((r) => r.EventPattern);
    expect(patterns).toContainEqual({
      source: ['aws.iam'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['iam.amazonaws.com'],
        eventName: expect.arrayContaining(['PutRolePolicy', 'AttachRolePolicy', 'UpdateAssumeRolePolicy']),
      },
    });
  });

  it('records every role, and each policy on it in parts written after the policy, under /goldsmith/_roles/<stage>/', () => {
    let roles = 0;
    for (const template of synth.templates.values()) {
      const params = Object.entries(resourcesOf(template, 'AWS::SSM::Parameter')).filter(([, p]) =>
        String(p.Properties.Name).startsWith('/goldsmith/_roles/test/'),
      );
      const value = (p: (typeof params)[number]) =>
        JSON.parse(String(p[1].Properties.Value)) as Record<string, unknown>;
      const ids = Object.keys(resourcesOf(template, 'AWS::IAM::Role'));
      roles += ids.length;
      for (const id of ids) {
        const record = params.find((p) => value(p).arn === `<${id}.Arn>`);
        expect(record?.[1].Properties, id).toMatchObject({ Type: 'String', Tier: 'Intelligent-Tiering' });
        if (record) expect(value(record)).toMatchObject({ kind: 'role', trust: { Statement: expect.any(Array) } });
      }
      for (const [id, policy] of Object.entries(resourcesOf(template, 'AWS::IAM::Policy'))) {
        const dependsOn = (p: (typeof params)[number]) => (p[1] as { DependsOn?: string[] }).DependsOn ?? [];
        const parts = params.filter((p) => value(p).policy === policy.Properties.PolicyName);
        for (const p of parts) expect(dependsOn(p), id).toContain(id);
        expect(parts.length, id).toBeGreaterThanOrEqual(1);
        const statements = parts.flatMap((p) => value(p).statements as unknown[]);
        const doc = policy.Properties.PolicyDocument as { Statement: unknown[] };
        expect(statements.length, id).toBe(doc.Statement.length);
        for (const p of parts) {
          expect(value(p)).toMatchObject({ kind: 'policy', policy: policy.Properties.PolicyName });
          expect(String(p[1].Properties.Value).length, id).toBeLessThan(4096);
        }
      }
    }
    expect(roles).toBeGreaterThanOrEqual(20);
  });
  it("names the event history's reader and itself as the two functions it reads back every day", () => {
    const t = monitoring();
    const fns = resourcesOf(t, 'AWS::Lambda::Function');
    const auditor = Object.entries(fns).find(([id]) => id.startsWith('AuditFunctions'));
    const environment = auditor?.[1].Properties.Environment as { Variables?: Record<string, unknown> } | undefined;
    const daily = String(environment?.Variables?.AUDIT_DAILY_FUNCTIONS).split(',');
    const params = Object.values(resourcesOf(t, 'AWS::SSM::Parameter')).map((p) => p.Properties);
    // Each name is a record of the template, whose value names the function it is about.
    const named = daily.map((name) => {
      const value = String(params.find((p) => p.Name === name)?.Value);
      return Object.keys(fns).find((id) => value.includes(`"arn":"<${id}.Arn>"`));
    });
    expect(named.map((id) => id?.replace(/[0-9A-F]{8}$/, ''))).toEqual(['AuditHistory', 'AuditFunctions']);
  });

  it('reads an AMI back after DisableImage as after ModifyImageAttribute and ResetImageAttribute', () => {
    const promotion = synth.templates.get(Promotion as StackFunction);
    if (!promotion) throw new Error('no Promotion stack');
    const patterns = Object.values(resourcesOf(promotion, 'AWS::Events::Rule')).map(
      (r) => r.Properties.EventPattern as { source?: string[]; detail?: { eventName?: unknown } },
    );
    expect(patterns.filter((p) => p.source?.includes('aws.ec2')).map((p) => p.detail?.eventName)).toEqual([
      ['ModifyImageAttribute', 'ResetImageAttribute', 'DisableImage'],
    ]);
  });
});
