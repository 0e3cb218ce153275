import type { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * A role EventBridge Scheduler assumes to invoke our functions. Only this account's schedules may assume it
 * (`aws:SourceAccount`, the confused-deputy guard the Scheduler guide recommends:
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html).
 */
export function schedulerRole(stack: Stack, id: string, description: string): iam.Role {
  return new iam.Role(stack, id, {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
    description,
  });
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
  const role = schedulerRole(stack, `${id}SchedulerRole`, props.roleDescription);
  props.fn.grantInvoke(role);
  props.dlq?.grantSendMessages(role);
  return new scheduler.CfnSchedule(stack, `${id}Schedule`, {
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
}
