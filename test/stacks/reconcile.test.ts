import { beforeAll, describe, expect, it } from 'vitest';
import exampleCatalog from '../../goldsmith.config.js';
import { Promotion } from '../../stacks/Promotion.js';
import { AUDIT_HOLDINGS_INPUT } from '../../stacks/promotion/audit-holdings.js';
import { RECONCILE_INPUT, RECONCILE_RATE } from '../../stacks/promotion/reconcile.js';
import { minimalCatalog, resourcesOf, type Synthesized, synthesizeShared } from './helpers.js';

// SST's test app has an unresolved account, which synthesizes as `my-account`.
type Json = unknown;
type Statement = { Effect: string; Action: string | string[]; Resource: Json; Condition?: Json };

let synth: Synthesized;

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourcesOfStatement = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map(String);

function only<T>(record: Record<string, T>, prefix: string): [string, T] {
  const found = Object.entries(record).filter(([id]) => id.startsWith(prefix));
  expect(
    found.map(([id]) => id),
    prefix,
  ).toHaveLength(1);
  return found[0] as [string, T];
}

/** The statements of the role a policy named `<prefix>…Policy` is attached to. */
function statementsOf(policyPrefix: string): Statement[] {
  const [, policy] = only(resourcesOf(synth.template, 'AWS::IAM::Policy'), policyPrefix);
  return (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
}

/** Every statement names its resources, but for actions IAM defines no resource type for. */
function expectResourcesNamed(statements: Statement[]): void {
  // X-Ray, SendTask*, DescribeOrganization and RAM's reads and CreateResourceShare take no resource type: "*" is the
  // only resource IAM matches for them (CreateResourceShare is held by its tag and external-principal conditions).
  const resourceless = (a: string) =>
    a.startsWith('xray:') ||
    a.startsWith('states:SendTask') ||
    [
      'organizations:DescribeOrganization',
      'organizations:ListRoots',
      'ec2:DescribeImages',
      'events:ListRules',
      'ram:GetResourceShares',
      'ram:GetResourceShareAssociations',
      'ram:ListResources',
      'ram:CreateResourceShare',
      'ram:TagResource',
    ].includes(a);
  for (const s of statements.filter((s) => !actionsOf(s).every(resourceless))) {
    expect(resourcesOfStatement(s), JSON.stringify(s.Action)).not.toContain('*');
  }
}

beforeAll(async () => {
  synth = await synthesizeShared(exampleCatalog, { stacks: [Promotion] });
});

describe('Promotion stack: reconciler schedule', () => {
  it('invokes the reconciler every six hours with its fixed input, retries briefly, then dead-letters', () => {
    const [, schedule] = only(resourcesOf(synth.template, 'AWS::Scheduler::Schedule'), 'ReconcileSchedule');
    const [dlqId] = only(resourcesOf(synth.template, 'AWS::SQS::Queue'), 'ReconcileDlq');
    const [fnId] = only(resourcesOf(synth.template, 'AWS::Lambda::Function'), 'Reconcile');
    const target = schedule.Properties.Target as Record<string, Json>;

    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: RECONCILE_RATE,
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
    });
    expect(RECONCILE_RATE).toBe('rate(6 hours)');
    expect(target.Arn).toBe(`<${fnId}.Arn>`);
    expect(JSON.parse(String(target.Input))).toEqual(RECONCILE_INPUT);
    // Retries end before the next run starts: a stale run is superseded, not piled up.
    const retry = target.RetryPolicy as { MaximumEventAgeInSeconds: number; MaximumRetryAttempts: number };
    expect(retry.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(retry.MaximumEventAgeInSeconds).toBeLessThan(6 * 60 * 60);
    expect(target.DeadLetterConfig).toEqual({ Arn: `<${dlqId}.Arn>` });
  });

  it('lets only Scheduler of this account assume the role that invokes the reconciler and reaches the DLQ', () => {
    const [, role] = only(resourcesOf(synth.template, 'AWS::IAM::Role'), 'ReconcileSchedulerRole');
    const trust = (role.Properties.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;
    expect(trust).toEqual([
      expect.objectContaining({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': 'my-account' },
          // Only schedules of this stack's own group may use it (confused deputy).
          ArnLike: { 'aws:SourceArn': 'arn:aws:scheduler:us-east-1:my-account:schedule/test-goldsmith-Promotion/*' },
        },
      }),
    ]);
    const actions = statementsOf('ReconcileSchedulerRoleDefaultPolicy').flatMap(actionsOf);
    expect(actions).toContain('lambda:InvokeFunction');
    expect(actions).toContain('sqs:SendMessage');
  });

  it('keeps the dead-letter queue encrypted and catches failed asynchronous invocations too', () => {
    const [dlqId, dlq] = only(resourcesOf(synth.template, 'AWS::SQS::Queue'), 'ReconcileDlq');
    expect(dlq.Properties.SqsManagedSseEnabled).toBe(true);
    const [fnId] = only(resourcesOf(synth.template, 'AWS::Lambda::Function'), 'Reconcile');
    const configs = Object.values(resourcesOf(synth.template, 'AWS::Lambda::EventInvokeConfig')).map(
      (c) => c.Properties,
    );
    expect(configs).toContainEqual(
      expect.objectContaining({
        FunctionName: `<${fnId}>`,
        DestinationConfig: { OnFailure: { Destination: `<${dlqId}.Arn>` } },
      }),
    );
  });
});

