import { beforeAll, describe, expect, it } from 'vitest';
import exampleCatalog from '../../goldsmith.config.js';
import { GOLDSMITH_STACKS } from '../../stacks/app.js';
import { Monitoring } from '../../stacks/Monitoring.js';
import { auditorOf, resourcesOf, type StackFunction, type Synthesized, synthesizeShared } from './helpers.js';

/**
 * The daily audit of resource policies in the synthesized stacks: every door's policy written where the audit reads
 * it, and the audit's role holding exactly the calls functions/audit-policies.ts makes, on Goldsmith's resources only.
 */

let synth: Synthesized;

const across = (type: string) =>
  [...synth.templates.values()].flatMap((t) => Object.values(resourcesOf(t, type)).map((r) => r.Properties));

beforeAll(async () => {
  synth = await synthesizeShared(exampleCatalog, { stacks: [...GOLDSMITH_STACKS] as StackFunction[] });
}, 120_000);

describe('the audit of resource policies in the stacks', () => {
  it('writes one expected policy under /goldsmith/_policies/<stage>/ per topic and queue policy, and the bus', () => {
    const doors = across('AWS::SNS::TopicPolicy').length + across('AWS::SQS::QueuePolicy').length;
    const expected = across('AWS::SSM::Parameter').filter((p) =>
      String(p.Name).startsWith('/goldsmith/_policies/test/'),
    );
    expect(doors).toBeGreaterThanOrEqual(8);
    expect(expected).toHaveLength(doors + 1);
    for (const p of expected) {
      expect(p).toMatchObject({ Type: 'String', Tier: 'Intelligent-Tiering' });
      expect(String(p.Name)).toMatch(/^\/goldsmith\/_policies\/test\/(topic|queue|bus)\/\w+$/);
    }
    // The bus's: every statement the stacks set on it (one AWS::Events::EventBusPolicy each), by Sid.
    const bus = expected.filter((p) => String(p.Name).startsWith('/goldsmith/_policies/test/bus/'));
    const sids = across('AWS::Events::EventBusPolicy')
      .filter((p) => p.EventBusName !== 'default')
      .map((p) => p.StatementId);
    expect(bus).toHaveLength(1);
    for (const sid of sids) expect(JSON.stringify(bus[0]?.Value)).toContain(`\\"Sid\\":\\"${sid}\\"`);
  });

  it("gives the audit the deployment's inventory of doors: every expected-policy parameter any stack writes", () => {
    const monitoring = synth.templates.get(Monitoring as StackFunction);
    if (!monitoring) throw new Error('no Monitoring stack');
    const fn = Object.values(resourcesOf(monitoring, 'AWS::Lambda::Function')).find(
      (f) => (f.Properties.Environment as { Variables?: Record<string, unknown> })?.Variables?.EXPECTED_POLICIES,
    );
    if (!fn) throw new Error('no function with EXPECTED_POLICIES');
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const inventory = String(variables.EXPECTED_POLICIES).split(',');
    const written = across('AWS::SSM::Parameter')
      .map((p) => String(p.Name))
      .filter((n) => n.startsWith('/goldsmith/_policies/test/'))
      .map((n) => n.slice('/goldsmith/_policies/test/'.length));
    expect(written.length).toBeGreaterThanOrEqual(9);
    expect(inventory.sort()).toEqual(written.sort());
    // The Trust stack's bus policy, written after Monitoring is defined, is in it too.
    expect(inventory.filter((e) => e.startsWith('bus/'))).toHaveLength(1);
    // Lambda's environment holds 4 KB in all (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html).
    expect(JSON.stringify(variables).length).toBeLessThan(4096);
  });

  it('runs within minutes of a policy call CloudTrail reports, and of a change of an expected policy', () => {
    const monitoring = synth.templates.get(Monitoring as StackFunction);
    if (!monitoring) throw new Error('no Monitoring stack');
    const rules = Object.values(resourcesOf(monitoring, 'AWS::Events::Rule'))
      .map((r) => r.Properties)
      .filter((p) => JSON.stringify(p.Targets).includes('AuditPolicies'));
    const patterns = rules.map((r) => r.EventPattern as Record<string, unknown>);
    expect(patterns).toContainEqual({
      source: ['aws.sns', 'aws.sqs', 'aws.events'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['sns.amazonaws.com', 'sqs.amazonaws.com', 'events.amazonaws.com'],
        eventName: ['AddPermission', 'PutPermission', 'RemovePermission', 'SetQueueAttributes', 'SetTopicAttributes'],
      },
    });
    expect(patterns).toContainEqual({
      source: ['aws.ssm'],
      'detail-type': ['Parameter Store Change'],
      detail: { name: [{ prefix: '/goldsmith/_policies/' }] },
    });
    // Each within EventBridge's 2,048 characters of pattern.
    for (const p of patterns) expect(JSON.stringify(p).length).toBeLessThan(2048);
    // Failed deliveries park in the auditor's own dead-letter queue.
    for (const r of rules) expect(JSON.stringify(r.Targets)).toContain('DeadLetterConfig');
  });

  it("runs daily, and its role reads and sets only Goldsmith's topics', queues', bus's and expected policies", () => {
    const monitoring = synth.templates.get(Monitoring as StackFunction);
    if (!monitoring) throw new Error('no Monitoring stack');
    const { schedule, statements, actions } = auditorOf(monitoring, 'AuditPolicies');
    expect(schedule).toMatchObject({
      ScheduleExpression: 'cron(0 1 * * ? *)',
      Target: { Input: JSON.stringify({ audit: 'resource-policies' }) },
    });
    expect(actions).toEqual([
      'dynamodb:PutItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'events:DescribeEventBus',
      'events:PutPermission',
      'sns:GetTopicAttributes',
      'sns:Publish',
      'sns:SetTopicAttributes',
      'sqs:GetQueueAttributes',
      'sqs:SendMessage',
      'sqs:SetQueueAttributes',
      'ssm:GetParametersByPath',
    ]);
    const resourcesFor = (action: string) =>
      JSON.stringify(statements.filter((s) => [s.Action].flat().includes(action)).map((s) => s.Resource));
    expect(resourcesFor('sns:SetTopicAttributes')).toMatch(/:goldsmith-test-\*".*:test-goldsmith-\*"/);
    expect(resourcesFor('sqs:SetQueueAttributes')).toMatch(/:goldsmith-test-\*".*:test-goldsmith-\*"/);
    expect(resourcesFor('ssm:GetParametersByPath')).toContain(':parameter/goldsmith/_policies/test"');
    expect(resourcesFor('events:DescribeEventBus')).toMatch(/:event-bus\/goldsmith-test"/);
    // PutPermission names no resource type in IAM: only `*` grants it (the SCP keeps it to this role).
    expect(resourcesFor('events:PutPermission')).toBe('["*"]');
  });
});
