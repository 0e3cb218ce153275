import { randomUUID } from 'node:crypto';
import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidName,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { StateMachine } from 'aws-local-stepfunctions';
import { isValidExecutionName, type LocalExecution } from './execution.js';
import { readPath } from './jsonpath.js';
import {
  type Json,
  LOCAL_WAIT_RESOURCE,
  type LocalizedMachine,
  type LocalRetrier,
  localizeDefinition,
  type StatesDefinition,
} from './localize.js';
import { TaskError, TaskTokens, TOKEN_PLACEHOLDER, withToken } from './tokens.js';
import { validatedCache } from './validated.js';

const VALIDATED = validatedCache();

/** The error name Step Functions matches a Retry/Catch against. */
function errorNameOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string') {
    return (error as { name: string }).name;
  }
  return 'States.TaskFailed';
}

/** ErrorEquals semantics: an exact name, States.ALL (anything), or States.TaskFailed (anything but a timeout). */
function matchesError(errorEquals: readonly string[], name: string): boolean {
  return (
    errorEquals.includes(name) ||
    errorEquals.includes('States.ALL') ||
    (errorEquals.includes('States.TaskFailed') && name !== 'States.Timeout')
  );
}

/** What the engine needs of the virtual clock. */
export interface EngineClock {
  now(): Date;
  sleepUntil(at: Date): Promise<void>;
  /** Runs an execution as work the clock waits for before it advances (the simulator's clock provides it). */
  track?<T>(work: () => Promise<T>, label?: string): Promise<T>;
  /** Runs `fn` at `at` without parking the caller (the simulator's clock provides it). */
  schedule?(at: Date, label: string, fn: () => void): unknown;
  /** Marks the current work as waiting on something outside it (a task token), so the clock may advance. */
  park?<T>(promise: Promise<T>): Promise<T>;
}

export interface LocalStepFunctionsOptions {
  clock: EngineClock;
  /** Invokes a Lambda function in process: what a Task's Resource or FunctionName names. */
  invoke(functionArn: string, payload: unknown): Promise<unknown>;
  accountId?: string;
  region?: string;
  /** Jitter for Retry backoff (the simulator passes its seeded RNG). */
  random?: () => number;
  /** Told when a task attempt fails and will be retried, and when a task that was retried succeeds. */
  onTaskRetry?(key: string, error: unknown): void;
  onTaskRecovered?(key: string): void;
  /** Told when a task's retrier ran out of attempts (its Catch takes the error), and when any task succeeds. */
  onTaskGaveUp?(key: string, execution: LocalExecution, stateName: string): void;
  onTaskSucceeded?(execution: LocalExecution, stateName: string): void;
}

/**
 * Step Functions on the local cloud: runs the synthesized ASL with aws-local-stepfunctions, every Task served
 * in process, Waits and task-token timeouts on the virtual clock, and the API's documented idempotency and errors.
 */
