import { beforeAll, describe, expect, it } from 'vitest';
import { DeployLengthResolver, type TemplateJson } from '../../core/limits/resolve.js';
import { metricNames } from '../../core/observability/metrics.js';
import exampleCatalog from '../../goldsmith.config.js';
import { GOLDSMITH_STACKS } from '../../stacks/app.js';
import { Monitoring } from '../../stacks/Monitoring.js';
import { flatten, resourcesOf, type StackFunction, type Synthesized, synthesize } from './helpers.js';

type Json = unknown;
type Resource = { Properties: Record<string, Json> };
interface AlarmProps {
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  Threshold: number;
  ComparisonOperator: string;
  EvaluationPeriods: number;
  Period?: number;
  Dimensions?: { Name: string; Value: Json }[];
  AlarmActions: Json[];
  TreatMissingData?: string;
}

let synth: Synthesized;
let monitoring: Synthesized['template'];
let all: Record<string, Resource>;
let alarms: Record<string, AlarmProps>;

/** Every resource of `type` across every stack, by logical id (prefixed with the stack's name). */
function acrossStacks(type: string): Record<string, Resource> {
  const out: Record<string, Resource> = {};
  for (const [fn, template] of synth.templates) {
    for (const [id, r] of Object.entries(resourcesOf(template, type))) out[`${fn.name}${id}`] = r;
  }
  return out;
}

beforeAll(async () => {
  synth = await synthesize(
    { ...exampleCatalog, monitoring: { staleChannelAfter: '30d' } },
    { stacks: [...GOLDSMITH_STACKS] as StackFunction[] },
  );
  expect(synth.templates.get(Monitoring as StackFunction)).toBeDefined();
  // The Monitoring stack's own template (Trust comes after it in the app, so `synth.template` is Trust's).
  monitoring = synth.templates.get(Monitoring as StackFunction) as Synthesized['template'];
  all = acrossStacks('AWS::SQS::Queue');
  alarms = Object.fromEntries(
    Object.entries(resourcesOf(monitoring, 'AWS::CloudWatch::Alarm')).map(([id, r]) => [
      id,
      r.Properties as unknown as AlarmProps,
    ]),
  );
}, 120_000);

/** The one alarm whose logical id starts with `prefix` (CDK appends a hash). */
function alarm(prefix: string): AlarmProps {
  const found = Object.entries(alarms).filter(([id]) => id.startsWith(prefix));
  expect(found.map(([id]) => id)).toHaveLength(1);
  return found[0]![1];
}

const topicAction = (a: AlarmProps) => JSON.stringify(a.AlarmActions);
const dimension = (a: AlarmProps, name: string) => a.Dimensions?.find((d) => d.Name === name)?.Value;

