import { describe, expect, it } from 'vitest';
import { policyCharacters } from '../../../core/limits/policies.js';
import type { TemplateJson } from '../../../core/limits/resolve.js';
import { padTo, queues, stack, templateProblems } from './helpers.js';

/** A policy document granting one action on one (padded) resource. */
const document = (resource: string) => ({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:us-east-1:123456789012:${resource}` },
  ],
});

describe('IAM limits', () => {
  const role = (policies: object[] = [], extra: object = {}) => ({
    Type: 'AWS::IAM::Role',
    Properties: { AssumeRolePolicyDocument: {}, Policies: policies.map((d) => ({ PolicyDocument: d })), ...extra },
  });
  const inlineSize = (t: TemplateJson) =>
    (t.Resources!.Role!.Properties!.Policies as { PolicyDocument: object }[]).reduce(
      (n, p) => n + policyCharacters(p.PolicyDocument),
      0,
    );

  it('passes 10,240 characters of inline policy on a role and refuses 10,241', () => {
    const template = (p: string): TemplateJson => ({ Resources: { Role: role([document(p)]) } });

    const at = padTo(10_240, template, inlineSize);
    const over = padTo(10_241, template, inlineSize);

    expect(templateProblems('iamRoleInlineChars', [stack('Triggers', at)])).toEqual([]);
    expect(templateProblems('iamRoleInlineChars', [stack('Triggers', over)])).toEqual([
      'catalog: role Role (Triggers) would be 10,241 characters, over the IAM inline policies per role (aggregate) limit of 10,240',
    ]);
  });

  it('adds up the AWS::IAM::Policy resources of other stacks that name the role through an import', () => {
    const owner = stack('Triggers', {
      Resources: { Role: role([document('a'.repeat(5000))]) },
      Outputs: { RoleName: { Value: { Ref: 'Role' }, Export: { Name: 'prod-goldsmith-Triggers:RoleName' } } },
    });
    const other = stack('Trust', {
      Resources: {
        Extra: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            PolicyDocument: document('b'.repeat(5300)),
            Roles: [{ 'Fn::ImportValue': 'prod-goldsmith-Triggers:RoleName' }],
          },
        },
      },
    });

    expect(templateProblems('iamRoleInlineChars', [owner, other])).toHaveLength(1);
    expect(templateProblems('iamRoleInlineChars', [owner])).toEqual([]);
  });

  it('counts policy characters without white space, as IAM does', () => {
    expect(policyCharacters({ Action: 's3:Get Object' })).toBe('{"Action":"s3:GetObject"}'.length);
  });

  it('passes a 6,144-character managed policy and refuses 6,145', () => {
    const template = (p: string): TemplateJson => ({
      Resources: { Overflow: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: document(p) } } },
    });
    const size = (t: TemplateJson) => policyCharacters(t.Resources!.Overflow!.Properties!.PolicyDocument);

    expect(templateProblems('iamManagedPolicyChars', [stack('Triggers', padTo(6144, template, size))])).toEqual([]);
    expect(templateProblems('iamManagedPolicyChars', [stack('Triggers', padTo(6145, template, size))])).toEqual([
      'catalog: managed policy Overflow (Triggers) would be 6,145 characters, over the IAM managed policy size limit of 6,144',
    ]);
  });

  it('passes a 2,048-character trust policy and refuses 2,049, saying the quota is adjustable', () => {
    const template = (p: string): TemplateJson => ({
      Resources: { Role: role([], { AssumeRolePolicyDocument: { Statement: [{ Principal: { AWS: p } }] } }) },
    });
    const size = (t: TemplateJson) => policyCharacters(t.Resources!.Role!.Properties!.AssumeRolePolicyDocument);

    expect(templateProblems('iamTrustPolicyChars', [stack('Trust', padTo(2048, template, size))])).toEqual([]);
    const [problem] = templateProblems('iamTrustPolicyChars', [stack('Trust', padTo(2049, template, size))]);
    expect(problem).toMatch(/^access: role Role \(Trust\) would be 2,049 characters, .*limit of 2,048; adjustable/);
  });

  it('passes 10 managed policies on a role and refuses 11, counting ManagedPolicy resources that name it', () => {
    const template = (arns: number, attached: number): TemplateJson => ({
      Resources: {
        Role: role([], { ManagedPolicyArns: Array.from({ length: arns }, (_, i) => `arn:aws:iam::aws:policy/P${i}`) }),
        ...Object.fromEntries(
          Array.from({ length: attached }, (_, i) => [
            `Managed${i}`,
            {
              Type: 'AWS::IAM::ManagedPolicy',
              Properties: { PolicyDocument: document('x'), Roles: [{ Ref: 'Role' }] },
            },
          ]),
        ),
      },
    });

    expect(templateProblems('iamManagedPoliciesPerRole', [stack('Factory', template(8, 2))])).toEqual([]);
    expect(templateProblems('iamManagedPoliciesPerRole', [stack('Factory', template(8, 3))])).toHaveLength(1);
  });
});

describe('EventBridge limits', () => {
  const rule = (pattern: unknown, targets = 1, bus?: string) => ({
    Type: 'AWS::Events::Rule',
    Properties: {
      EventPattern: pattern,
      Targets: Array.from({ length: targets }, (_, i) => ({ Id: `T${i}`, Arn: 'arn' })),
      ...(bus && { EventBusName: bus }),
    },
  });

  it('passes a 2,048-character event pattern and refuses 2,049', () => {
    const template = (p: string): TemplateJson => ({
      Resources: { Rule: rule({ source: ['goldsmith'], 'detail-type': [p] }) },
    });
    const size = (t: TemplateJson) => JSON.stringify(t.Resources!.Rule!.Properties!.EventPattern).length;

    expect(templateProblems('eventPatternChars', [stack('Triggers', padTo(2048, template, size))])).toEqual([]);
    const [problem] = templateProblems('eventPatternChars', [stack('Triggers', padTo(2049, template, size))]);
    expect(problem).toMatch(
      /^images: rule Rule \(Triggers\) would be 2,049 characters, over the EventBridge event pattern/,
    );
  });

  it('passes 5 targets on a rule and refuses 6', () => {
    expect(templateProblems('eventTargetsPerRule', [stack('Triggers', { Resources: { Rule: rule({}, 5) } })])).toEqual(
      [],
    );
    expect(
      templateProblems('eventTargetsPerRule', [stack('Triggers', { Resources: { Rule: rule({}, 6) } })]),
    ).toHaveLength(1);
  });

  it('passes 300 rules on one bus, across stacks, and refuses 301', () => {
    const rules = (n: number, prefix: string) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, rule({}, 1, 'goldsmith-prod')]));
    const at = [stack('Triggers', { Resources: rules(150, 'A') }), stack('Promotion', { Resources: rules(150, 'B') })];
    const over = [
      stack('Triggers', { Resources: rules(151, 'A') }),
      stack('Promotion', { Resources: rules(150, 'B') }),
    ];

    expect(templateProblems('eventRulesPerBus', at)).toEqual([]);
    expect(templateProblems('eventRulesPerBus', over)).toEqual([
      'images: event bus goldsmith-prod would be 301 rules, over the EventBridge rules per event bus limit of 300; adjustable: request an increase through Service Quotas first',
    ]);
  });

  it('passes a 10,240-character bus policy and refuses 10,241, joining the statements of one bus', () => {
    const statement = (p: string) => ({ Sid: p, Effect: 'Allow', Action: 'events:PutEvents' });
    const template = (p: string): TemplateJson => ({
      Resources: {
        ...queues(1),
        One: { Type: 'AWS::Events::EventBusPolicy', Properties: { EventBusName: 'b', Statement: statement('one') } },
        Two: { Type: 'AWS::Events::EventBusPolicy', Properties: { EventBusName: 'b', Statement: statement(p) } },
      },
    });
    const size = (t: TemplateJson) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [t.Resources!.One!.Properties!.Statement, t.Resources!.Two!.Properties!.Statement],
      }).length;

    expect(templateProblems('eventBusPolicyChars', [stack('Trust', padTo(10_240, template, size))])).toEqual([]);
    expect(templateProblems('eventBusPolicyChars', [stack('Trust', padTo(10_241, template, size))])).toHaveLength(1);
  });
});
