import { describe, expect, it } from 'vitest';
import { policyMeasurements } from '../../../core/limits/policies.js';
import { DeployLengthResolver, type StackTemplate } from '../../../core/limits/resolve.js';
import { measureTemplates } from '../../../core/limits/templates.js';

const SITE = { region: 'us-east-1', account: '123456789012' };
const IMAGES = ['app', 'base', 'web'];
const doc = (resource: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: resource }],
});

/** A small app: two roles, a queue, inline and managed policies, a rule and a bus policy on the default bus. */
const app: StackTemplate = {
  stack: 'prod-goldsmith-Factory',
  template: {
    Resources: {
      Builder: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17' } } },
      Watcher: { Type: 'AWS::IAM::Role' },
      Queue: { Type: 'AWS::SQS::Queue', Properties: { Tags: [{ Key: 'goldsmith:image', Value: 'web' }] } },
      Inline: {
        Type: 'AWS::IAM::Policy',
        Properties: { PolicyDocument: doc('arn:aws:s3:::goldsmith-app/*'), Roles: [{ Ref: 'Builder' }] },
      },
      Managed: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { PolicyDocument: doc('arn:aws:s3:::logs/*'), Roles: [{ Ref: 'Watcher' }] },
      },
      Loose: { Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: doc('arn:aws:s3:::goldsmith-base/*') } },
      Rule: { Type: 'AWS::Events::Rule', Properties: { EventPattern: { source: ['goldsmith-base'] } } },
      BusPolicy: { Type: 'AWS::Events::EventBusPolicy', Properties: { Statement: { Sid: 'ci' } } },
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: { Environment: { Variables: { IMAGE: 'goldsmith-app' } }, Tags: [{ Key: 'k', Value: 'app' }] },
      },
      Machine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: { Definition: { States: { A: {}, B: { ItemProcessor: { States: { C: {} } } } } } },
      },
    },
  },
};
const resolver = new DeployLengthResolver([app], SITE);
const characters = (value: unknown) => JSON.stringify(value).replace(/\s/g, '').length;

describe('policyMeasurements', () => {
  it('measures each role, with the policies that name it, and each managed policy, rule and bus policy', () => {
    expect(policyMeasurements([app], resolver, IMAGES)).toEqual([
      {
        limit: 'iamManagedPolicyChars',
        subject: 'managed policy Managed (Factory)',
        value: characters(doc('arn:aws:s3:::logs/*')),
        field: 'catalog',
        images: [],
      },
      {
        limit: 'iamRoleInlineChars',
        subject: 'role Builder (Factory)',
        value: characters(doc('arn:aws:s3:::goldsmith-app/*')),
        field: 'images',
        images: ['app'],
      },
      { limit: 'iamManagedPoliciesPerRole', subject: 'role Builder (Factory)', value: 0, field: 'catalog' },
      {
        limit: 'iamTrustPolicyChars',
        subject: 'role Builder (Factory)',
        value: characters({ Version: '2012-10-17' }),
        field: 'access',
      },
      { limit: 'iamRoleInlineChars', subject: 'role Watcher (Factory)', value: 0, field: 'catalog', images: [] },
      { limit: 'iamManagedPoliciesPerRole', subject: 'role Watcher (Factory)', value: 1, field: 'catalog' },
      { limit: 'iamTrustPolicyChars', subject: 'role Watcher (Factory)', value: 2, field: 'access' },
      { limit: 'eventTargetsPerRule', subject: 'rule Rule (Factory)', value: 0, field: 'catalog' },
      {
        limit: 'eventPatternChars',
        subject: 'rule Rule (Factory)',
        value: JSON.stringify({ source: ['goldsmith-base'] }).length,
        field: 'images',
        images: ['base'],
      },
      { limit: 'eventRulesPerBus', subject: 'event bus default', value: 1, field: 'images' },
      {
        limit: 'eventBusPolicyChars',
        subject: 'event bus default policy',
        value: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'ci' }] }).length,
        field: 'access',
      },
    ]);
  });
});

describe('measureTemplates', () => {
  it('measures the stack, each function and each state machine, naming the images most present first', () => {
    const measured = measureTemplates([app], resolver, IMAGES);
    const stack = measured.filter((m) => m.subject === 'stack Factory');

    expect(stack.map((m) => [m.limit, m.value, m.field, m.images])).toEqual([
      ['cfnResources', 10, 'images', ['app', 'base', 'web']],
      ['cfnOutputs', 0, 'images', ['app', 'base', 'web']],
      ['cfnParameters', 0, 'catalog', undefined],
      ['cfnTemplateBytes', JSON.stringify(app.template, undefined, 1).length, 'images', ['app', 'base', 'web']],
    ]);
    expect(
      measured.filter(
        (m) => m.subject !== 'stack Factory' && !m.limit.startsWith('iam') && !m.limit.startsWith('event'),
      ),
    ).toEqual([
      {
        limit: 'lambdaEnvironmentBytes',
        subject: 'function Fn (Factory)',
        value: 'IMAGE'.length + 'goldsmith-app'.length,
        field: 'catalog',
        images: ['app'],
      },
      {
        limit: 'sfnDefinitionBytes',
        subject: 'state machine Machine (Factory, 3 states)',
        value: JSON.stringify({ States: { A: {}, B: { ItemProcessor: { States: { C: {} } } } } }).length,
        field: 'channels',
      },
    ]);
  });

  it('orders images by how many resources carry them, then by name', () => {
    const resources = {
      ...app.template.Resources,
      Extra1: { Type: 'X', Properties: { n: 'goldsmith-web' } },
      Extra2: { Type: 'X', Properties: { n: 'goldsmith-web' } },
    };
    const two = { ...app, template: { Resources: resources } };
    const first = measureTemplates([two], new DeployLengthResolver([two], SITE), IMAGES)[0];

    expect(first?.images).toEqual(['web', 'app', 'base']);
  });
});

describe('policyMeasurements: what counts against a role', () => {
  it('counts no instance profile naming a role as a policy, and files a managed policy naming an image under images', () => {
    const stack: StackTemplate = {
      stack: 'prod-goldsmith-Builds',
      template: {
        Resources: {
          Instance: { Type: 'AWS::IAM::Role' },
          Profile: { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [{ Ref: 'Instance' }] } },
          Managed: {
            Type: 'AWS::IAM::ManagedPolicy',
            Properties: { PolicyDocument: doc('arn:aws:s3:::goldsmith-web/*') },
          },
        },
      },
    };
    const measured = policyMeasurements([stack], new DeployLengthResolver([stack], SITE), IMAGES);

    expect(measured.find((m) => m.limit === 'iamManagedPoliciesPerRole')?.value).toBe(0);
    expect(measured.find((m) => m.limit === 'iamRoleInlineChars')?.value).toBe(0);
    expect(measured.find((m) => m.limit === 'iamManagedPolicyChars')).toMatchObject({
      field: 'images',
      images: ['web'],
    });
  });
});
