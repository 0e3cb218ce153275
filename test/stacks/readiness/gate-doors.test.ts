import { beforeAll, describe, expect, it } from 'vitest';
import exampleCatalog from '../../../goldsmith.config.js';
import { gateDoorReport, urlDoorProblems, writeScopeProblems } from '../../../scripts/readiness/gate-doors.js';
import { DeployResolver, rolePolicies, simulate } from '../../../scripts/readiness/role-simulation.js';
import { type SynthesizedApp, synthesizeApp } from './synth.js';

let app: SynthesizedApp;

beforeAll(async () => {
  app = await synthesizeApp(exampleCatalog);
}, 120_000);

const fnUrl = { Type: 'AWS::Lambda::Url', Properties: { TargetFunctionArn: { 'Fn::GetAtt': ['Fn', 'Arn'] } } };
const permission = (principal: string, extra: Record<string, unknown> = {}) => ({
  Type: 'AWS::Lambda::Permission',
  Properties: {
    Action: 'lambda:InvokeFunction',
    FunctionName: { 'Fn::GetAtt': ['Fn', 'Arn'] },
    Principal: principal,
    ...extra,
  },
});
const policy = (statement: Record<string, unknown>) => ({
  Type: 'AWS::IAM::Policy',
  Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', ...statement }] } },
});

describe('the function-URL door check', () => {
  it('flags a principal allowed to invoke a URL function directly, and accepts the URL-only grant', () => {
    const open = { Resources: { Url: fnUrl, P: permission('arn:aws:iam::123456789012:role/approver') } };
    expect(urlDoorProblems('Trust', open)).toEqual([
      'Trust/P: arn:aws:iam::123456789012:role/approver may invoke Fn directly (no InvokedViaFunctionUrl)',
    ]);
    const closed = {
      Resources: {
        Url: fnUrl,
        P: permission('arn:aws:iam::123456789012:role/approver', { InvokedViaFunctionUrl: true }),
      },
    };
    expect(urlDoorProblems('Trust', closed)).toEqual([]);
    // An AWS service delivering events is not a caller that could forge the URL's request context.
    expect(urlDoorProblems('Trust', { Resources: { Url: fnUrl, P: permission('events.amazonaws.com') } })).toEqual([]);
  });

  it('flags an identity policy granting lambda:InvokeFunction on a URL function without the condition', () => {
    const grant = { Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': ['Fn', 'Arn'] } };
    expect(urlDoorProblems('Trust', { Resources: { Url: fnUrl, Pol: policy(grant) } })).toHaveLength(1);
    const urlOnly = { ...grant, Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } } };
    expect(urlDoorProblems('Trust', { Resources: { Url: fnUrl, Pol: policy(urlOnly) } })).toEqual([]);
  });

  it('flags a wildcard function ARN and a NotAction grant, which reach a URL function too', () => {
    const wildcard = { Action: 'lambda:InvokeFunction', Resource: 'arn:aws:lambda:*:*:function:*' };
    expect(urlDoorProblems('Trust', { Resources: { Url: fnUrl, Pol: policy(wildcard) } })).toHaveLength(1);
    const notAction = { NotAction: 'iam:*', Resource: '*' };
    expect(urlDoorProblems('Trust', { Resources: { Url: fnUrl, Pol: policy(notAction) } })).toHaveLength(1);
    const notInvoke = { NotAction: ['lambda:InvokeFunction'], Resource: '*' };
    expect(urlDoorProblems('Trust', { Resources: { Url: fnUrl, Pol: policy(notInvoke) } })).toEqual([]);
  });
});

describe('the write-scope check', () => {
  it("flags image writes without Goldsmith's tag and parameter writes outside /goldsmith/", () => {
    const template = {
      Resources: {
        Images: policy({ Action: 'ec2:DeregisterImage', Resource: 'arn:aws:ec2:*::image/*' }),
        Params: policy({ Action: 'ssm:PutParameter', Resource: 'arn:aws:ssm:*:1:parameter/*' }),
        Tagged: policy({
          Action: 'ec2:ModifyImageAttribute',
          Resource: 'arn:aws:ec2:*::image/*',
          Condition: { StringEquals: { 'aws:ResourceTag/goldsmith:managed-by': 'goldsmith' } },
        }),
      },
    };
    const report = writeScopeProblems('Promotion', template);
    expect(report.problems).toEqual([
      'Promotion/Images: ec2:DeregisterImage on any image of the account',
      'Promotion/Params: ssm:PutParameter outside /goldsmith/',
    ]);
    expect(report.checked).toBe(3);
  });

  it("counts only an exact StringEquals on Goldsmith's tag as scope, not a negated or IfExists condition", () => {
    const onImages = (Condition: Record<string, unknown>) =>
      policy({ Action: 'ec2:ModifyImageAttribute', Resource: 'arn:aws:ec2:*::image/*', Condition });
    const template = {
      Resources: {
        Negated: onImages({ StringNotEquals: { 'aws:ResourceTag/goldsmith:managed-by': 'goldsmith' } }),
        IfExists: onImages({ StringEqualsIfExists: { 'aws:ResourceTag/goldsmith:managed-by': 'goldsmith' } }),
      },
    };
    expect(writeScopeProblems('Promotion', template).problems).toHaveLength(2);
  });
});

describe('the example app', () => {
  it('has no URL function invocable directly and no unscoped write on images or parameters', () => {
    const report = gateDoorReport(app.templates);
    expect(report.urlProblems).toEqual([]);
    expect(report.scope.problems).toEqual([]);
    expect(report.scope.checked).toBeGreaterThan(10);
  });

  it("refuses every role allowed ec2:ModifyImageAttribute on an AMI without Goldsmith's tag, and allows a tagged one", async () => {
    const resolver = new DeployResolver([...app.templates.values()], 'us-east-1');
    const holders = app.functions.filter((fn) =>
      JSON.stringify(rolePolicies(resolver, fn.roleLogicalId)).includes('ec2:ModifyImageAttribute'),
    );
    // Share, RecordOutcome, Retire, the sweep, on-lifecycle-request (not on-finding, which hands it revocations), the
    // operator endpoint's revoke and rollback doors (not its front door), organization-sync (re-granting after an
    // organization change) and the holdings auditor (the daily audit's repairs).
    expect(holders).toHaveLength(9);
    expect(holders.some((fn) => fn.roleLogicalId.startsWith('OnFinding'))).toBe(false);
    expect(
      holders
        .filter((fn) => fn.handler.startsWith('functions/operator'))
        .map((fn) => fn.handler)
        .sort(),
    ).toEqual(['functions/operator-revoke.handler', 'functions/operator-rollback.handler']);
    for (const fn of holders) {
      const policies = rolePolicies(resolver, fn.roleLogicalId);
      const role = resolver.arn(fn.roleLogicalId);
      const request = {
        action: 'ec2:ModifyImageAttribute',
        resource: 'arn:aws:ec2:us-east-1::image/ami-0123456789abcdef0',
      };
      expect(await simulate(role, policies, request), fn.handler).not.toBe('Allowed');
      const tagged = { ...request, context: { 'aws:ResourceTag/goldsmith:managed-by': 'goldsmith' } };
      expect(await simulate(role, policies, tagged), fn.handler).toBe('Allowed');
    }
  });
});
