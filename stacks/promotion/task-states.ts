import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { RetryPolicy } from '../../core/errors/retry.js';

export { TASK_STATES } from './state-names.js';

/** The Lambda functions behind the task states. */
export interface PromotionTaskFunctions {
  loadImage: IFunction;
  gate: IFunction;
  requestApproval: IFunction;
  soakStart: IFunction;
  soakCheck: IFunction;
  share: IFunction;
  publish: IFunction;
  retire: IFunction;
  recordOutcome: IFunction;
}

/**
 * Every task waits out transient errors (core's one table: throttling, 5xx, unavailable, timeouts, Step Functions'
 * Lambda service errors) with exponential backoff and full jitter over the retry horizon; only permanent errors,
 * or transient ones outlasting the horizon, reach the Catch. States.Timeout is not in the table: an approval's
 * timeout is a decision (expired), never retried.
 */
export function withRetry<T extends sfn.TaskStateBase>(task: T, policy: RetryPolicy): T {
  task.addRetry({
    errors: [...policy.errors],
    interval: Duration.seconds(policy.intervalSeconds),
    backoffRate: policy.backoffRate,
    maxAttempts: policy.maxAttempts,
    maxDelay: Duration.seconds(policy.maxDelaySeconds),
    jitterStrategy: sfn.JitterType.FULL,
  });
  return task;
}

/**
 * A Lambda task whose whole state is the payload (or `payload`, a template over it) and whose result lands at
 * `resultPath`.
 */
export function invoke(
  scope: Construct,
  id: string,
  fn: IFunction,
  resultPath: string,
  policy: RetryPolicy,
  payload?: sfn.TaskInput,
): tasks.LambdaInvoke {
  return withRetry(
    new tasks.LambdaInvoke(scope, id, {
      lambdaFunction: fn,
      ...(payload ? { payload } : {}),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath,
    }),
    policy,
  );
}

/**
 * The state with its attempt's counts from the Context object: `$$.State.RetryCount` (0 on the first attempt) and
 * `$$.Execution.RedriveCount` (0 until a redrive), https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html.
 */
export const STATE_WITH_ATTEMPT = sfn.TaskInput.fromObject({
  state: sfn.JsonPath.objectAt('$'),
  attempt: {
    retryCount: sfn.JsonPath.numberAt('$$.State.RetryCount'),
    redriveCount: sfn.JsonPath.numberAt('$$.Execution.RedriveCount'),
  },
});

/**
 * A task-token wait on one channel (an approval request, a soak): `fn` gets the token, the image, the version, the
 * channel and `fields`, and the state waits until the token is answered or `timeoutSeconds` pass (States.Timeout).
 */
export function tokenTask(
  scope: Construct,
  id: string,
  task: {
    fn: IFunction;
    channel: string;
    fields: Record<string, unknown>;
    timeoutSeconds: number;
    resultPath: string;
  },
  policy: RetryPolicy,
): tasks.LambdaInvoke {
  return withRetry(
    new tasks.LambdaInvoke(scope, id, {
      lambdaFunction: task.fn,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({
        taskToken: sfn.JsonPath.taskToken,
        image: sfn.JsonPath.stringAt('$.image'),
        version: sfn.JsonPath.stringAt('$.version'),
        channel: task.channel,
        ...task.fields,
      }),
      taskTimeout: sfn.Timeout.duration(Duration.seconds(task.timeoutSeconds)),
      retryOnServiceExceptions: false,
      resultPath: task.resultPath,
    }),
    policy,
  );
}
