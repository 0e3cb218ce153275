import { buildHashOfExecutionName } from '../../core/promotion/naming.js';
import type { VirtualClock } from '../clock.js';
import type { SeededRandom } from '../fakes/common.js';
import type { Outages } from '../fakes/outages.js';
import { LocalStepFunctions } from '../stepfunctions/engine.js';
import type { AsyncInvoker } from './invoke.js';
import type { Wiring } from './wiring.js';

/** A promotion, from any of its execution names (a resumption adds `-r<n>` and may shorten the readable part). */
function promotionOf(executionName: string): string {
  return buildHashOfExecutionName(executionName) ?? executionName;
}

/**
 * The local cloud's Step Functions: the synthesized state machines on the virtual clock, their tasks invoked as our
 * functions (refused during a `lambda` outage), and the outage bookkeeping of steps that retry, recover, or pause a
 * promotion at the end of their retry horizon.
 */
export function startStepFunctions(options: {
  clock: VirtualClock;
  outages: Outages;
  invoker: AsyncInvoker;
  wiring: Wiring;
  accountId: string;
  region: string;
  seed: number;
  /** Retry jitter's stream (the scenario's seed + 2). */
  random: SeededRandom;
}): LocalStepFunctions {
  const { clock, outages, invoker } = options;
  const pausedSteps = new Map<string, string>();
  const sfn = new LocalStepFunctions({
    clock: {
      now: () => clock.date(),
      sleepUntil: (at, label) => clock.sleepUntil(at, label),
      // An execution runs on its own once StartExecution has answered: work apart from the function that started it.
      // As its child, its Retry backoffs and Waits would mark the starter parked while the starter still writes the
      // ledger, and the clock would move on between the starter's requests as soon as they spanned two turns of the
      // event loop: how many they span differs between a process's first run and the next (caches warm), so the
      // same scenario sent the starter's later requests at another virtual instant.
      track: (work, label) => clock.trackApart(work, label),
      park: (promise) => clock.park(promise),
      schedule: (at, label, fn) => clock.schedule(at, label, fn),
    },
    // In a `lambda` outage Step Functions cannot invoke the task: Lambda.ServiceException, which its Retry waits out.
    invoke: (arn, payload) => {
      const down = outages.fail('lambda', 'invocation');
      return down ? Promise.reject(down) : invoker.invokeSync(arn, payload);
    },
    accountId: options.accountId,
    region: options.region,
    random: options.random,
    tokenSeed: `goldsmith-local-tokens:${options.seed}`,
    onTaskRetry: (key) => outages.defer(key),
    onTaskRecovered: (key) => outages.done(key),
    // A step that outlasted its retry horizon paused the promotion: the work is done when the execution resuming it
    // gets that step through.
    onTaskGaveUp: (key, execution, state) => {
      const promotion = promotionOf(execution.name);
      outages.transfer(key, `paused:${promotion}`);
      if (!pausedSteps.has(promotion)) pausedSteps.set(promotion, state);
    },
    onTaskSucceeded: (execution, state) => {
      const promotion = promotionOf(execution.name);
      if (execution.name === promotion || pausedSteps.get(promotion) !== state) return;
      pausedSteps.delete(promotion);
      outages.done(`paused:${promotion}`);
    },
  });
  for (const machine of options.wiring.stateMachines) sfn.register(machine.arn, machine.definition);
  return sfn;
}
