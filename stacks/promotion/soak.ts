import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { RetryPolicy } from '../../core/errors/retry.js';
import type { PromotionPlan } from '../../core/promotion/types.js';
import { soakStateName, soakTimes } from './state-names.js';
import { invoke, type PromotionTaskFunctions, TASK_STATES, tokenTask } from './task-states.js';

export { soakStateName, soakTimes } from './state-names.js';

/**
 * The soaks: per soaking channel, a Soak task-token state (its timeout is the soak, caught into SoakCheck; an early
 * answer goes to SoakCheck too), then Share. A catalog without soaks has none of these states (an unreachable state
 * makes a definition invalid): the chain goes straight to Share.
 */
export function soakStates(
  scope: Construct,
  fns: PromotionTaskFunctions,
  plans: readonly PromotionPlan[],
  retry: RetryPolicy,
  next: { share: sfn.IChainable; onFailure: (task: sfn.TaskStateBase) => sfn.TaskStateBase },
): sfn.IChainable {
  const soaking = soakTimes(plans);
  if (soaking.size === 0) return next.share;
  const soakCheck = next.onFailure(invoke(scope, TASK_STATES.soakCheck, fns.soakCheck, '$.soak', retry));
  soakCheck.next(next.share);
  // A resumed promotion whose paused execution already finished this channel's soak goes on to SoakCheck: the soak
  // is not started again (Gate says so, from the soak the ledger records).
  const choice = new sfn.Choice(scope, 'Soaks?')
    .when(sfn.Condition.isPresent('$.gate.soakEnded'), soakCheck)
    .otherwise(next.share);
  for (const [channel, seconds] of soaking) {
    const soak = tokenTask(
      scope,
      soakStateName(channel),
      {
        fn: fns.soakStart,
        channel,
        // Only which build: the soak's length is the catalog's (functions/promotion/soak-start.ts).
        fields: {},
        timeoutSeconds: seconds,
        resultPath: '$.soakEnded',
      },
      retry,
    );
    // The timeout is the soak elapsing: not a failure, the normal way on to SoakCheck.
    soak.addCatch(soakCheck, { errors: ['States.Timeout'], resultPath: '$.soakEnded' });
    next.onFailure(soak);
    soak.next(soakCheck);
    choice.when(sfn.Condition.stringEquals('$.channel.name', channel), soak);
  }
  return choice;
}
