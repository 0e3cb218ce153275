import { beforeAll, describe, expect, it } from 'vitest';
import { SINKS } from '../../core/notifications/sinks.js';
import everyOption from '../../examples/catalogs/every-option.js';
import exampleCatalog from '../../goldsmith.config.js';
import { Ledger } from '../../stacks/Ledger.js';
import { Notifications } from '../../stacks/Notifications.js';
import { resourcesOf, type StackFunction, type Synthesized, synthesize } from './helpers.js';

type Json = unknown;
const STACKS = [Ledger, Notifications] as StackFunction[];

interface ScheduleProps {
  ScheduleExpression: string;
  ScheduleExpressionTimezone: string;
  State: string;
  Target: {
    Arn: Json;
    Input: string;
    RetryPolicy: { MaximumEventAgeInSeconds: number; MaximumRetryAttempts: number };
    DeadLetterConfig: { Arn: Json };
  };
}

function summarySchedules(synth: Synthesized): ScheduleProps[] {
  return Object.entries(resourcesOf(synth.template, 'AWS::Scheduler::Schedule'))
    .filter(([id]) => id.startsWith('MonthlySummarySchedule'))
    .map(([, r]) => r.Properties as unknown as ScheduleProps);
}

describe('the monthly summary in the Notifications stack', () => {
  let synth: Synthesized;

  beforeAll(async () => {
    synth = await synthesize(exampleCatalog, { stacks: STACKS });
  }, 120_000);

  it('is scheduled on the 1st of each month at 09:00 UTC by default, with the scheduled time as input', () => {
    const [schedule] = summarySchedules(synth);
    expect(schedule).toMatchObject({
      ScheduleExpression: 'cron(0 9 1 * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
    });
    expect(JSON.parse(schedule?.Target.Input ?? '{}')).toEqual({
      summary: 'monthly',
      scheduledTime: '<aws.scheduler.scheduled-time>',
    });
    expect(String(schedule?.Target.Arn)).toContain('MonthlySummary');
  });

  it('retries a failed delivery for a day, then dead-letters it', () => {
    const [schedule] = summarySchedules(synth);
    expect(schedule?.Target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 10 });
    expect(String(schedule?.Target.DeadLetterConfig.Arn)).toContain('MonthlySummaryDlq');
  });

  it('gives the function the ledger and the topic, and may read and write the ledger and publish, nothing more', () => {
    const resource = (type: string, prefix: string) => {
      const found = Object.entries(resourcesOf(synth.template, type)).find(([id]) => id.startsWith(prefix));
      if (!found) throw new Error(`no ${type} ${prefix}…`);
      return found[1].Properties;
    };
    const env = (resource('AWS::Lambda::Function', 'MonthlySummary').Environment as { Variables: Record<string, Json> })
      .Variables;
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['LEDGER_TABLE', 'NOTIFY_TOPIC_ARN']));
    const document = resource('AWS::IAM::Policy', 'MonthlySummaryServiceRoleDefaultPolicy').PolicyDocument as {
      Statement: { Action: string | string[] }[];
    };
    const actions = document.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:PutItem', 'sns:Publish']));
    expect(actions.filter((a) => !/^(dynamodb|sns|xray|sqs|logs):/.test(a))).toEqual([]);
  });

  it("follows the catalog's day and time, and is not built when the catalog turns it off", async () => {
    const later = await synthesize(
      {
        ...exampleCatalog,
        notifications: { ...exampleCatalog.notifications, monthlySummary: { day: 3, at: '07:30' } },
      },
      { stacks: STACKS },
    );
    expect(summarySchedules(later).map((s) => s.ScheduleExpression)).toEqual(['cron(30 7 3 * ? *)']);

    const off = await synthesize(
      { ...exampleCatalog, notifications: { ...exampleCatalog.notifications, monthlySummary: false } },
      { stacks: STACKS },
    );
    expect(summarySchedules(off)).toEqual([]);
  }, 120_000);
});

describe('the Slack function in the Notifications stack', () => {
  let synth: Synthesized;

  beforeAll(async () => {
    synth = await synthesize(exampleCatalog, { stacks: STACKS });
  }, 120_000);

  it('tries what waits for Slack every three hours, and dead-letters a run that cannot start', () => {
    const schedules = Object.entries(resourcesOf(synth.template, 'AWS::Scheduler::Schedule'))
      .filter(([id]) => id.startsWith('SlackRedeliverSchedule'))
      .map(([, r]) => r.Properties as unknown as ScheduleProps);
    expect(schedules).toHaveLength(1);
    expect(schedules[0]).toMatchObject({ ScheduleExpression: 'rate(3 hours)', State: 'ENABLED' });
    expect(JSON.parse(schedules[0]?.Target.Input ?? '{}')).toEqual({ slack: 'redeliver' });
    expect(String(schedules[0]?.Target.Arn)).toContain('SlackNotify');
    expect(String(schedules[0]?.Target.DeadLetterConfig.Arn)).toContain('SlackNotifyDlq');
  });
});