describe('Promotion stack: reconciler function', () => {
  it('finishes well inside its period and knows the ledger, topic, state machine and pipelines', () => {
    const [, fn] = only(resourcesOf(synth.template, 'AWS::Lambda::Function'), 'Reconcile');
    expect(fn.Properties.Timeout).toBeLessThan(60 * 60);
    const variables = (fn.Properties.Environment as { Variables: Record<string, string> }).Variables;
    expect(variables).toMatchObject({
      LEDGER_TABLE: 'goldsmith-test-ledger',
      NOTIFY_TOPIC_ARN: 'arn:aws:sns:us-east-1:my-account:goldsmith-test-notifications',
      PIPELINE_ARN_PREFIX: 'arn:aws:imagebuilder:us-east-1:my-account:image-pipeline/goldsmith-',
    });
    expect(variables.STATE_MACHINE_ARN).toMatch(/^<PromotionStateMachine/);
  });

  it("may list only Goldsmith's pipelines, describe only images, start only the promotion and publish only to the topic", () => {
    const statements = statementsOf('ReconcileServiceRoleDefaultPolicy');
    const byAction = (action: string) => statements.filter((s) => actionsOf(s).includes(action));

    expect(byAction('imagebuilder:ListImagePipelineImages').flatMap(resourcesOfStatement)).toEqual([
      'arn:aws:imagebuilder:us-east-1:my-account:image-pipeline/goldsmith-*',
    ]);
    expect(byAction('imagebuilder:GetImage').flatMap(resourcesOfStatement)).toEqual([
      'arn:aws:imagebuilder:us-east-1:my-account:image/*',
    ]);
    expect(byAction('states:StartExecution').flatMap(resourcesOfStatement)).toEqual([
      expect.stringMatching(/^<PromotionStateMachine/),
    ]);
    expect(byAction('sns:Publish').flatMap(resourcesOfStatement)).toEqual([
      'arn:aws:sns:us-east-1:my-account:goldsmith-test-notifications',
    ]);
    const services = new Set(statements.flatMap(actionsOf).map((a) => a.split(':')[0]));
    // X-Ray is SST's active tracing, whose actions take no resource; sqs is the on-failure destination;
    // secretsmanager the decision-proof key, to deliver only decisions a door proved, and the task-token key, to open
    // the token it delivers them to. What AWS holds is audited by a function of its own (AuditHoldings, below).
    expect([...services].sort()).toEqual([
      'dynamodb',
      'imagebuilder',
      'logs',
      's3',
      'secretsmanager',
      'sns',
      'sqs',
      'states',
      'xray',
    ]);
    // s3: a missed AVAILABLE's SBOMs, kept and read back in the SBOM bucket's sbom/ prefix only.
    expect(byAction('s3:PutObject').flatMap(resourcesOfStatement)).toEqual([
      'arn:aws:s3:::goldsmith-test-sbom-111111111111-us-east-1/sbom/*',
    ]);
    expect(byAction('secretsmanager:GetSecretValue').flatMap(resourcesOfStatement)).toHaveLength(2);
    expectResourcesNamed(statements);
  });

  it('names the pipelines by prefix whatever the catalog, so the policy does not grow with it', async () => {
    const minimal = await synthesizeShared(minimalCatalog(), { stacks: [Promotion] });
    const policy = only(resourcesOf(minimal.template, 'AWS::IAM::Policy'), 'ReconcileServiceRoleDefaultPolicy')[1];
    const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    const listed = statements
      .filter((s) => actionsOf(s).includes('imagebuilder:ListImagePipelineImages'))
      .flatMap(resourcesOfStatement);
    expect(listed).toEqual(['arn:aws:imagebuilder:us-east-1:my-account:image-pipeline/goldsmith-*']);
  });
});

