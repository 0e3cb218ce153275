import type { StateMachine } from 'aws-local-stepfunctions';
import { attemptContext, resolveParameters } from './attempt-context.js';
import type { LocalStepFunctionsOptions } from './engine-options.js';
import type { LocalExecution } from './execution.js';
import { ExecutionJournal, type LiveCall, type Restore, replayOutcome } from './journal.js';
import type { Json, LocalizedMachine } from './localize.js';
import type { Restoring } from './saved-state.js';
import { withRetries } from './task-retries.js';
import { serveTask } from './task-serving.js';
import { type TaskTokens, TOKEN_PLACEHOLDER } from './tokens.js';

/** What running an execution needs of the engine: its options and tokens, its counters, its journals. */
export interface RunContext {
  readonly options: LocalStepFunctionsOptions;
  readonly tokens: TaskTokens;
  readonly accountId: string;
  /** States entered (what Step Functions Standard bills) and task calls started, engine-wide. */
  readonly counters: { transitions: number; taskSeq: number };
  /** Each running execution's journal, by ARN. */
  readonly journals: Map<string, ExecutionJournal>;
}

/** One task handler call: answered from the journal while restoring, else served live and journaled. */
function handle(
  ctx: RunContext,
  machine: LocalizedMachine,
  execution: LocalExecution,
  journal: ExecutionJournal,
  restore: Restore | undefined,
  stateName: string,
  input: Json,
  context: { [key: string]: Json },
): Promise<Json> {
  const key = journal.next(stateName, input);
  const replayed = restore?.take(key);
  if (replayed && 'entry' in replayed) return replayOutcome(replayed.entry);
  // Diverged: the restore failed (loadState rejects) and this call never goes live.
  if (!replayed && restore?.replaying) return new Promise<Json>(() => undefined);
  const pending = replayed?.pending;
  const call: LiveCall = pending
    ? { ...pending, counts: [...pending.counts], phase: undefined }
    : {
        ...key,
        callbackKey: `task:${execution.name}:${stateName}:${++ctx.counters.taskSeq}`,
        enteredTime: ctx.options.clock.now().toISOString(),
        counts: [],
        retried: false,
      };
  journal.inFlight.add(call);
  const at = { options: ctx.options, tokens: ctx.tokens, execution, call };
  const task = machine.tasks[stateName];
  const resource = task?.resource ?? '';
  // Parameters that read the context's State are resolved for each attempt, RetryCount being the retries so far.
  const attemptInput = (): Json => {
    if (!task?.perAttempt || task.parameters === undefined) return input;
    const enteredTime = call.enteredTime ?? ctx.options.clock.now().toISOString();
    const retryCount = call.counts.reduce((sum, n) => sum + n, 0);
    const state = { name: stateName, enteredTime, retryCount };
    return resolveParameters(task.parameters, input, attemptContext(context, state), stateName);
  };
  return withRetries(
    ctx.options,
    call,
    machine.retries[stateName],
    execution,
    async (resume) => serveTask(at, machine, resource, attemptInput(), resume),
    pending?.phase,
  )
    .then(
      (output) => {
        journal.record(key, { output });
        return output;
      },
      (error: unknown) => {
        journal.record(key, { error });
        throw error;
      },
    )
    .finally(() => journal.inFlight.delete(call));
}

/**
 * Runs an execution through aws-local-stepfunctions to its end, every task served by `handle`, its TimeoutSeconds
 * on the virtual clock (an item taken back when it ends). `restoring`: a saved execution run again from its input,
 * its replayed states not billed a second time.
 */
export async function runExecution(
  ctx: RunContext,
  sm: StateMachine,
  machine: LocalizedMachine,
  execution: LocalExecution,
  restoring?: Restoring,
): Promise<void> {
  const journal = new ExecutionJournal(restoring?.run.journal);
  ctx.journals.set(execution.executionArn, journal);
  const restore = restoring?.restore;
  const context: { [key: string]: Json } = {
    Execution: {
      Id: execution.executionArn,
      Name: execution.name,
      Input: JSON.parse(execution.input) as Json,
      StartTime: execution.startDate.toISOString(),
      RoleArn: `arn:aws:iam::${ctx.accountId}:role/goldsmith-promotion`,
    },
    StateMachine: { Id: execution.stateMachineArn, Name: execution.stateMachineArn.split(':').pop() ?? '' },
    Task: { Token: TOKEN_PLACEHOLDER },
  };
  const handlers: Record<string, (input: Json) => Promise<Json>> = {};
  for (const stateName of Object.keys(machine.tasks)) {
    handlers[stateName] = (input) => handle(ctx, machine, execution, journal, restore, stateName, input, context);
  }
  const retryIntervalOverrides = Object.fromEntries(Object.keys(machine.tasks).map((n) => [n, 0]));
  const { result, abort, eventLogs } = sm.run(JSON.parse(execution.input) as Json, {
    overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides },
    context: context as never,
  });
  // A restored execution enters again the states it entered before it was saved: those were billed already.
  const billed = restoring?.run.entered ?? 0;
  void (async () => {
    for await (const event of eventLogs) {
      if (event.type === 'StateEntered' && ++journal.entered > billed) ctx.counters.transitions++;
    }
  })().catch(() => undefined); // the count is an estimate; the execution itself reports its own failure
  restore?.done.catch(() => abort());
  // TimeoutSeconds counts from the execution's start, so a restored execution's is at the same instant
  // (https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html).
  let timedOut = false;
  let timeout: { cancel(): void } | undefined;
  if (machine.timeoutSeconds !== undefined) {
    const deadline = new Date(execution.startDate.getTime() + machine.timeoutSeconds * 1000);
    const expire = () => {
      if (execution.status !== 'RUNNING') return;
      timedOut = true;
      abort();
    };
    const clock = ctx.options.clock;
    const label = `states execution timeout ${execution.name}`;
    if (clock.schedule) timeout = clock.schedule(deadline, label, expire);
    else void clock.sleepUntil(deadline, label).then(expire);
  }
  try {
    const output = await result;
    execution.status = 'SUCCEEDED';
    execution.output = JSON.stringify(output);
  } catch (error) {
    const cause = (error as { cause?: { name?: string; message?: string } }).cause;
    execution.status = timedOut ? 'TIMED_OUT' : 'FAILED';
    execution.error = timedOut ? 'States.Timeout' : (cause?.name ?? (error as Error).name);
    execution.cause = timedOut
      ? 'The execution reached its TimeoutSeconds'
      : (cause?.message ?? (error as Error).message);
  }
  timeout?.cancel();
  ctx.journals.delete(execution.executionArn);
  restore?.ended(execution.status);
  execution.stopDate = ctx.options.clock.now();
}
