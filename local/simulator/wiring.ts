import type { BusRule } from '../eventbridge/bus.js';
import type { StatesDefinition } from '../stepfunctions/localize.js';
import { readForwardingRules } from './forwarding-rules.js';
import type { CfnTemplate, TemplateResolver } from './intrinsics.js';
import type { SynthesizedApp } from './synth.js';

/** What the synthesized stacks say about how events reach code: read once, used by the whole local cloud. */
export interface Wiring {
  /** Function ARN (as the templates name it) → handler setting. */
  functions: Map<string, { logicalId: string; handler: string; environment: Record<string, string> }>;
  rules: BusRule[];
  schedules: {
    name: string;
    expression: string;
    timezone: string;
    targetArn: string;
    input: string | undefined;
    enabled: boolean;
  }[];
  /** SNS → Lambda subscriptions (e.g. to AWS's Amazon Linux AMI update topics), with their filter policy's JSON. */
  subscriptions: { topicArn: string; targetArn: string; filterPolicy?: string | undefined }[];
  /** SNS → email subscriptions: who receives which topic's messages, with their filter policy's JSON. */
  mailboxes: { topicArn: string; address: string; filterPolicy?: string | undefined }[];
  stateMachines: { arn: string; definition: StatesDefinition }[];
  tables: { name: string; properties: Record<string, unknown> }[];
  /** CloudWatch alarms and dashboards the stacks define (billed per month; the cost estimate counts them). */
  monitoring: { alarms: number; dashboards: number };
  /** SQS queues (every one a dead-letter queue), with their retention. */
  queues: { name: string; arn: string; retentionSeconds: number }[];
  /** Function ARN → the queue ARN of its asynchronous invocations' on-failure destination. */
  onFailure: Map<string, string>;
}

type Props = Record<string, unknown>;

function resourcesOfType(templates: readonly CfnTemplate[], type: string): [string, Props][] {
  return templates.flatMap((t) =>
    Object.entries(t.Resources ?? {})
      .filter(([, r]) => r.Type === type)
      .map(([id, r]) => [id, r.Properties ?? {}] as [string, Props]),
  );
}

/** Strips a version or alias qualifier: `…:function:name:$LATEST` → `…:function:name`. */
export function unqualifiedFunctionArn(arn: string): string {
  const parts = arn.split(':');
  return parts.length > 7 ? parts.slice(0, 7).join(':') : arn;
}

/** Reads rules, schedules, subscriptions, state machines, tables and functions off the synthesized app. */
export function readWiring(app: SynthesizedApp, resolver: TemplateResolver): Wiring {
  const { templates } = app;
  const functions: Wiring['functions'] = new Map();
  for (const [logicalId, handler] of app.handlers) {
    const props = templates.find((t) => t.Resources?.[logicalId])?.Resources?.[logicalId]?.Properties ?? {};
    const variables = (resolver.resolve((props.Environment as Props | undefined)?.Variables ?? {}) ?? {}) as Record<
      string,
      unknown
    >;
    const environment = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)]));
    functions.set(resolver.arn(logicalId), { logicalId, handler, environment });
  }

  const rules: BusRule[] = resourcesOfType(templates, 'AWS::Events::Rule')
    .filter(([, p]) => p.EventPattern !== undefined && (p.State ?? 'ENABLED') === 'ENABLED')
    .map(([id, p]) => {
      const bus = p.EventBusName === undefined ? 'default' : String(resolver.resolve(p.EventBusName));
      const targets = ((p.Targets ?? []) as Props[]).map((t) =>
        unqualifiedFunctionArn(String(resolver.resolve(t.Arn))),
      );
      return {
        name: id,
        eventBusName: bus.split('/').pop() ?? bus,
        pattern: resolver.resolve(p.EventPattern),
        targets,
      };
    });
  // The rules the stacks make in the other Regions (on each Region's own default bus).
  rules.push(...readForwardingRules(templates, resolver));

  const schedules = resourcesOfType(templates, 'AWS::Scheduler::Schedule').map(([id, p]) => {
    const target = (p.Target ?? {}) as Props;
    return {
      name: id,
      expression: String(resolver.resolve(p.ScheduleExpression)),
      timezone:
        p.ScheduleExpressionTimezone === undefined ? 'UTC' : String(resolver.resolve(p.ScheduleExpressionTimezone)),
      targetArn: unqualifiedFunctionArn(String(resolver.resolve(target.Arn))),
      input: target.Input === undefined ? undefined : String(resolver.resolve(target.Input)),
      enabled: (p.State ?? 'ENABLED') === 'ENABLED',
    };
  });

  const policyOf = (p: Props) =>
    p.FilterPolicy === undefined ? undefined : JSON.stringify(resolver.resolve(p.FilterPolicy));
  const subscriptions = resourcesOfType(templates, 'AWS::SNS::Subscription')
    .filter(([, p]) => p.Protocol === 'lambda')
    .map(([, p]) => ({
      topicArn: String(resolver.resolve(p.TopicArn)),
      targetArn: unqualifiedFunctionArn(String(resolver.resolve(p.Endpoint))),
      filterPolicy: policyOf(p),
    }));
  const mailboxes = resourcesOfType(templates, 'AWS::SNS::Subscription')
    .filter(([, p]) => p.Protocol === 'email' || p.Protocol === 'email-json')
    .map(([, p]) => ({
      topicArn: String(resolver.resolve(p.TopicArn)),
      address: String(resolver.resolve(p.Endpoint)),
      filterPolicy: policyOf(p),
    }));

  const stateMachines = resourcesOfType(templates, 'AWS::StepFunctions::StateMachine').map(([id, p]) => {
    const body =
      p.DefinitionString === undefined ? p.Definition : JSON.parse(String(resolver.resolve(p.DefinitionString)));
    return { arn: resolver.arn(id), definition: resolver.resolve(body) as StatesDefinition };
  });

  const tables = resourcesOfType(templates, 'AWS::DynamoDB::Table').map(([id, p]) => ({
    name: resolver.physicalName(id),
    properties: resolver.resolve(p) as Props,
  }));

  const queues = resourcesOfType(templates, 'AWS::SQS::Queue').map(([id, p]) => ({
    name: resolver.physicalName(id),
    arn: resolver.arn(id),
    retentionSeconds: Number(resolver.resolve(p.MessageRetentionPeriod ?? 345_600)),
  }));
  const onFailure = new Map<string, string>();
  for (const [, p] of resourcesOfType(templates, 'AWS::Lambda::EventInvokeConfig')) {
    const destination = (p.DestinationConfig as Props | undefined)?.OnFailure as Props | undefined;
    if (destination?.Destination === undefined) continue;
    const name = String(resolver.resolve(p.FunctionName));
    const { region, accountId } = resolver.env;
    onFailure.set(
      `arn:aws:lambda:${region}:${accountId}:function:${name}`,
      String(resolver.resolve(destination.Destination)),
    );
  }

  const monitoring = {
    alarms: resourcesOfType(templates, 'AWS::CloudWatch::Alarm').length,
    dashboards: resourcesOfType(templates, 'AWS::CloudWatch::Dashboard').length,
  };
  return {
    functions,
    rules,
    schedules,
    subscriptions,
    mailboxes,
    stateMachines,
    tables,
    monitoring,
    queues,
    onFailure,
  };
}
