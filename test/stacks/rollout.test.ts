import { beforeAll, describe, expect, it } from 'vitest';
import example from '../../goldsmith.config.js';
import { MemberBaseline } from '../../stacks/MemberBaseline.js';
import { Promotion } from '../../stacks/Promotion.js';
import { aslFromTemplate, type TemplateJson } from '../../stacks/promotion/asl.js';
import { rolloutCatalog } from '../fixtures/catalogs/rollout.js';
import { FACTORY_STACKS, resourcesOf, type Synthesized, synthesize, synthesizeShared } from './helpers.js';

type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  NotResource?: unknown;
  Condition?: Record<string, unknown>;
};
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

const rolling = rolloutCatalog();

function statementsOf(synth: Synthesized, roleLogicalId: string): Statement[] {
  return Object.values(resourcesOf(synth.template, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as string[]).includes(`<${roleLogicalId}>`))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

describe('Rollout state machine and engine role (a channel that rolls out)', () => {
  let synth: Synthesized;
  beforeAll(async () => {
    synth = await synthesize(rolling, { stacks: [Promotion] });
  });

  it('starts a wave, then waits five minutes and checks, until CheckWave says the rollout ended', () => {
    const asl = aslFromTemplate(synth.template.toJSON() as TemplateJson, 'RolloutStateMachine');
    expect(asl.StartAt).toBe('StartWave');
    const states = asl.States;
    expect(states.StartWave).toMatchObject({ Type: 'Task', ResultPath: '$.result', Next: 'AfterStart' });
    expect(states.PollWait).toMatchObject({ Type: 'Wait', Seconds: 300, Next: 'CheckWave' });
    expect(states.CheckWave).toMatchObject({ Type: 'Task', ResultPath: '$.result', Next: 'AfterCheck' });
    for (const choice of ['AfterStart', 'AfterCheck']) {
      expect(states[choice]).toMatchObject({
        Type: 'Choice',
        Choices: [{ Variable: '$.result.done', BooleanEquals: true, Next: 'RolloutEnded' }],
        Default: 'PollWait',
      });
    }
    // A malformed input, or a rollout the ledger refuses, is not retried; anything else is.
    expect(states.CheckWave?.Retry).toContainEqual({
      ErrorEquals: ['MalformedEventError', 'RolloutRefused'],
      MaxAttempts: 0,
    });
    // The tasks are given image, channel and version only: the AMIs come from the ledger.
    // And their execution's name, so a task of an execution the record does not name drives nothing.
    for (const task of [states.StartWave, states.CheckWave]) {
      expect(task).toMatchObject({ Parameters: { 'executionName.$': '$$.Execution.Name' } });
      expect(JSON.stringify(task)).toContain('$.version');
      expect(JSON.stringify(task)).not.toContain('amis');
    }
  });

  it('runs both functions as the named engine role, which may assume only the member rollout role, in the organization', () => {
    const roles = resourcesOf(synth.template, 'AWS::IAM::Role');
    const [id, role] =
      Object.entries(roles).find(([, r]) => r.Properties.RoleName === 'goldsmith-test-rollout-engine') ?? [];
    expect(role).toBeDefined();
    const statements = statementsOf(synth, id ?? '');
    const assume = statements.filter((s) => actionsOf(s).includes('sts:AssumeRole'));
    expect(assume).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        // The plain name (a stack deployed by hand) and a stack instance's: `-` and the 8 hex of its stack id.
        Resource: ['arn:aws:iam::*:role/goldsmith-test-rollout', 'arn:aws:iam::*:role/goldsmith-test-rollout-????????'],
        Condition: { StringEquals: { 'aws:ResourceOrgID': example.organization.id } },
      },
    ]);
    // It lists the member baseline's stack instances to find each account's role, on that StackSet only.
    expect(statements.filter((s) => actionsOf(s).includes('cloudformation:ListStackInstances'))).toEqual([
      expect.objectContaining({
        Resource: expect.stringMatching(/:stackset\/goldsmith-test-member-baseline:\*$/),
      }),
    ]);
    // It reads which OU a moved account is in now (ListParents), on the organization's accounts and OUs only.
    const parents = statements.filter((s) => actionsOf(s).includes('organizations:ListParents'));
    expect(parents).toHaveLength(1);
    expect(JSON.stringify(parents[0]?.Resource)).toMatch(
      new RegExp(`account/${example.organization.id}/\\*.*ou/${example.organization.id}/\\*`),
    );
    // Auto Scaling and launch templates only through the member role: the factory role holds none of it.
    const all = statements.flatMap(actionsOf);
    expect(all.filter((a) => a.startsWith('autoscaling:') || a.includes('LaunchTemplate'))).toEqual([]);
    const fns = Object.values(resourcesOf(synth.template, 'AWS::Lambda::Function')).filter((f) =>
      JSON.stringify(f.Properties.Role).includes(id ?? '-'),
    );
    expect(fns).toHaveLength(2);
    for (const f of fns) {
      expect((f.Properties.Environment as { Variables: Record<string, unknown> }).Variables.ROLLOUT_ROLE_NAME).toBe(
        'goldsmith-test-rollout',
      );
    }
  });

  it('lets Publish, and the functions that revoke (a rollout that ended is taken back), start Rollout executions', () => {
    const [publishId] = Object.keys(resourcesOf(synth.template, 'AWS::Lambda::Function')).filter((id) =>
      id.startsWith('PromotionPublish'),
    );
    const publish = resourcesOf(synth.template, 'AWS::Lambda::Function')[publishId ?? ''];
    const env = (publish?.Properties.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables;
    expect(JSON.stringify(env?.ROLLOUT_STATE_MACHINE_ARN)).toContain('RolloutStateMachine');
    const starters = Object.values(resourcesOf(synth.template, 'AWS::IAM::Policy'))
      .filter((p) =>
        (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement.some(
          (s) =>
            actionsOf(s).includes('states:StartExecution') &&
            JSON.stringify(s.Resource).includes('RolloutStateMachine'),
        ),
      )
      .map((p) => JSON.stringify(p.Properties.Roles).replace(/^.*<([A-Za-z]+?)ServiceRole.*$/, '$1'))
      .sort();
    // Not on-finding: it hands a revokeOn revocation to on-lifecycle-request.
    expect(starters).toEqual(['OnLifecycleRequest', 'PromotionPublish', 'Reconcile']);
  });

  it("lets the reconciler read the Rollout machine's executions (DescribeExecution on them only)", () => {
    const roleId = Object.keys(resourcesOf(synth.template, 'AWS::IAM::Role')).find((id) =>
      id.startsWith('ReconcileServiceRole'),
    );
    // The machine's executions (arn:…:execution:<machine>:*), not the machine nor everything.
    const onRollout = statementsOf(synth, roleId ?? '').filter((s) =>
      actionsOf(s).includes('states:DescribeExecution'),
    );
    expect(onRollout).toHaveLength(1);
    expect(actionsOf(onRollout[0]!)).toEqual(['states:DescribeExecution']);
    expect(JSON.stringify(onRollout[0]?.Resource)).toContain(':execution:');
    const reconcile = Object.entries(resourcesOf(synth.template, 'AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('Reconcile'),
    )?.[1];
    const env = (reconcile?.Properties.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables;
    expect(JSON.stringify(env?.ROLLOUT_STATE_MACHINE_ARN)).toContain('RolloutStateMachine');
  });

  it('defines no Rollout state machine when no channel rolls out', async () => {
    const plain = await synthesizeShared(example, { stacks: [Promotion] });
    const machines = Object.keys(resourcesOf(plain.template, 'AWS::StepFunctions::StateMachine'));
    expect(machines.filter((id) => id.startsWith('RolloutStateMachine'))).toEqual([]);
  });
});

type Member = {
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>;
};

function memberTemplate(synth: Synthesized): { capabilities: unknown; member: Member } {
  const [set] = Object.values(resourcesOf(synth.template, 'AWS::CloudFormation::StackSet'));
  return {
    capabilities: set?.Properties.Capabilities,
    member: JSON.parse(set?.Properties.TemplateBody as string) as Member,
  };
}

describe('member baseline: the rollout role', () => {
  it('trusts only the factory engine role from inside the organization, and acts only on opted-in groups and templates', async () => {
    const { capabilities, member } = memberTemplate(
      await synthesize(rolling, { stacks: [...FACTORY_STACKS, MemberBaseline] }),
    );
    expect(capabilities).toEqual(['CAPABILITY_NAMED_IAM']);
    const role = member.Resources.RolloutRole;
    // Named after the stack instance's id where the StackSet deploys it, plainly where a team deploys it by hand.
    const perStack = {
      'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] }],
    };
    expect(role?.Properties.RoleName).toEqual({
      'Fn::If': [
        'RolloutRolePerStack',
        { 'Fn::Join': ['-', ['goldsmith-test-rollout', perStack]] },
        'goldsmith-test-rollout',
      ],
    });
    expect(member.Conditions?.RolloutRolePerStack).toEqual({ 'Fn::Equals': [{ Ref: 'RolloutRolePerStack' }, 'true'] });
    // One Region's instance declares it: IAM roles are global.
    expect(role?.Condition).toBe('RolloutRoleRegion');
    expect(member.Conditions?.RolloutRoleRegion).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'ap-southeast-2'] });
    const trust = role?.Properties.AssumeRolePolicyDocument as { Statement: Statement[] };
    expect(trust.Statement).toEqual([
      {
        Effect: 'Allow',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub variables
        Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${FactoryAccount}:root' } },
        Action: 'sts:AssumeRole',
        Condition: {
          ArnEquals: {
            'aws:PrincipalArn': {
              // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub variables
              'Fn::Sub': 'arn:${AWS::Partition}:iam::${FactoryAccount}:role/goldsmith-test-rollout-engine',
            },
          },
          StringEquals: { 'aws:PrincipalOrgID': example.organization.id },
        },
      },
    ]);
    const policy = (role?.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[] | undefined)?.[0]
      ?.PolicyDocument;
    const byAction = (action: string) => policy?.Statement.find((s) => actionsOf(s).includes(action));
    // Only the values the catalog rolls out (prod is the rolling channel; web-runtime is a container image), not any.
    const follows = ['app/prod', 'base/prod', 'hardened/prod'];
    for (const action of [
      'autoscaling:StartInstanceRefresh',
      'autoscaling:CancelInstanceRefresh',
      'autoscaling:RollbackInstanceRefresh',
    ]) {
      expect(byAction(action)?.Condition).toEqual({
        StringEquals: { 'autoscaling:ResourceTag/goldsmith:follow': follows },
      });
    }
    expect(byAction('ec2:CreateLaunchTemplateVersion')?.Condition).toEqual({
      StringEquals: { 'ec2:ResourceTag/goldsmith:follow': follows },
    });
    // RunInstances: on launch templates only tagged ones; on every other resource only through a launch template.
    const launches = policy?.Statement.filter((s) => actionsOf(s).includes('ec2:RunInstances'));
    expect(launches?.map(({ Resource, NotResource, Condition }) => ({ Resource, NotResource, Condition }))).toEqual([
      {
        Resource: 'arn:aws:ec2:*:*:launch-template/*',
        NotResource: undefined,
        Condition: { StringEquals: { 'ec2:ResourceTag/goldsmith:follow': follows } },
      },
      {
        Resource: undefined,
        NotResource: 'arn:aws:ec2:*:*:launch-template/*',
        Condition: { ArnLike: { 'ec2:LaunchTemplate': 'arn:aws:ec2:*:*:launch-template/*' } },
      },
    ]);
    // PassRole: only to EC2, only roles under the path docs/rollout.md asks instance profiles' roles to have.
    expect(byAction('iam:PassRole')).toMatchObject({
      Resource: 'arn:aws:iam::*:role/goldsmith-follow/*',
      Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    });
    expect(policy?.Statement.filter((s) => s.Resource === '*').flatMap(actionsOf)).not.toContain('ec2:RunInstances');
    expect(policy?.Statement.flatMap(actionsOf)).not.toContain('autoscaling:UpdateAutoScalingGroup');
    // A finished wave's alarms are read, nothing else of CloudWatch (DescribeAlarms takes no narrower resource).
    expect(byAction('cloudwatch:DescribeAlarms')).toMatchObject({ Resource: '*' });
    expect(policy?.Statement.flatMap(actionsOf).filter((a) => a.startsWith('cloudwatch:'))).toEqual([
      'cloudwatch:DescribeAlarms',
    ]);
  });

  it('is absent when no channel rolls out', async () => {
    const { capabilities, member } = memberTemplate(
      await synthesize(example, { stacks: [...FACTORY_STACKS, MemberBaseline] }),
    );
    expect(capabilities).toEqual(['CAPABILITY_IAM']);
    expect(member.Resources.RolloutRole).toBeUndefined();
    expect(member.Conditions).toBeUndefined();
  });
});
