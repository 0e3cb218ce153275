import { randomUUID } from 'node:crypto';
import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidName,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import type { LocalStepFunctionsOptions } from './engine-options.js';
import { isValidExecutionName, type LocalExecution } from './execution.js';
import { type RunContext, runExecution } from './execution-run.js';
import { type ExecutionJournal, Restore, type SavedRun } from './journal.js';
import type { LocalizedMachine, StatesDefinition } from './localize.js';
import { MachineDefinitions } from './machines.js';
import {
  type RestoredDefinitions,
  type Restoring,
  restorable,
  type SavedStepFunctions,
  savedDefinitions,
  savedRun,
} from './saved-state.js';
import { TaskTokens } from './tokens.js';

export type { RestoredDefinitions, SavedStepFunctions } from './saved-state.js';

/**
 * Step Functions on the local cloud: runs the synthesized ASL with aws-local-stepfunctions, every Task served
 * in process, Waits and task-token timeouts on the virtual clock, and the API's documented idempotency and errors.
 */
export class LocalStepFunctions {
  private readonly machines = new MachineDefinitions();
  private readonly executions = new Map<string, LocalExecution>();
  private readonly running = new Set<Promise<void>>();
  private readonly tokens: TaskTokens;
  /** Each running execution's handler calls (what a save writes down), and the restores not yet back in place. */
  private readonly journals = new Map<string, ExecutionJournal>();
  private readonly restores = new Map<string, Restore>();
  private readonly counters = { transitions: 0, taskSeq: 0 };
  private readonly accountId: string;
  private readonly region: string;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.accountId = options.accountId ?? '123456789012';
    this.region = options.region ?? 'us-east-1';
    this.tokens = new TaskTokens(options.tokenSeed);
  }

  /** States entered by every execution, Map iterations included: what Step Functions Standard bills. */
  get transitions(): number {
    return this.counters.transitions;
  }

  /**
   * Registers a state machine definition under its ARN; registering another one later is UpdateStateMachine: new
   * executions start on it, running ones keep theirs (machines.ts).
   */
  register(stateMachineArn: string, definition: StatesDefinition): void {
    this.machines.register(stateMachineArn, definition);
  }

  /** StartExecution: same name + same input while open → the same execution; otherwise ExecutionAlreadyExists. */
  startExecution(input: { stateMachineArn?: string; name?: string; input?: string }): {
    executionArn: string;
    startDate: Date;
  } {
    const machineArn = input.stateMachineArn ?? '';
    if (!this.machines.currentMachine(machineArn)) {
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
    const machine = this.machines.start(executionArn, machineArn);
    if (!machine) throw new Error(`no definition for ${machineArn}`);
    this.executions.set(executionArn, execution);
    this.launch(machine, execution);
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
   * Every execution with its history, the transitions billed and the task tokens issued, as plain data; a running
   * execution with its journal and where each of its branches waits (journal.ts). Only at a quiescent instant: an
   * execution whose task is at work (a Lambda invoke in flight) or that is still being restored is refused by name.
   */
  saveState(): SavedStepFunctions {
    const running: SavedRun[] = [];
    for (const execution of this.executions.values()) {
      if (execution.status !== 'RUNNING') continue;
      const journal = this.journals.get(execution.executionArn);
      if (!journal || this.restores.get(execution.executionArn)?.replaying) {
        throw new Error(`execution ${execution.name} is still being restored: Step Functions cannot be saved yet`);
      }
      running.push(savedRun(execution, journal));
    }
    return {
      executions: [...this.executions.values()].map(({ startDate, stopDate, ...rest }) => ({
        ...rest,
        startDate: startDate.toISOString(),
        ...(stopDate ? { stopDate: stopDate.toISOString() } : {}),
      })),
      transitions: this.counters.transitions,
      taskSeq: this.counters.taskSeq,
      tokens: this.tokens.saveState(),
      running,
      ...savedDefinitions(running, (arn) => this.machines.definitionOf(arn)),
    };
  }

  /**
   * Takes a saved state into an engine that has started nothing, with the same machines registered and its clock at
   * the saved instant: it lists, describes and names as the saved one, and every running execution runs again from
   * its input with handlers answering from its journal (no invoke, sleep, callback, history entry, random draw,
   * token or transition) until each branch is back at its pending call, which goes on live. Resolves then; rejects,
   * naming execution and state, when a restored execution left its journal's path (discard the engine then).
   */
  loadState(
    saved: SavedStepFunctions,
    earlier: ReadonlyMap<string, StatesDefinition> = new Map(),
  ): Promise<RestoredDefinitions> {
    if (this.executions.size > 0) throw new Error('Step Functions loads only into an engine that has started nothing');
    // Each running execution goes on with the definition it started on: the one its save recorded; for a save that
    // recorded none, the one `earlier` names for its machine (the deployment it was saved under); else the current.
    const restored = restorable(saved, (run, machineArn) => {
      const recorded = saved.runningOn?.[run.executionArn];
      const definition =
        (recorded === undefined ? undefined : saved.definitions?.[recorded]) ?? earlier.get(machineArn);
      return this.machines.start(run.executionArn, machineArn, definition);
    });
    const onEarlier = restored.filter(({ run, machineArn }) =>
      this.machines.onEarlierDefinition(run.executionArn, machineArn),
    ).length;
    for (const e of saved.executions) {
      const { startDate, stopDate, ...rest } = e;
      this.executions.set(e.executionArn, {
        ...rest,
        startDate: new Date(startDate),
        ...(stopDate ? { stopDate: new Date(stopDate) } : {}),
      });
    }
    this.counters.transitions = saved.transitions;
    this.counters.taskSeq = saved.taskSeq;
    this.tokens.loadState(saved.tokens);
    const restores: Restore[] = [];
    for (const { run, machine } of restored) {
      const execution = this.describeExecution(run.executionArn);
      const restore = new Restore(execution.name, run);
      this.restores.set(execution.executionArn, restore);
      restores.push(restore);
      this.launch(machine, execution, { restore, run });
    }
    // The replay runs on promises alone: one turn of the event loop later it is over, its StateEntered events
    // counted, and a restore not back in place stopped short.
    const done = Promise.all(restores.map((r) => r.done));
    done.catch(() => undefined);
    const figures: RestoredDefinitions = { running: restored.length, onEarlierDefinition: onEarlier };
    return new Promise<RestoredDefinitions>((resolve, reject) => {
      setImmediate(() => {
        for (const restore of restores) restore.quiet();
        done.then(() => resolve(figures), reject);
      });
    });
  }

  private launch(machine: LocalizedMachine, execution: LocalExecution, restoring?: Restoring): void {
    const sm = this.machines.runner(machine);
    if (!sm) throw new Error(`no runner for ${execution.stateMachineArn}`);
    const ctx: RunContext = {
      options: this.options,
      tokens: this.tokens,
      accountId: this.accountId,
      counters: this.counters,
      journals: this.journals,
    };
    const go = () => runExecution(ctx, sm, machine, execution, restoring);
    const clock = this.options.clock;
    const started = clock.track ? clock.track(go, `execution ${execution.name}`) : go();
    const run = started.finally(() => this.running.delete(run));
    this.running.add(run);
  }
}