describe('the chat sinks of the catalog with every option in the Notifications stack', () => {
  let synth: Synthesized;

  beforeAll(async () => {
    synth = await synthesize(everyOption, { stacks: STACKS });
  }, 120_000);

  it("makes every relay the registry declares, subscribes it, and names it to the doors' auditor", () => {
    const functions = resourcesOf(synth.template, 'AWS::Lambda::Function');
    const auditor = Object.entries(functions).find(([id]) => id.startsWith('AuditDoors'))?.[1];
    const env = (auditor?.Properties?.Environment as { Variables?: Record<string, Json> } | undefined)?.Variables ?? {};
    const relayed = SINKS.filter((s) => s.relayArnVariable);
    const lambdaSubscriptions = Object.values(resourcesOf(synth.template, 'AWS::SNS::Subscription')).filter(
      (r) => r.Properties?.Protocol === 'lambda',
    );

    expect(relayed.map((s) => s.key)).toEqual(['slack', 'teams', 'webhooks']);
    for (const sink of relayed) expect(Object.keys(env), sink.key).toContain(sink.relayArnVariable);
    expect(lambdaSubscriptions).toHaveLength(relayed.length);
  });

  it('gives each relay its own schedule, and the Teams and webhook roles only their own ledger partition', () => {
    const inputs = Object.values(resourcesOf(synth.template, 'AWS::Scheduler::Schedule')).map(
      (r) => (r.Properties as unknown as ScheduleProps).Target.Input,
    );
    for (const key of ['slack', 'teams', 'webhooks']) expect(inputs).toContain(JSON.stringify({ [key]: 'redeliver' }));
    const policies = JSON.stringify(resourcesOf(synth.template, 'AWS::IAM::Policy'));
    expect(policies).toContain('"dynamodb:LeadingKeys":["TEAMS"]');
    expect(policies).toContain('"dynamodb:LeadingKeys":["WEBHOOK#change-board","WEBHOOK#audit-log"]');
  });
});

describe("the doors' auditor in the Notifications stack", () => {
  let synth: Synthesized;

  beforeAll(async () => {
    synth = await synthesize(exampleCatalog, { stacks: STACKS });
  }, 120_000);

  const auditorSchedules = () =>
    Object.values(resourcesOf(synth.template, 'AWS::Scheduler::Schedule'))
      .map((r) => r.Properties as unknown as ScheduleProps)
      .filter((s) => String(s.Target.Arn).includes('AuditDoors'));

  it("reads the subscriptions back daily and lists them hourly (an unsubscribe link's removal has no CloudTrail event)", () => {
    const byInput = Object.fromEntries(auditorSchedules().map((s) => [s.Target.Input, s]));
    expect(Object.keys(byInput).sort()).toEqual([
      JSON.stringify({ audit: 'doors' }),
      JSON.stringify({ audit: 'subscriptions' }),
    ]);
    expect(byInput[JSON.stringify({ audit: 'doors' })]).toMatchObject({ ScheduleExpression: 'rate(1 day)' });
    const hourly = byInput[JSON.stringify({ audit: 'subscriptions' })];
    expect(hourly).toMatchObject({ ScheduleExpression: 'rate(1 hour)', State: 'ENABLED' });
    // No retry past the next hour's run; what Scheduler cannot deliver is dead-lettered beside the daily run's.
    expect(hourly?.Target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 2 });
    expect(String(hourly?.Target.DeadLetterConfig.Arn)).toContain('AuditDoorsDlq');
  });

  it("adds only the account's subscription listing for the hourly look, on `*` (it takes no resource)", () => {
    const found = Object.entries(resourcesOf(synth.template, 'AWS::IAM::Policy')).find(([id]) =>
      id.startsWith('AuditDoorsServiceRoleDefaultPolicy'),
    );
    const document = found?.[1].Properties.PolicyDocument as {
      Statement: { Action: string | string[]; Resource: unknown }[];
    };
    const actionsOf = (s: { Action: string | string[] }) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
    const actions = document.Statement.flatMap(actionsOf);
    expect(actions.filter((a) => a.startsWith('sns:')).sort()).toEqual([
      'sns:GetSubscriptionAttributes',
      'sns:ListSubscriptions',
      'sns:ListSubscriptionsByTopic',
      'sns:Publish',
      'sns:SetSubscriptionAttributes',
      'sns:Subscribe',
      'sns:Unsubscribe',
    ]);
    // ListSubscriptions in a statement of its own, which grants nothing else; the topics' listing stays on the topics.
    const listing = document.Statement.filter((s) => actionsOf(s).includes('sns:ListSubscriptions'));
    expect(listing.map((s) => [actionsOf(s), s.Resource])).toEqual([[['sns:ListSubscriptions'], '*']]);
    const byTopic = document.Statement.find((s) => actionsOf(s).includes('sns:ListSubscriptionsByTopic'));
    expect(byTopic?.Resource).not.toBe('*');
    // The ledger: its drift records written, and each topic's awaiting-confirmation records read (one Query a run).
    expect([...new Set(actions.filter((a) => a.startsWith('dynamodb:')))].sort()).toEqual([
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
  });
});
