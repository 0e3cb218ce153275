import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { type RetryPolicy, retryPolicy } from '../../core/errors/retry.js';
import type { PromotionPlan } from '../../core/promotion/types.js';

/**
 * The promotion state machine, in one reviewable place.
 *
 *   LoadImage → Promote channels (Map, one channel at a time, in catalog order):
 *       Gate → [RequestApproval <channel>] → [Soak <channel> (task token; timeout = the soak) → SoakCheck] → Share → Publish
 *     → Retire → Done
 *
 * Every task waits out transient errors (backoff over the retry horizon) and catches the rest into RecordOutcome, which records and
 * announces rejected / expired / aborted with the reason. Iterations never fail: a later channel's Gate finds the
 * channel before it not promoted and skips, recording nothing. So the loop stops the same way on AWS and in
 * aws-local-stepfunctions (which keeps running queued Map iterations after one fails), without relying on Map
 * failure semantics. State names are the contract with the local simulator, which overrides each Task by name.
 */

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

/** The Task state names (the simulator's override keys); approval tasks are one per approving channel. */
export const TASK_STATES = {
  loadImage: 'LoadImage',
  gate: 'Gate',
  soakCheck: 'SoakCheck',
  share: 'Share',
  publish: 'Publish',
  retire: 'Retire',
  recordOutcome: 'RecordOutcome',
  recordFailure: 'RecordFailure',
} as const;

/** The approval task of a channel: its own state, because TimeoutSeconds comes from that channel's catalog entry. */
export function approvalStateName(channel: string): string {
  return `RequestApproval ${channel}`;
}

/**
 * A channel's soak: a task-token wait, not a Wait state, so it can end early. Its TimeoutSeconds is the channel's
 * soak (https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html: a Task that runs past TimeoutSeconds
 * fails with `States.Timeout`), which is the soak elapsing; an operator's `promote` answers the token
 * (SendTaskSuccess) and ends it at once. Both lead to SoakCheck: ending a soak early never passes a gate. One state
 * per soaking channel, as for approvals, because TimeoutSeconds comes from that channel's catalog entry. Chosen over
 * a polling loop of Waits that reads a "soak ended" mark: no polling transitions, no delay once the operator acts.
 */
export function soakStateName(channel: string): string {
  return `Soak ${channel}`;
}

/**
 * Every task waits out transient errors (core's one table: throttling, 5xx, unavailable, timeouts, Step Functions'
 * Lambda service errors) with exponential backoff and full jitter over the retry horizon; only permanent errors,
 * or transient ones outlasting the horizon, reach the Catch. States.Timeout is not in the table: an approval's
 * timeout is a decision (expired), never retried.
 */