export class LocalStepFunctions {
  private readonly machines = new Map<string, LocalizedMachine>();
  private readonly runners = new Map<LocalizedMachine, StateMachine>();
  private readonly executions = new Map<string, LocalExecution>();
  private readonly running = new Set<Promise<void>>();
  private readonly tokens = new TaskTokens();
  /** States entered by every execution, Map iterations included: what Step Functions Standard bills. */
  transitions = 0;
  private readonly accountId: string;
  private readonly region: string;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.accountId = options.accountId ?? '123456789012';
    this.region = options.region ?? 'us-east-1';
  }

  /** Registers a state machine definition under its ARN. */
  register(stateMachineArn: string, definition: StatesDefinition): void {
    const machine = localizeDefinition(definition);
    // Validate once here (a bad definition fails at registration, as CreateStateMachine would); executions and
    // their Map iterations then skip the validator, which otherwise recompiles its schema every time. A definition
    // that passed before (same validators) is not checked again (validated.ts).
    const validationOptions = { checkPaths: false, checkArn: false };
    VALIDATED.check(machine.definition, validationOptions, () => {
      new StateMachine(machine.definition as never, { validationOptions });
    });
    this.machines.set(stateMachineArn, machine);
    this.runners.set(
      machine,
      new StateMachine(machine.definition as never, { validationOptions: { noValidate: true } }),
    );
  }

  /** StartExecution: same name + same input while open → the same execution; otherwise ExecutionAlreadyExists. */
  startExecution(input: { stateMachineArn?: string; name?: string; input?: string }): {
    executionArn: string;
    startDate: Date;
  } {
    const machineArn = input.stateMachineArn ?? '';
    const machine = this.machines.get(machineArn);
    if (!machine) {
      throw new StateMachineDoesNotExist({ message: `State Machine Does Not Exist: '${machineArn}'`, $metadata: {} });
    }
    const name = input.name ?? randomUUID();
    if (!isValidExecutionName(name)) throw new InvalidName({ message: `Invalid Name: '${name}'`, $metadata: {} });
    const machineName = machineArn.split(':').pop() ?? 'machine';
    const executionArn = `arn:aws:states:${this.region}:${this.accountId}:execution:${machineName}:${name}`;
    const body = input.input ?? '{}';
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === body) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${executionArn}'`, $metadata: {} });
    }
    const execution: LocalExecution = {
      executionArn,
      stateMachineArn: machineArn,
      name,
      input: body,
      status: 'RUNNING',
      startDate: this.options.clock.now(),
    };
    this.executions.set(executionArn, execution);
    const clock = this.options.clock;
    const started = clock.track
      ? clock.track(() => this.run(machine, execution), `execution ${name}`)
      : this.run(machine, execution);
    const run = started.finally(() => this.running.delete(run));
    this.running.add(run);
    return { executionArn, startDate: execution.startDate };
  }

  describeExecution(executionArn: string): LocalExecution {
    const execution = this.executions.get(executionArn);
    if (!execution) {
      throw new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${executionArn}'`, $metadata: {} });
    }
    return execution;
  }

  sendTaskSuccess(taskToken: string, output: string): void {
    this.tokens.succeed(taskToken, output);
  }

  sendTaskFailure(taskToken: string, error?: string, cause?: string): void {
    this.tokens.fail(taskToken, error, cause);
  }

  sendTaskHeartbeat(taskToken: string): void {
    this.tokens.heartbeat(taskToken);
  }

  /** How many executions were started so far. */
  get count(): number {
    return this.executions.size;
  }

  /** All executions so far, oldest first. */
  list(): LocalExecution[] {
    return [...this.executions.values()];
  }

  /** Resolves when no execution is running (for tests; the simulator uses the clock's idle tracking). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async run(machine: LocalizedMachine, execution: LocalExecution): Promise<void> {
    const handlers: Record<string, (input: Json) => Promise<Json>> = {};
    for (const [stateName, task] of Object.entries(machine.tasks)) {
      handlers[stateName] = (input) =>
        this.withRetries(machine.retries[stateName], execution, stateName, () =>
          this.serveTask(machine, stateName, task.resource, input),
        );
    }
    const retryIntervalOverrides = Object.fromEntries(Object.keys(machine.tasks).map((n) => [n, 0]));
    const sm = this.runners.get(machine);
    if (!sm) throw new Error(`no runner for ${execution.stateMachineArn}`);
    const { result, abort, eventLogs } = sm.run(JSON.parse(execution.input) as Json, {
      overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides },
      context: {
        Execution: {
          Id: execution.executionArn,
          Name: execution.name,
          Input: JSON.parse(execution.input),
          StartTime: execution.startDate.toISOString(),
          RoleArn: `arn:aws:iam::${this.accountId}:role/goldsmith-promotion`,
        },
        StateMachine: { Id: execution.stateMachineArn, Name: execution.stateMachineArn.split(':').pop() },
        Task: { Token: TOKEN_PLACEHOLDER },
      } as never,
    });
    void (async () => {
      for await (const event of eventLogs) if (event.type === 'StateEntered') this.transitions++;
    })().catch(() => undefined); // the count is an estimate; the execution itself reports its own failure
    let timedOut = false;
    if (machine.timeoutSeconds !== undefined) {
      const deadline = new Date(execution.startDate.getTime() + machine.timeoutSeconds * 1000);
      const expire = () => {
        if (execution.status !== 'RUNNING') return;
        timedOut = true;
        abort();
      };
      const clock = this.options.clock;
      if (clock.schedule) clock.schedule(deadline, `execution timeout ${execution.name}`, expire);
      else void clock.sleepUntil(deadline).then(expire);
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
    execution.stopDate = this.options.clock.now();
  }

  /**
   * Runs one task state's attempts as Step Functions would: on an error its Retry list matches, wait the retrier's
   * backoff (IntervalSeconds × BackoffRate^n, capped at MaxDelaySeconds, full jitter when asked) on the virtual
   * clock and try again, up to MaxAttempts; each wait is written to the execution's history.
   */
  private async withRetries(
    retriers: readonly LocalRetrier[] | undefined,
    execution: LocalExecution,
    stateName: string,
    attempt: () => Promise<Json>,
  ): Promise<Json> {
    const counts = new Map<LocalRetrier, number>();
    const key = `task:${execution.name}:${stateName}:${++this.taskSeq}`;
    let retried = false;
    for (;;) {
      try {
        const output = await attempt();
        if (retried) this.options.onTaskRecovered?.(key);
        this.options.onTaskSucceeded?.(execution, stateName);
        return output;
      } catch (error) {
        const name = errorNameOf(error);
        const retrier = retriers?.find((r) => matchesError(r.ErrorEquals, name));
        const used = retrier ? (counts.get(retrier) ?? 0) : 0;
        if (!retrier) throw error;
        if (used >= (retrier.MaxAttempts ?? 3)) {
          if (retried) this.options.onTaskGaveUp?.(key, execution, stateName);
          throw error;
        }
        counts.set(retrier, used + 1);
        const base = Math.min(
          (retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY) * 1000,
          (retrier.IntervalSeconds ?? 1) * 1000 * (retrier.BackoffRate ?? 2) ** used,
        );
        const random = this.options.random ?? Math.random;
        const waitMs = Math.floor(retrier.JitterStrategy === 'FULL' ? random() * base : base);
        const now = this.options.clock.now();
        execution.history ??= [];
        execution.history.push({
          at: now.toISOString(),
          state: stateName,
          type: 'TaskRetryScheduled',
          error: name,
          attempt: used + 1,
          waitSeconds: waitMs / 1000,
        });
        retried = true;
        this.options.onTaskRetry?.(key, error);
        await this.options.clock.sleepUntil(new Date(now.getTime() + waitMs));
      }
    }
  }

  private taskSeq = 0;

  private async serveTask(machine: LocalizedMachine, stateName: string, resource: string, input: Json): Promise<Json> {
    if (resource === LOCAL_WAIT_RESOURCE) {
      await this.options.clock.sleepUntil(this.waitUntil(machine, stateName, input));
      return input;
    }
    const token = machine.tokenTasks[stateName];
    if (token) return this.serveTokenTask(stateName, token, input);
    return this.invokeTask(resource, input);
  }

  private waitUntil(machine: LocalizedMachine, stateName: string, input: Json): Date {
    const wait = machine.waits[stateName] ?? {};
    const now = this.options.clock.now().getTime();
    if (wait.seconds !== undefined) return new Date(now + wait.seconds * 1000);
    if (wait.secondsPath !== undefined) {
      const seconds = readPath(input, wait.secondsPath);
      if (typeof seconds !== 'number' || seconds < 0) {
        throw new TaskError('States.Runtime', `${stateName}: ${wait.secondsPath} is not a non-negative number`);
      }
      return new Date(now + seconds * 1000);
    }
    const stamp = wait.timestamp ?? (wait.timestampPath ? readPath(input, wait.timestampPath) : undefined);
    if (typeof stamp !== 'string' || Number.isNaN(Date.parse(stamp))) {
      throw new TaskError('States.Runtime', `${stateName}: no valid Seconds or Timestamp`);
    }
    return new Date(stamp);
  }

  /** lambda:invoke integrations wrap the function's result in `Payload`; a bare function ARN returns it as is. */
  private async invokeTask(resource: string, input: Json): Promise<Json> {
    const integrated = resource.startsWith('arn:aws:states:::lambda:invoke');
    const parameters = input as { FunctionName?: string; Payload?: unknown };
    const functionArn = integrated ? (parameters.FunctionName ?? '') : resource;
    const payload = integrated ? parameters.Payload : input;
    const output = await this.options.invoke(functionArn, payload);
    return (integrated ? { Payload: output, StatusCode: 200, ExecutedVersion: '$LATEST' } : output) as Json;
  }

  private async serveTokenTask(
    stateName: string,
    task: LocalizedMachine['tokenTasks'][string],
    input: Json,
  ): Promise<Json> {
    const { token: taskToken, answer } = this.tokens.issue();
    const timeoutSeconds =
      task.timeoutSeconds ?? (task.timeoutSecondsPath ? Number(readPath(input, task.timeoutSecondsPath)) : undefined);
    const resource = task.resource.replace(/\.waitForTaskToken$/, '');
    await this.invokeTask(resource, withToken(input, taskToken) as Json);
    const clock = this.options.clock;
    const waitForAnswer = () => (clock.park ? clock.park(answer) : answer);
    if (timeoutSeconds === undefined || Number.isNaN(timeoutSeconds)) return (await waitForAnswer()) as Json;
    const deadline = new Date(this.options.clock.now().getTime() + timeoutSeconds * 1000);
    const expire = (): void => this.tokens.expire(taskToken, `${stateName} timed out after ${timeoutSeconds} s`);
    // A scheduled item, not a sleep: a sleep would keep this execution parked after the answer arrives.
    if (clock.schedule) clock.schedule(deadline, `timeout ${stateName}`, expire);
    else void clock.sleepUntil(deadline).then(expire);
    return (await waitForAnswer()) as Json;
  }
}
