import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { type RetryPolicy, retryPolicy } from '../../core/errors/retry.js';
import { POINTER_NOT_TAKEN, POINTER_RETRY } from '../../core/promotion/pointer-taken.js';
import type { PromotionPlan } from '../../core/promotion/types.js';
import { soakStates } from './soak.js';
import { approvalStateName } from './state-names.js';
import { invoke, type PromotionTaskFunctions, STATE_WITH_ATTEMPT, TASK_STATES, tokenTask } from './task-states.js';

export { soakStateName, soakTimes } from './soak.js';
export { approvalStateName, TASK_STATES } from './state-names.js';
export type { PromotionTaskFunctions } from './task-states.js';

/**
 * The promotion state machine, in one reviewable place.
 *
 *   LoadImage → Promote channels (Map, one channel at a time, in catalog order):
 *       Gate → [RequestApproval <channel>] → [Soak <channel> (task token; timeout = the soak) → SoakCheck] → Share → Publish
 *       (a resumed promotion's Gate carries over an approval, and a soak, its paused execution already finished)
 *     → Retire → Done
 *
 * Every task waits out transient errors (backoff over the retry horizon) and catches the rest into RecordOutcome, which records and
 * announces rejected / expired / aborted with the reason. Iterations never fail: a later channel's Gate finds the
 * channel before it not promoted and skips, recording nothing. So the loop stops the same way on AWS and in
 * aws-local-stepfunctions (which keeps running queued Map iterations after one fails), without relying on Map
 * failure semantics. State names are the contract with the local simulator, which overrides each Task by name.
 */

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
  // Publish reads a pointer before writing it only on a retry or a redrive (functions/promotion/pointers.ts).
  const publishTask = invoke(scope, TASK_STATES.publish, fns.publish, '$.publish', retry, STATE_WITH_ATTEMPT);
  const publish = catchInto(publishTask, recordOutcome);
  // A pointer Parameter Store has not taken yet (it validates AMI values after answering): a few attempts, then
  // RecordOutcome pauses the promotion (core/promotion/pointer-taken.ts).
  publish.addRetry({
    errors: [POINTER_NOT_TAKEN],
    interval: Duration.seconds(POINTER_RETRY.intervalSeconds),
    backoffRate: POINTER_RETRY.backoffRate,
    maxAttempts: POINTER_RETRY.maxAttempts,
  });
  share.next(publish);

  const soaks = soakStates(scope, fns, plans, retry, { share, onFailure: (task) => catchInto(task, recordOutcome) });

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
      const request = tokenTask(
        scope,
        approvalStateName(channel),
        {
          fn: fns.requestApproval,
          channel,
          // Only which build: the approvers, the timeout and the findings they decide on come from the catalog and
          // Gate's record in the ledger, never from the payload (functions/promotion/request-approval.ts). The
          // execution lets a retried attempt (a new token) recognize the request its own promotion wrote.
          fields: { execution: sfn.JsonPath.stringAt('$$.Execution.Id') },
          timeoutSeconds: approval.timeoutSeconds,
          resultPath: '$.approval',
        },
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