function withRetry<T extends sfn.TaskStateBase>(task: T, policy: RetryPolicy): T {
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

/** A Lambda task whose whole state is the payload and whose result lands at `resultPath`. */
function invoke(
  scope: Construct,
  id: string,
  fn: IFunction,
  resultPath: string,
  policy: RetryPolicy,
): tasks.LambdaInvoke {
  return withRetry(
    new tasks.LambdaInvoke(scope, id, {
      lambdaFunction: fn,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath,
    }),
    policy,
  );
}

/** Soaking channels of the catalog with their soak (the same for every image that uses the channel). */
export function soakTimes(plans: readonly PromotionPlan[]): Map<string, number> {
  const found = new Map<string, number>();
  for (const plan of plans) {
    for (const c of plan.channels) if (c.soakSeconds !== undefined) found.set(c.name, c.soakSeconds);
  }
  return found;
}

/** Approval channels of the catalog with their timeouts (the same for every image that uses the channel). */
export function approvalTimeouts(
  plans: readonly PromotionPlan[],
): Map<string, { approvers: string[]; timeoutSeconds: number }> {
  const found = new Map<string, { approvers: string[]; timeoutSeconds: number }>();
  for (const plan of plans) {
    for (const c of plan.channels) if (c.approval) found.set(c.name, c.approval);
  }
  return found;
}

/**
 * Builds the definition; `plans` supply the approval channels and their TimeoutSeconds, `retry` the tasks' retrier
 * (default: core's policy over a 24-hour horizon).
 */
export function promotionDefinition(
  scope: Construct,
  fns: PromotionTaskFunctions,
  plans: readonly PromotionPlan[],
  retry: RetryPolicy = retryPolicy(),
): sfn.IChainable {
  const catchInto = (task: sfn.TaskStateBase, handler: sfn.IChainable) =>
    task.addCatch(handler, { errors: ['States.ALL'], resultPath: '$.failure' });

  // The end of every failure path inside the loop: record, announce; later channels will skip.
  const channelStopped = new sfn.Succeed(scope, 'Channel stopped', { comment: 'Outcome recorded and announced' });
  const recordOutcome = invoke(scope, TASK_STATES.recordOutcome, fns.recordOutcome, '$.outcome', retry);
  const outcomeNotRecorded = new sfn.Fail(scope, 'Outcome not recorded', { error: 'OutcomeNotRecorded' });
  recordOutcome.addCatch(outcomeNotRecorded, { errors: ['States.ALL'], resultPath: '$.recordFailure' });
  recordOutcome.next(channelStopped);

  const gate = catchInto(invoke(scope, TASK_STATES.gate, fns.gate, '$.gate', retry), recordOutcome);
  const share = catchInto(invoke(scope, TASK_STATES.share, fns.share, '$.share', retry), recordOutcome);
  const publish = catchInto(invoke(scope, TASK_STATES.publish, fns.publish, '$.publish', retry), recordOutcome);
  share.next(publish);

  const soakCheck = catchInto(invoke(scope, TASK_STATES.soakCheck, fns.soakCheck, '$.soak', retry), recordOutcome);
  soakCheck.next(share);
  const soaking = soakTimes(plans);
  const soakChoice = soaking.size > 0 ? new sfn.Choice(scope, 'Soaks?').otherwise(share) : undefined;
  const soaks: sfn.IChainable = soakChoice ?? share;
  for (const [channel, seconds] of soaking) {
    const soak = withRetry(
      new tasks.LambdaInvoke(scope, soakStateName(channel), {
        lambdaFunction: fns.soakStart,
        integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: sfn.TaskInput.fromObject({
          taskToken: sfn.JsonPath.taskToken,
          image: sfn.JsonPath.stringAt('$.image'),
          version: sfn.JsonPath.stringAt('$.version'),
          channel,
          soakSeconds: seconds,
        }),
        taskTimeout: sfn.Timeout.duration(Duration.seconds(seconds)),
        retryOnServiceExceptions: false,
        resultPath: '$.soakEnded',
      }),
      retry,
    );
    // The timeout is the soak elapsing: not a failure, the normal way on to SoakCheck.
    soak.addCatch(soakCheck, { errors: ['States.Timeout'], resultPath: '$.soakEnded' });
    catchInto(soak, recordOutcome);
    soak.next(soakCheck);
    soakChoice?.when(sfn.Condition.stringEquals('$.channel.name', channel), soak);
  }

  const enter = new sfn.Choice(scope, 'Previous channel promoted?').when(
    sfn.Condition.isPresent('$.gate.skipped'),
    new sfn.Succeed(scope, 'Not reached', { comment: 'The channel before was not promoted' }),
  );
  gate.next(enter);

  const approvals = approvalTimeouts(plans);
  if (approvals.size > 0) {
    // A resumed promotion's Gate carries over an approval its paused execution already got: no second request.
    const needsApproval = new sfn.Choice(scope, 'Needs approval?').when(
      sfn.Condition.isPresent('$.gate.approved'),
      soaks,
    );
    for (const [channel, approval] of approvals) {
      const request = withRetry(
        new tasks.LambdaInvoke(scope, approvalStateName(channel), {
          lambdaFunction: fns.requestApproval,
          integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
          payload: sfn.TaskInput.fromObject({
            taskToken: sfn.JsonPath.taskToken,
            image: sfn.JsonPath.stringAt('$.image'),
            version: sfn.JsonPath.stringAt('$.version'),
            channel,
            approvers: approval.approvers,
            timeoutSeconds: approval.timeoutSeconds,
          }),
          taskTimeout: sfn.Timeout.duration(Duration.seconds(approval.timeoutSeconds)),
          retryOnServiceExceptions: false,
          resultPath: '$.approval',
        }),
        retry,
      );
      catchInto(request, recordOutcome);
      request.next(soaks);
      needsApproval.when(sfn.Condition.stringEquals('$.channel.name', channel), request);
    }
    enter.otherwise(needsApproval.otherwise(soaks));
  } else {
    enter.otherwise(soaks);
  }

  const channels = new sfn.Map(scope, 'Promote channels', {
    itemsPath: '$.plan.channels',
    // One at a time, in the order of the plan (catalog order): a channel is entered only after the previous one.
    maxConcurrency: 1,
    itemSelector: {
      'image.$': '$.image',
      'version.$': '$.version',
      'buildVersionArn.$': '$.buildVersionArn',
      'build.$': '$.build',
      'channel.$': '$$.Map.Item.Value',
    },
    resultPath: sfn.JsonPath.DISCARD,
  });
  channels.itemProcessor(gate);

  // Top-level failures (LoadImage, Retire, a loop that broke without recording) are recorded against the plan.
  const failed = new sfn.Fail(scope, 'Promotion failed', { error: 'PromotionFailed' });
  const recordFailure = invoke(scope, TASK_STATES.recordFailure, fns.recordOutcome, '$.outcome', retry);
  recordFailure.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.recordFailure' });
  recordFailure.next(failed);

  const loadImage = catchInto(invoke(scope, TASK_STATES.loadImage, fns.loadImage, '$.build', retry), recordFailure);
  const retire = catchInto(invoke(scope, TASK_STATES.retire, fns.retire, '$.retired', retry), recordFailure);
  channels.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.failure' });

  return loadImage.next(channels).next(retire).next(new sfn.Succeed(scope, 'Done'));
}