describe('Monitoring stack: alarms', () => {
  it('alarms on every dead-letter queue of every stack when a message stays past the re-drive, notifying the topic', () => {
    const dlqAlarms = Object.entries(alarms).filter(([id]) => id.startsWith('DlqAlarm'));
    expect(Object.keys(all).length).toBeGreaterThanOrEqual(4);
    expect(dlqAlarms).toHaveLength(Object.keys(all).length);
    for (const [, a] of dlqAlarms) {
      expect(a).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Statistic: 'Maximum',
        Threshold: 10_800,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        Period: 300,
      });
      expect(topicAction(a)).toContain('NotificationsTopic');
    }
  });

  it('alarms as soon as the re-drive leaves a dead letter for a person', () => {
    expect(alarm('DeadLettersLeftAlarm')).toMatchObject({
      Namespace: 'Goldsmith',
      MetricName: metricNames.deadLettersLeft,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('alarms on failed, timed-out and stopped promotion executions', () => {
    const failed = Object.entries(alarms).filter(([id]) => id.startsWith('ExecutionsFailedAlarm'));
    const timedOut = Object.entries(alarms).filter(([id]) => id.startsWith('ExecutionsTimedOutAlarm'));
    const aborted = Object.entries(alarms).filter(([id]) => id.startsWith('ExecutionsAbortedAlarm'));
    expect(failed).toHaveLength(1);
    expect(timedOut).toHaveLength(1);
    expect(aborted).toHaveLength(1);
    expect(aborted[0]?.[1]).toMatchObject({ MetricName: 'ExecutionsAborted', Threshold: 1 });
    expect(topicAction(aborted[0]![1])).toContain('NotificationsTopic');
    expect(failed[0]?.[1]).toMatchObject({ Namespace: 'AWS/States', MetricName: 'ExecutionsFailed', Threshold: 1 });
    expect(timedOut[0]?.[1]).toMatchObject({ MetricName: 'ExecutionsTimedOut', Threshold: 1 });
    expect(JSON.stringify(dimension(failed[0]![1], 'StateMachineArn'))).toContain('PromotionStateMachine');
    expect(topicAction(failed[0]![1])).toContain('NotificationsTopic');
  });

  it('alarms on errors of every Goldsmith handler, none of CDK helpers', () => {
    const handlers = Object.entries(acrossStacks('AWS::Lambda::Function')).filter(
      ([, r]) => typeof r.Properties.Handler === 'string' && !/LogRetention|Provider|AWS\d/i.test(JSON.stringify(r)),
    );
    const errorAlarms = Object.entries(alarms).filter(([id]) => id.startsWith('ErrorsAlarm'));
    expect(errorAlarms.length).toBeGreaterThanOrEqual(8);
    for (const [, a] of errorAlarms) {
      expect(a).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Threshold: 1 });
      expect(topicAction(a)).toContain('NotificationsTopic');
    }
    expect(errorAlarms.map(([id]) => id).some((id) => id.includes('Health'))).toBe(true);
    expect(errorAlarms.map(([id]) => id).some((id) => id.includes('Reconcile'))).toBe(true);
    expect(handlers.length).toBeGreaterThanOrEqual(errorAlarms.length);
  });

  it('alarms when Image Builder disables a pipeline', () => {
    expect(alarm('PipelineDisabledAlarm')).toMatchObject({
      Namespace: 'Goldsmith',
      MetricName: metricNames.pipelineDisabled,
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(dimension(alarm('PipelineDisabledAlarm'), 'service')).toBe('goldsmith');
  });

  it("alarms when Goldsmith's build circuit breaker pauses an image's builds, to the notification topic", () => {
    expect(alarm('BuildsPausedAlarm')).toMatchObject({
      Namespace: 'Goldsmith',
      MetricName: metricNames.buildsPaused,
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(dimension(alarm('BuildsPausedAlarm'), 'service')).toBe('goldsmith');
    expect(topicAction(alarm('BuildsPausedAlarm'))).toContain('NotificationsTopic');
  });

  it('alarms when the daily sweep counts instances still on a revoked version', () => {
    expect(alarm('InstancesOnRevokedAlarm')).toMatchObject({
      Namespace: 'Goldsmith',
      MetricName: metricNames.instancesOnRevoked,
      Statistic: 'Maximum',
      Threshold: 1,
      Period: 86_400,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(topicAction(alarm('InstancesOnRevokedAlarm'))).toContain('NotificationsTopic');
  });

  it('alarms on a pointer share put back by the backstop, on drift the audit found and on organization changes only the full read found', () => {
    for (const [id, name] of [
      ['PointerShareRepairedAlarm', metricNames.pointerSharesRepaired],
      ['DriftFoundAlarm', metricNames.driftFound],
      ['OrganizationChangesMissedAlarm', metricNames.organizationChangesMissed],
    ] as const) {
      expect(alarm(id)).toMatchObject({
        Namespace: 'Goldsmith',
        MetricName: name,
        Statistic: 'Sum',
        Threshold: 1,
        Period: 86_400,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
      expect(topicAction(alarm(id))).toContain('NotificationsTopic');
    }
  });

  it("says in the drift alarm's text where an operator sees a door's drift as well as an image's", () => {
    const text = JSON.stringify(alarm('DriftFoundAlarm'));
    expect(text).toContain("a topic's, queue's or the event bus's policy");
    expect(text).toContain('goldsmith history --factory');
    expect(text).toContain('goldsmith history IMAGE');
  });

  it('alarms when the reconciler has not run for twelve hours (its schedule deleted or disabled outside Goldsmith)', () => {
    const silent = alarm('ReconcilerSilentAlarm');
    expect(silent).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Statistic: 'Sum',
      Period: 43_200,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(JSON.stringify(silent.Dimensions)).toContain('Reconcile');
    expect(topicAction(silent)).toContain('NotificationsTopic');
  });

  it('alarms when the audit of what AWS holds has not run for twelve hours, apart from the reconciler', () => {
    const silent = alarm('AuditSilentAlarm');
    expect(silent).toMatchObject({
      MetricName: 'Invocations',
      Period: 43_200,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(JSON.stringify(silent.Dimensions)).toContain('AuditHoldings');
    expect(JSON.stringify(silent.Dimensions)).not.toContain('Reconcile');
    expect(topicAction(silent)).toContain('NotificationsTopic');
  });

  it("alarms when the event history's reader or the functions' auditor, both daily, has not run for a day", () => {
    for (const [id, fn] of [
      ['AuditHistorySilentAlarm', 'AuditHistory'],
      ['AuditFunctionsSilentAlarm', 'AuditFunctions'],
    ] as const) {
      const silent = alarm(id);
      expect(silent, id).toMatchObject({
        MetricName: 'Invocations',
        Period: 93_600,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
      expect(JSON.stringify(silent.Dimensions)).toContain(fn);
      expect(topicAction(silent)).toContain('NotificationsTopic');
    }
  });

  it('alarms when an approval has waited half its timeout, from the three-hourly gauge', () => {
    expect(alarm('ApprovalWaitingAlarm')).toMatchObject({
      MetricName: metricNames.approvalWaitPercent,
      Statistic: 'Maximum',
      Threshold: 50,
      Period: 10_800,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(topicAction(alarm('ApprovalWaitingAlarm'))).toContain('NotificationsTopic');
  });

  it('alarms when a channel has not moved for the catalog staleChannelAfter', () => {
    expect(alarm('StaleChannelAlarm')).toMatchObject({
      MetricName: metricNames.oldestChannelAge,
      Statistic: 'Maximum',
      Threshold: 30,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(topicAction(alarm('StaleChannelAlarm'))).toContain('NotificationsTopic');
  });

  it("alarms when a post has waited six hours in a chat sink's backlog (the catalog's Slack), to the topic", () => {
    expect(alarm('SinkBacklogAgeAlarmSlack')).toMatchObject({
      MetricName: metricNames.sinkBacklogAge,
      Statistic: 'Maximum',
      Threshold: 6 * 3600,
      Period: 10_800,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(dimension(alarm('SinkBacklogAgeAlarmSlack'), 'sink')).toBe('Slack');
    expect(topicAction(alarm('SinkBacklogAgeAlarmSlack'))).toContain('NotificationsTopic');
    // Only the sinks the catalog configures: it has no Teams and no webhooks.
    expect(Object.keys(alarms).filter((id) => id.startsWith('SinkBacklogAgeAlarm'))).toHaveLength(1);
  });

  it('lets CloudWatch use the topic key, which an AWS managed key would not allow', () => {
    const notifications = [...synth.templates.entries()].find(([fn]) => fn.name === 'Notifications')?.[1];
    const key = Object.values(resourcesOf(notifications!, 'AWS::KMS::Key'))[0];
    const statements = (key!.Properties.KeyPolicy as { Statement: { Principal?: Json; Action: Json }[] }).Statement;
    const cw = statements.find((s) => JSON.stringify(s.Principal).includes('cloudwatch.amazonaws.com'));
    expect(cw?.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
  });
});

describe('Monitoring stack: health gauges', () => {
  it('runs the health function every three hours with its fixed input and a dead-letter queue', () => {
    const schedule = Object.values(resourcesOf(monitoring, 'AWS::Scheduler::Schedule'))[0];
    expect(schedule?.Properties).toMatchObject({
      ScheduleExpression: 'rate(3 hours)',
      Target: { Input: JSON.stringify({ health: 'gauges' }) },
    });
    expect(JSON.stringify(schedule?.Properties.Target)).toContain('HealthDlq');
  });
});

describe('Monitoring stack: dead-letter re-drive', () => {
  const fn = () =>
    Object.entries(resourcesOf(monitoring, 'AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('RedriveDeadLetters'),
    );
  const policyOf = () =>
    Object.values(resourcesOf(monitoring, 'AWS::IAM::Policy')).find((p) =>
      JSON.stringify(p.Properties.Roles).includes('RedriveDeadLettersServiceRole'),
    );

  it('runs a full pass daily, the backstop, with its fixed input', () => {
    const schedule = Object.values(resourcesOf(monitoring, 'AWS::Scheduler::Schedule')).find((s) =>
      JSON.stringify(s.Properties.Target).includes('RedriveDeadLetters'),
    );
    expect(schedule?.Properties).toMatchObject({
      ScheduleExpression: 'rate(1 day)',
      Target: { Input: JSON.stringify({ redrive: 'dead-letters' }) },
    });
  });

  it('reads every dead-letter queue of every stack, and may invoke only the functions that dead-letter into them', () => {
    // Unflattened: the other stacks' queues arrive as imports named after their logical ids.
    const raw = monitoring.findResources('AWS::Lambda::Function')[fn()?.[0] ?? ''] as Resource | undefined;
    const env = JSON.stringify(raw?.Properties.Environment);
    for (const id of Object.keys(all))
      expect(env, id).toContain(id.replace(/^(Triggers|Promotion|Notifications|Monitoring|MemberBaseline)/, ''));
    const policy = policyOf();
    expect(policy).toBeDefined();
    const statements =
      (policy?.Properties.PolicyDocument as { Statement: { Action: Json; Resource: Json }[] } | undefined)?.Statement ??
      [];
    const invoke = JSON.stringify(
      statements.filter((st) => JSON.stringify(st.Action).includes('lambda:InvokeFunction')),
    );
    for (const target of [
      'StartBuilds',
      'WatchBaseImages',
      'OnPipelineDisabled',
      'OnImageEvent',
      'OnFinding',
      'SlackNotify',
      'Reconcile',
      'AuditHoldings',
      'Health',
    ]) {
      expect(invoke, target).toContain(target);
    }
    for (const other of ['ApprovalCallback', 'PromotionShare', 'PromotionPublish', 'Operator'])
      expect(invoke).not.toContain(other);
    const sqs = statements.filter((st) => JSON.stringify(st.Action).includes('sqs:'));
    expect(sqs).toHaveLength(Object.keys(all).length);
    for (const st of sqs) {
      expect(st.Action).toEqual(['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage']);
    }
  });

  it("names each queue and function in its environment by name alone, so Lambda's 4 KB holds many more of them", () => {
    // Resolved as a deploy would resolve them (core/limits/resolve.ts), the other stacks' exports included.
    const stacks = [...synth.templates].map(([f, t]) => ({
      stack: `test-goldsmith-${f.name}`,
      template: t.toJSON() as TemplateJson,
    }));
    const resolver = new DeployLengthResolver(stacks, { region: 'us-east-1', account: '123456789012' });
    const own = stacks.find((s) => s.stack.endsWith('-Monitoring'));
    const raw = monitoring.findResources('AWS::Lambda::Function')[fn()?.[0] ?? ''] as Resource | undefined;
    if (!own || !raw) throw new Error('no re-drive function in the Monitoring stack');
    const env = resolver.resolve((raw.Properties.Environment as { Variables: Json }).Variables, own) as Record<
      string,
      string
    >;
    // The lists join again into the queues' URLs and the functions' ARNs, as a deploy makes them.
    const queues = env.DEAD_LETTER_QUEUES!.split(',');
    const targets = env.REDRIVE_TARGETS!.split(',');
    expect(queues).toHaveLength(Object.keys(all).length);
    expect(env.DEAD_LETTER_QUEUE_PREFIX).toBe('https://sqs.us-east-1.amazonaws.com/123456789012/');
    expect(env.REDRIVE_TARGET_PREFIX).toBe('arn:aws:lambda:us-east-1:123456789012:function:');
    expect(queues.every((q) => /^test-goldsmith-\w+-[\w-]+$/.test(q))).toBe(true);
    expect(targets.some((t) => t.includes('StartBuilds'))).toBe(true);
    // Each queue or function costs its name and a comma (at most 65 bytes), not its URL or ARN (over 110).
    const lists = ['DEAD_LETTER_QUEUE', 'REDRIVE_TARGET'].flatMap((v) => [`${v}_PREFIX`, `${v}S`]);
    const bytes = lists.reduce((n, v) => n + v.length + Buffer.byteLength(env[v] ?? ''), 0);
    expect(bytes).toBeLessThanOrEqual(2 * 100 + (queues.length + targets.length) * 65);
  });

  it('lets each function with an on-failure destination record its failures: PutItem only under FAILED-INVOCATION#', () => {
    type Statement = { Action: Json; Condition?: Record<string, Record<string, Json>> };
    const recorders = Object.values(acrossStacks('AWS::IAM::Policy')).flatMap((p) => {
      const doc = p.Properties.PolicyDocument as { Statement: Statement[] };
      // (A grant on another partition, e.g. the event history's read of its window in `FACTORY#audit`, is not one.)
      return doc.Statement.filter((st) => JSON.stringify(st.Condition ?? {}).includes('FAILED-INVOCATION#'));
    });
    // One per function whose failures the re-drive reads (an EventInvokeConfig with an on-failure destination).
    const destinations = Object.values(acrossStacks('AWS::Lambda::EventInvokeConfig')).filter((c) =>
      JSON.stringify(c.Properties.DestinationConfig ?? {}).includes('OnFailure'),
    );
    expect(destinations.length).toBeGreaterThanOrEqual(10);
    expect(recorders).toHaveLength(destinations.length);
    for (const st of recorders) {
      expect(st.Action).toBe('dynamodb:PutItem');
      expect(st.Condition).toEqual({
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['FAILED-INVOCATION#*'] },
      });
    }
  });

  it('watches every dead-letter queue with a depth alarm that only sends its state changes to EventBridge', () => {
    const depth = Object.entries(alarms).filter(([id]) => id.startsWith('DlqDepthAlarm'));
    expect(depth).toHaveLength(Object.keys(all).length);
    for (const [, a] of depth) {
      expect(a).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Statistic: 'Maximum',
        Period: 60,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
      expect(dimension(a, 'QueueName')).toBeDefined();
      expect(a.AlarmActions).toBeUndefined();
    }
  });

  it('invokes the re-drive when a depth alarm enters ALARM, from a rule on the default bus naming those alarms', () => {
    const rules = Object.values(resourcesOf(monitoring, 'AWS::Events::Rule')).filter((r) =>
      JSON.stringify(r.Properties.EventPattern).includes('aws.cloudwatch'),
    );
    expect(rules).toHaveLength(1);
    const rule = rules[0]!.Properties as {
      EventPattern: { resources: Json[] } & Record<string, Json>;
      EventBusName?: Json;
      Targets: Json[];
    };
    expect(rule.EventBusName).toBeUndefined();
    expect(rule.EventPattern).toMatchObject({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: { state: { value: ['ALARM'] } },
    });
    expect(rule.EventPattern.resources).toHaveLength(Object.keys(all).length);
    expect(JSON.stringify(rule.EventPattern.resources)).toContain('DlqDepthAlarm');
    expect(JSON.stringify(rule.Targets)).toContain('RedriveDeadLetters');
  });

  it('may schedule its own follow-up looks in its schedule group only, passing one role that may invoke only it', () => {
    type Statement = { Action: Json; Resource: Json; Condition?: Json };
    const document = policyOf()?.Properties.PolicyDocument as { Statement: Statement[] } | undefined;
    const statements = document?.Statement ?? [];
    const create = statements.find((st) => JSON.stringify(st.Action).includes('scheduler:'));
    expect(create?.Action).toBe('scheduler:CreateSchedule');
    expect(JSON.stringify(create?.Resource)).toContain(':schedule/goldsmith-');
    expect(JSON.stringify(create?.Resource)).toContain('-redrive/*');
    const pass = statements.find((st) => st.Action === 'iam:PassRole');
    expect(pass?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });
    expect(JSON.stringify(pass?.Resource)).toContain('RedriveFollowUpSchedulerRole');
    const groups = Object.values(resourcesOf(monitoring, 'AWS::Scheduler::ScheduleGroup'));
    // The follow-up looks have a group of their own; the stack's recurring schedules live in the stack's group.
    expect(groups.map((g) => g.Properties.Name).sort()).toEqual([
      expect.stringMatching(/^goldsmith-.+-redrive$/),
      expect.stringMatching(/-goldsmith-Monitoring$/),
    ]);
    const rolePolicy = Object.values(resourcesOf(monitoring, 'AWS::IAM::Policy')).find((p) =>
      JSON.stringify(p.Properties.Roles).includes('RedriveFollowUpSchedulerRole'),
    );
    expect(JSON.stringify(rolePolicy?.Properties.PolicyDocument)).toContain('lambda:InvokeFunction');
    expect(JSON.stringify(rolePolicy?.Properties.PolicyDocument)).toContain('RedriveDeadLetters');
  });
});

describe('Monitoring stack: dashboard', () => {
  let body: string;
  beforeAll(() => {
    const dash = Object.values(resourcesOf(monitoring, 'AWS::CloudWatch::Dashboard'))[0];
    body = String(flatten(dash?.Properties.DashboardBody));
  });
  const widgetTitles = () => [...body.matchAll(/"title":"([^"]+)"/g)].map((m) => m[1]);

  it('has a widget for each thing the team lead asks about', () => {
    expect(widgetTitles()).toEqual(
      expect.arrayContaining([
        'Alarms',
        'Builds started per image, by trigger',
        'Outcomes per image and channel',
        'Channel lag (builds behind the newest promotable build)',
        'Approvals waiting',
        'Failures',
        'Dead-letter queue depth',
        'Lambda errors',
        'Lambda duration (p95)',
        'State machine executions',
      ]),
    );
  });

  it('graphs the application metrics by their dimensions with SEARCH, and AWS metrics per resource', () => {
    expect(body).toContain(`MetricName=\\"${metricNames.buildsStarted}\\"`);
    expect(body).toContain('{Goldsmith,service,image,channel,outcome}');
    expect(body).toContain(metricNames.channelLag);
    expect(body).toContain('ApproximateNumberOfMessagesVisible');
    expect(body).toContain('ExecutionsStarted');
    expect(body).toContain('"p95"');
  });
});
