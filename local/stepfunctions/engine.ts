import { randomUUID } from 'node:crypto';
import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidName,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { StateMachine } from 'aws-local-stepfunctions';
import type { LocalStepFunctionsOptions } from './engine-options.js';
import { isValidExecutionName, type LocalExecution } from './execution.js';
import { type Json, type LocalizedMachine, localizeDefinition, type StatesDefinition } from './localize.js';
import { withRetries } from './task-retries.js';
import { serveTask } from './task-serving.js';
import { type SavedTokens, TaskTokens, TOKEN_PLACEHOLDER } from './tokens.js';
import { validatedCache } from './validated.js';

const VALIDATED = validatedCache();

/** What a saved cloud keeps of Step Functions once no execution runs (LocalStepFunctions.saveState). */
export interface SavedStepFunctions {
  executions: (Omit<LocalExecution, 'startDate' | 'stopDate'> & { startDate: string; stopDate?: string })[];
  transitions: number;
  taskSeq: number;
  tokens: SavedTokens;
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
  private readonly tokens: TaskTokens;
  /** States entered by every execution, Map iterations included: what Step Functions Standard bills. */
  transitions = 0;
  private readonly accountId: string;
  private readonly region: string;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.accountId = options.accountId ?? '123456789012';
    this.region = options.region ?? 'us-east-1';
    this.tokens = new TaskTokens(options.tokenSeed);
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

  /**
   * Every execution with its history, the transitions billed and the task tokens issued, as plain data. Only with
   * no execution running: a running one is JavaScript waiting inside aws-local-stepfunctions, which this cannot
   * write down (the error names it and where its input started it).
   */
  saveState(): SavedStepFunctions {
    const running = [...this.executions.values()].filter((e) => e.status === 'RUNNING');
    if (running.length > 0) {
      throw new Error(
        `${running.length} execution(s) still running (${running.map((e) => e.name).join(', ')}): Step Functions can be saved only when none runs`,
      );
    }
    return {
      executions: [...this.executions.values()].map(({ startDate, stopDate, ...rest }) => ({
        ...rest,
        startDate: startDate.toISOString(),
        ...(stopDate ? { stopDate: stopDate.toISOString() } : {}),
      })),
      transitions: this.transitions,
      taskSeq: this.taskSeq,
      tokens: this.tokens.saveState(),
    };
  }

  /** Takes a saved state into an engine that has started nothing: it lists, describes and names as the saved one. */
  loadState(saved: SavedStepFunctions): void {
    if (this.executions.size > 0) throw new Error('Step Functions loads only into an engine that has started nothing');
    for (const e of saved.executions) {
      const { startDate, stopDate, ...rest } = e;
      this.executions.set(e.executionArn, {
        ...rest,
        startDate: new Date(startDate),
        ...(stopDate ? { stopDate: new Date(stopDate) } : {}),
      });
    }
    this.transitions = saved.transitions;
    this.taskSeq = saved.taskSeq;
    this.tokens.loadState(saved.tokens);
  }

  private async run(machine: LocalizedMachine, execution: LocalExecution): Promise<void> {
    const handlers: Record<string, (input: Json) => Promise<Json>> = {};
    for (const [stateName, task] of Object.entries(machine.tasks)) {
      handlers[stateName] = (input) =>
        withRetries(
          this.options,
          `task:${execution.name}:${stateName}:${++this.taskSeq}`,
          machine.retries[stateName],
          execution,
          stateName,
          () => serveTask(this.options, this.tokens, machine, stateName, task.resource, input),
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

  private taskSeq = 0;
}
