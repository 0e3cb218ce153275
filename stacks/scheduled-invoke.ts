import { RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { grantQueueSend } from './resource-doors.js';

/**
 * A role EventBridge Scheduler assumes to invoke our functions. Only schedules of Goldsmith's own schedule `group`
 * may assume it: Scheduler assumes the role with the schedule's ARN as `aws:SourceArn`
 * (`arn:aws:scheduler:<region>:<account>:schedule/<group>/<name>`) and this account as `aws:SourceAccount`, the
 * confused-deputy guard the Scheduler guide recommends
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html). A schedule
 * anyone with scheduler:CreateSchedule makes in another group (`default`) cannot use it; creating, updating and
 * deleting schedules in Goldsmith's groups is held by the SCP in docs/security/scp.md.
 */
export function schedulerRole(stack: Stack, id: string, description: string, group: string): iam.Role {
  return new iam.Role(stack, id, {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': scheduleArnPattern(stack, group) },
      },
    }),
    description,
  });
}

/** Every schedule of `group`: `arn:<partition>:scheduler:<region>:<account>:schedule/<group>/*`. */
export function scheduleArnPattern(stack: Stack, group: string): string {
  return stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${group}/*` });
}

/**
 * The schedule group of a stack's fixed schedules, named after the stack (created once per stack). Goldsmith's
 * schedules stay out of the `default` group, where anyone with scheduler:CreateSchedule puts theirs.
 */
export function fixedScheduleGroup(stack: Stack): scheduler.CfnScheduleGroup {
  const found = stack.node.tryFindChild('FixedScheduleGroup');
  if (found instanceof scheduler.CfnScheduleGroup) return found;
  const group = new scheduler.CfnScheduleGroup(stack, 'FixedScheduleGroup', { name: stack.stackName });
  // Deleting a group deletes its schedules: a deploy or a stack removal never does.
  // https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-group-delete.html
  // RetainExceptOnCreate (CDK's RETAIN_ON_UPDATE_OR_DELETE; UpdateReplacePolicy Retain): retained as Retain is, except
  // by the rollback of the operation that created it, which deletes it. The name is fixed: a group a failed deploy
  // kept would make every retry fail ("already exists").
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
  group.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
  return group;
}

/** One function invoked on a schedule with a fixed input. */
export interface ScheduledInvocation {
  /** The function invoked. */
  fn: IFunction;
  /** `rate(…)` or `cron(…)`, evaluated in UTC. */
  expression: string;
  /** The event the function receives (JSON-serialized into the target's `Input`). */
  input: unknown;
  /** The schedule's description. */
  description: string;
  /** The Scheduler role's description. */
  roleDescription: string;
  /** How long and how often Scheduler retries an invocation Lambda refused (throttled, unavailable). */
  retryPolicy: { maximumEventAgeInSeconds: number; maximumRetryAttempts: number };
  /** Where Scheduler sends an invocation whose retries are spent; none: it is dropped (the next run catches up). */
  dlq?: sqs.IQueue;
}

/**
 * A schedule invoking `fn` (`<id>Schedule`), with a Scheduler role of its own (`<id>SchedulerRole`) that may invoke
 * only `fn` and send only to `dlq`. Flexible time window off: the schedules are the system's clock.
 */
export function scheduleInvocation(stack: Stack, id: string, props: ScheduledInvocation): scheduler.CfnSchedule {
  const group = fixedScheduleGroup(stack);
  const role = schedulerRole(stack, `${id}SchedulerRole`, props.roleDescription, stack.stackName);
  props.fn.grantInvoke(role);
  if (props.dlq) grantQueueSend(props.dlq, role);
  const schedule = new scheduler.CfnSchedule(stack, `${id}Schedule`, {
    groupName: stack.stackName,
    description: props.description,
    scheduleExpression: props.expression,
    scheduleExpressionTimezone: 'UTC',
    flexibleTimeWindow: { mode: 'OFF' },
    state: 'ENABLED',
    target: {
      arn: props.fn.functionArn,
      roleArn: role.roleArn,
      input: JSON.stringify(props.input),
      retryPolicy: props.retryPolicy,
      ...(props.dlq ? { deadLetterConfig: { arn: props.dlq.queueArn } } : {}),
    },
  });
  schedule.addDependency(group);
  return schedule;
}