describe('Promotion stack: the audit of what AWS holds', () => {
  it("runs on the reconciler's period with its own fixed input and shares the reconciler's dead-letter queue", () => {
    const [, schedule] = only(resourcesOf(synth.template, 'AWS::Scheduler::Schedule'), 'AuditHoldingsSchedule');
    const [dlqId] = only(resourcesOf(synth.template, 'AWS::SQS::Queue'), 'ReconcileDlq');
    const [fnId] = only(resourcesOf(synth.template, 'AWS::Lambda::Function'), 'AuditHoldings');
    const target = schedule.Properties.Target as Record<string, Json>;
    expect(schedule.Properties).toMatchObject({ ScheduleExpression: RECONCILE_RATE, State: 'ENABLED' });
    expect(target.Arn).toBe(`<${fnId}.Arn>`);
    expect(JSON.parse(String(target.Input))).toEqual(AUDIT_HOLDINGS_INPUT);
    expect(target.DeadLetterConfig).toEqual({ Arn: `<${dlqId}.Arn>` });
  });

  it("may read and put back only Goldsmith's pointers and revocation schedules, and start nothing", () => {
    const statements = statementsOf('AuditHoldingsServiceRoleDefaultPolicy');
    const byAction = (action: string) => statements.filter((s) => actionsOf(s).includes(action));
    const services = new Set(statements.flatMap(actionsOf).map((a) => a.split(':')[0]));
    // ram and ssm the pointer-share backstop (Publish's share path: allowPointerShares, tested with Publish's role),
    // with organizations for the OU principals the catalog's channels target now; ec2, ssm's parameter reads and
    // writes, scheduler and lambda the audit (functions/audit/); events and iam:PassRole the Regions' forwarding
    // rules it reads back and puts right; sns its announcements; sqs the on-failure destination; xray SST's tracing;
    // ecr the container channels' tags and repository guard it reads back and puts right.
    expect([...services].sort()).toEqual([
      'dynamodb',
      'ec2',
      'ecr',
      'events',
      'iam',
      'lambda',
      'logs',
      'organizations',
      'ram',
      'scheduler',
      'sns',
      'sqs',
      'ssm',
      'xray',
    ]);
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('ssm:'))).toEqual([
      'ssm:PutResourcePolicy',
      'ssm:GetResourcePolicies',
      'ssm:DeleteResourcePolicy',
      'ssm:GetParameters',
      'ssm:PutParameter',
    ]);
    expect(byAction('ssm:PutParameter').flatMap(resourcesOfStatement)).toEqual([
      'arn:aws:ssm:*:my-account:parameter/goldsmith/*',
    ]);
    // The container channels' tags and the repositories' guard, on the catalog's repositories only.
    for (const action of ['ecr:BatchGetImage', 'ecr:PutImage', 'ecr:GetRepositoryPolicy', 'ecr:SetRepositoryPolicy']) {
      expect(byAction(action).flatMap(resourcesOfStatement), action).toEqual([
        expect.stringMatching(/^arn:aws:ecr:\*:my-account:repository\//),
      ]);
    }
    // The audit reads and deletes resource policies on Goldsmith's parameters only (functions/audit/pointer-policies.ts).
    for (const action of ['ssm:GetResourcePolicies', 'ssm:DeleteResourcePolicy']) {
      expect(byAction(action).flatMap(resourcesOfStatement), action).toEqual([
        'arn:aws:ssm:*:my-account:parameter/goldsmith/*',
      ]);
    }
    // The audit reads only Goldsmith's revocation schedules and hands an overdue revocation only to on-lifecycle-request.
    expect(byAction('scheduler:GetSchedule').flatMap(resourcesOfStatement)).toEqual([
      'arn:aws:scheduler:us-east-1:my-account:schedule/goldsmith-test-revocations/*',
    ]);
    // The forwarding rules' daily read lists each Region's rules (ListRules takes no resource: `*`, in a statement of
    // its own); every other rule call stays on the forwarding rules' ARNs.
    expect(byAction('events:ListRules').map((s) => [actionsOf(s), resourcesOfStatement(s)])).toEqual([
      [['events:ListRules'], ['*']],
    ]);
    const ruleCalls = byAction('events:DescribeRule');
    expect(ruleCalls.flatMap(resourcesOfStatement).length).toBeGreaterThan(0);
    expect(ruleCalls.flatMap(resourcesOfStatement)).not.toContain('*');
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('scheduler:'))).toEqual(['scheduler:GetSchedule']);
    expect(byAction('lambda:InvokeFunction').flatMap(resourcesOfStatement).join(' ')).toMatch(/^<OnLifecycleRequest/);
    expect(byAction('ec2:ModifyImageAttribute')[0]?.Condition).toBeDefined();
    expect(
      statements.flatMap(actionsOf).filter((a) => a.startsWith('states:') || a.startsWith('imagebuilder:')),
    ).toEqual([]);
    expectResourcesNamed(statements);
  });
});
