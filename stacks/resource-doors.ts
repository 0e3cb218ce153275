import { createHash } from 'node:crypto';
import { Aws, Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { recordExpectedPolicy } from './expected-policies.js';

/**
 * Resource policies that name who may write, by identity. A same-account principal holding `sqs:*`, `sns:*` or
 * `dynamodb:*` on `*` is allowed by its own identity policy, so only an explicit deny in the resource's policy stops
 * it (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html). Each door's deny
 * admits the roles Goldsmith registered as its writers by `aws:PrincipalArn`, which the caller cannot set (unlike
 * `aws:PrincipalTag`, which `sts:TagSession` sets), and AWS services by the `aws:SourceArn` of Goldsmith's own rule,
 * topic or alarm (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
 *
 * Writers are registered while the stacks are built and read when the template is written (a `Lazy` value), so a
 * door in an early stack (the ledger) names roles of later stacks by their fixed names, with no cross-stack reference.
 */

/** IAM role names are at most 64 characters (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html). */
const ROLE_NAME_MAX = 64;

/**
 * Gives `role` a fixed name (`<stack name>-<construct id>`, hashed down to 64 characters when longer) and answers its
 * ARN as a string that needs no cross-stack reference: `aws:PrincipalArn` of a role session is this ARN.
 */
export function namedRoleArn(role: iam.IRole): string {
  const cfn = role.node.defaultChild;
  if (!(cfn instanceof iam.CfnRole)) throw new Error(`${role.node.path}: only a role the stacks create can be named`);
  const stack = Stack.of(role);
  // The L2 role leaves its name as a token that resolves to nothing when no name was asked for.
  if (stack.resolve(cfn.roleName) === undefined) {
    const ids = role.node.scopes
      .slice(role.node.scopes.indexOf(stack) + 1)
      .map((s) => s.node.id)
      .filter((id) => id !== 'ServiceRole' && id !== 'Resource');
    const full = `${stack.stackName}-${ids.join('-')}`.replace(/[^\w+=,.@-]/g, '-');
    cfn.roleName =
      full.length <= ROLE_NAME_MAX
        ? full
        : `${full.slice(0, ROLE_NAME_MAX - 9)}-${createHash('sha256').update(full).digest('hex').slice(0, 8)}`;
  }
  return `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${cfn.roleName}`;
}

type Registry = Map<string, { roles: Set<string>; sources: Set<string> }>;
const registries = new WeakMap<IConstruct, Registry>();

function entry(scope: IConstruct, door: string) {
  const root = scope.node.root;
  let registry = registries.get(root);
  if (!registry) {
    registry = new Map();
    registries.set(root, registry);
  }
  let found = registry.get(door);
  if (!found) {
    found = { roles: new Set(), sources: new Set() };
    registry.set(door, found);
  }
  return found;
}

/** Registers `role` as a writer through `door` (a queue's path, `topic:<name>`, `ledger`). */
export function admitRole(scope: IConstruct, door: string, role: iam.IRole | undefined): void {
  if (!role) throw new Error(`${scope.node.path}: a writer through ${door} needs a role`);
  entry(scope, door).roles.add(namedRoleArn(role));
}

/** The roles registered through `door` so far, sorted (read it lazily: later stacks register theirs). */
export function admittedRoles(scope: IConstruct, door: string): string[] {
  return [...entry(scope, door).roles].sort();
}

/** Registers a principal the stacks do not create (a service-linked role) as a writer through `door`, by ARN. */
export function admitPrincipalArn(scope: IConstruct, door: string, principalArn: string): void {
  entry(scope, door).roles.add(principalArn);
}

/** Registers an AWS service's deliveries on behalf of `sourceArn` (a rule, an alarm, a topic) through `door`. */
export function admitSource(scope: IConstruct, door: string, sourceArn: string): void {
  entry(scope, door).sources.add(sourceArn);
}

/**
 * The explicit deny of `door`: `actions` on `resource` by anyone but the registered roles and sources. Both keys
 * sit under one negated operator, so the deny applies only when neither matches; a key absent from the request
 * (a service has no `aws:PrincipalArn`, a role's own call no `aws:SourceArn`) matches a negated operator
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
 */
export function writersOnly(
  scope: IConstruct,
  door: string,
  props: { sid: string; actions: string[]; resource: string; extraSources?: () => string[] },
): iam.PolicyStatement {
  const writers = entry(scope, door);
  return new iam.PolicyStatement({
    sid: props.sid,
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: props.actions,
    resources: [props.resource],
    conditions: {
      ArnNotLike: Lazy.any({
        produce: () => {
          const roles = [...writers.roles].sort();
          // No writer in this app (a stack synthesized without the functions that write): the deny holds for everyone.
          if (roles.length === 0) return undefined;
          const sources = [...writers.sources, ...(props.extraSources?.() ?? [])];
          return {
            'aws:PrincipalArn': roles,
            ...(sources.length > 0 ? { 'aws:SourceArn': sources } : {}),
          };
        },
      }),
    },
  });
}

/** The door of a queue: its construct path. */
export function queueDoor(queue: sqs.IQueue): string {
  return `queue:${queue.node.path}`;
}

/** Lets `role` send to `queue` and admits it through the queue's policy. */
export function grantQueueSend(queue: sqs.IQueue, role: iam.IRole): void {
  queue.grantSendMessages(role);
  admitRole(queue, queueDoor(queue), role);
}

/** The `aws:SourceArn` values the queue's own Allow statements name (CDK adds one per rule dead-lettering here). */
function allowedSources(queue: sqs.Queue): string[] {
  const policy = queue.node.tryFindChild('Policy');
  const json = (policy instanceof sqs.QueuePolicy ? policy.document.toJSON() : {}) as {
    Statement?: Record<string, unknown>[];
  };
  return (json.Statement ?? []).flatMap((s) => {
    if (s.Effect !== 'Allow') return [];
    const condition = (s.Condition ?? {}) as Record<string, Record<string, unknown>>;
    const arn = condition.ArnEquals?.['aws:SourceArn'] ?? condition.ArnLike?.['aws:SourceArn'];
    return arn === undefined ? [] : Array.isArray(arn) ? (arn as string[]) : [arn as string];
  });
}

/**
 * The dead-letter queue's door: sqs:SendMessage only by the roles registered with `grantQueueSend` (Lambda's
 * on-failure destination and a schedule's dead-letter queue send with the function's or the schedule's role:
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html,
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html) and by EventBridge for the
 * rules the queue's own statements name (`aws:SourceArn` of the rule:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
 */
export function sendOnlyByWriters(queue: sqs.Queue): void {
  queue.addToResourcePolicy(
    writersOnly(queue, queueDoor(queue), {
      sid: 'SendOnlyByGoldsmith',
      actions: ['sqs:SendMessage'],
      resource: queue.queueArn,
      extraSources: () => allowedSources(queue),
    }),
  );
  recordExpectedPolicy(queue);
}

/** Goldsmith's topics, each a door of its own. */
export type TopicDoor = 'notifications' | 'approval-links' | 'image-builder';

/** Lets `fn` publish to `topic` and admits its role through the topic's policy. */
export function grantTopicPublish(door: TopicDoor, topic: sns.ITopic, fn: iam.IGrantable & IConstruct): void {
  topic.grantPublish(fn);
  const role = (fn as { role?: iam.IRole }).role;
  admitRole(fn, `topic:${door}`, role);
}

/**
 * Admits CloudWatch's deliveries for the alarms `stack` creates: CloudFormation names an alarm without an explicit
 * name `<stack name>-<logical id>-<suffix>`, and CloudWatch publishes as `cloudwatch.amazonaws.com` with the alarm's
 * ARN as `aws:SourceArn` (https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html).
 */
export function admitAlarms(stack: Stack, door: TopicDoor): void {
  admitSource(
    stack,
    `topic:${door}`,
    `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${stack.stackName}-*`,
  );
}

/** A topic's door: sns:Publish only by the registered roles and sources. */
export function publishOnlyByWriters(door: TopicDoor, topic: sns.Topic): void {
  topic.addToResourcePolicy(
    writersOnly(topic, `topic:${door}`, {
      sid: 'PublishOnlyByGoldsmith',
      actions: ['sns:Publish'],
      resource: topic.topicArn,
    }),
  );
  recordExpectedPolicy(topic);
}

/**
 * Who may manage a topic's subscriptions: the CloudFormation execution role of the CDK bootstrap, through which the
 * stacks create the catalog's email subscriptions (`cdk-<qualifier>-cfn-exec-role-<account>-<region>`).
 */
export function subscriptionManagers(): string[] {
  return [`arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/cdk-*-cfn-exec-role-*`];
}

/**
 * A topic's subscriptions are managed only by the deployment: anyone else holding sns:* could otherwise subscribe
 * an address of their own (or change a subscription's filter policy) and receive every message, every approver's
 * signed links among them.
 */
export function subscriptionsOnlyByDeployment(topic: sns.Topic, managers: readonly string[] = subscriptionManagers()) {
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'SubscriptionsOnlyByDeployment',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['sns:Subscribe', 'sns:SetSubscriptionAttributes', 'sns:Unsubscribe'],
      resources: [topic.topicArn],
      conditions: { ArnNotLike: { 'aws:PrincipalArn': [...managers] } },
    }),
  );
}
