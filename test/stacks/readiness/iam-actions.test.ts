import { beforeAll, describe, expect, it } from 'vitest';
import exampleCatalog from '../../../goldsmith.config.js';
import {
  actionProblem,
  actionsOf,
  isAdminStatement,
  policyStatements,
} from '../../../scripts/readiness/iam-actions.js';
import { minimalCatalog } from '../helpers.js';
import { APP_STACKS, type SynthesizedApp, synthesizeApp } from './synth.js';

const apps: Record<string, SynthesizedApp> = {};
const STACK_NAMES = APP_STACKS.map((fn) => fn.name);

beforeAll(async () => {
  apps.example = await synthesizeApp(exampleCatalog);
  apps.minimal = await synthesizeApp(minimalCatalog());
}, 120_000);

describe('actionProblem', () => {
  it('accepts real actions, case-insensitively, and wildcards that match one', async () => {
    for (const action of ['ec2:DescribeImages', 'imagebuilder:startImagePipelineExecution', 'kms:ReEncrypt*', 's3:*']) {
      expect(await actionProblem(action)).toBeUndefined();
    }
  });

  it('names the missing action when the service has no such action', async () => {
    expect(await actionProblem('ec2:DescribeImage')).toBe('"ec2:DescribeImage": ec2 has no action "DescribeImage"');
  });

  it('rejects an unknown service prefix, a wildcard that matches nothing and a malformed action', async () => {
    expect(await actionProblem('imagebuildr:GetImage')).toMatch(/no IAM service "imagebuildr"/);
    expect(await actionProblem('kms:ReEncryptX*')).toMatch(/matches no kms action/);
    expect(await actionProblem('GetImage')).toMatch(/not of the form service:Action/);
  });
});

describe('policyStatements', () => {
  it('finds statements in identity, trust, key and resource policies and in Lambda permissions', () => {
    const statement = (Action: string) => ({ Effect: 'Allow', Action, Resource: '*' });
    const found = policyStatements({
      Resources: {
        Policy: { Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: { Statement: [statement('sns:Publish')] } } },
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] },
            Policies: [{ PolicyName: 'inline', PolicyDocument: { Statement: [statement('sqs:SendMessage')] } }],
          },
        },
        Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: [statement('kms:*')] } } },
        Permission: { Type: 'AWS::Lambda::Permission', Properties: { Action: 'lambda:InvokeFunction' } },
      },
    });
    expect(found.map((f) => `${f.logicalId} ${actionsOf(f.statement).join(',')}`)).toEqual([
      'Policy sns:Publish',
      'Role sts:AssumeRole',
      'Role sqs:SendMessage',
      'Key kms:*',
      'Permission lambda:InvokeFunction',
    ]);
    expect(found[2]?.path).toBe('Properties.Policies[0].PolicyDocument.Statement[0]');
  });
});

describe('isAdminStatement', () => {
  it('flags Allow * on *, in either spelling, and nothing narrower', () => {
    expect(isAdminStatement({ Effect: 'Allow', Action: '*', Resource: '*' })).toBe(true);
    expect(isAdminStatement({ Effect: 'Allow', Action: ['sns:Publish', '*'], Resource: ['*'] })).toBe(true);
    expect(isAdminStatement({ Effect: 'Allow', Action: 'kms:*', Resource: '*' })).toBe(false);
    expect(isAdminStatement({ Effect: 'Deny', Action: '*', Resource: '*' })).toBe(false);
  });
});

describe.each(['example', 'minimal'])('the %s catalog app', (catalog) => {
  it.each(STACK_NAMES)('%s: every IAM action in every statement is a real action', async (stack) => {
    const statements = policyStatements(apps[catalog]!.templates.get(stack)!);
    expect(statements.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const { logicalId, path, statement } of statements) {
      for (const action of actionsOf(statement)) {
        const problem = await actionProblem(action);
        if (problem) problems.push(`${logicalId} ${path}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(STACK_NAMES)('%s: no statement allows every action on every resource', (stack) => {
    const admin = policyStatements(apps[catalog]!.templates.get(stack)!).filter((s) => isAdminStatement(s.statement));
    expect(admin.map((s) => `${s.logicalId} ${s.path}`)).toEqual([]);
  });

  it.each(STACK_NAMES)('%s: every statement says Allow or Deny', (stack) => {
    const effects = new Set(policyStatements(apps[catalog]!.templates.get(stack)!).map((s) => s.statement.Effect));
    expect([...effects].filter((e) => e !== 'Allow' && e !== 'Deny')).toEqual([]);
  });
});
