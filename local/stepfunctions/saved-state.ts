import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/canonical-json.js';
import type { LocalExecution } from './execution.js';
import type { ExecutionJournal, PendingCall, Restore, SavedRun } from './journal.js';
import type { LocalizedMachine, StatesDefinition } from './localize.js';
import type { SavedTokens } from './tokens.js';

/** What a saved cloud keeps of Step Functions (LocalStepFunctions.saveState): plain JSON. */
export interface SavedStepFunctions {
  executions: (Omit<LocalExecution, 'startDate' | 'stopDate'> & { startDate: string; stopDate?: string })[];
  transitions: number;
  taskSeq: number;
  tokens: SavedTokens;
  /** Each running execution's journal and pending calls, which a loaded engine runs it back to. */
  running: SavedRun[];
  /**
   * The definitions the running executions started on, by digest, and which one each runs (by execution ARN): a
   * running execution keeps its definition when its machine's is updated. Absent in a save written before they were
   * kept (release 0.2.0): its executions go on with the definitions the loader is given, else the registered ones.
   */
  definitions?: Record<string, StatesDefinition>;
  runningOn?: Record<string, string>;
}

/** What loading put back: the running executions, and how many of them run on another definition than their
 * machine's current one (a deploy changed it since they started). */
export interface RestoredDefinitions {
  running: number;
  onEarlierDefinition: number;
}

/** A definition's identity: the SHA-256 of its canonical JSON. */
export const definitionDigest = (definition: StatesDefinition): string =>
  createHash('sha256').update(canonicalJson(definition)).digest('hex').slice(0, 32);

/** The definitions the running executions `running` started on (`definitionOf` an execution ARN), as saved. */
export function savedDefinitions(
  running: readonly SavedRun[],
  definitionOf: (executionArn: string) => StatesDefinition | undefined,
): Pick<SavedStepFunctions, 'definitions' | 'runningOn'> {
  const definitions: Record<string, StatesDefinition> = {};
  const runningOn: Record<string, string> = {};
  for (const { executionArn } of running) {
    const definition = definitionOf(executionArn);
    if (definition === undefined) continue;
    const digest = definitionDigest(definition);
    definitions[digest] = definition;
    runningOn[executionArn] = digest;
  }
  return { definitions, runningOn };
}

/** A running execution being restored: what was saved of it, and the restore that replays it. */
export interface Restoring {
  run: SavedRun;
  restore: Restore;
}

/** A running execution as saved: refused while one of its calls is at work (not a quiescent instant). */
export function savedRun(execution: LocalExecution, journal: ExecutionJournal): SavedRun {
  const pending: PendingCall[] = [];
  for (const call of journal.inFlight) {
    const { phase } = call;
    if (!phase) {
      throw new Error(
        `execution ${execution.name} is at work in state ${call.state} (an invoke in flight): Step Functions saves only at a quiescent instant`,
      );
    }
    pending.push({ ...call, counts: [...call.counts], phase: { ...phase } });
  }
  if (pending.length === 0) {
    throw new Error(
      `execution ${execution.name} runs but waits in no task: Step Functions saves only at a quiescent instant`,
    );
  }
  // A copy: outputs are the library's objects, which later states may still change.
  const entries = JSON.parse(JSON.stringify(journal.entries)) as SavedRun['journal'];
  return { executionArn: execution.executionArn, entered: journal.entered, journal: entries, pending };
}

/**
 * The running executions of `saved` with the machines they run on (`machineOf` each, from its run and its state
 * machine's ARN), checked before anything is loaded: each has its saved run and a machine, and each token it waits
 * on was saved open for it.
 */
export function restorable(
  saved: SavedStepFunctions,
  machineOf: (run: SavedRun, stateMachineArn: string) => LocalizedMachine | undefined,
): { run: SavedRun; machine: LocalizedMachine; machineArn: string }[] {
  const runs = new Map(saved.running.map((r) => [r.executionArn, r]));
  const open = new Map(saved.tokens.open);
  const restored: { run: SavedRun; machine: LocalizedMachine; machineArn: string }[] = [];
  for (const e of saved.executions) {
    if (e.status !== 'RUNNING') continue;
    const run = runs.get(e.executionArn);
    if (!run) throw new Error(`execution ${e.name} was saved running without its journal`);
    const machine = machineOf(run, e.stateMachineArn);
    if (!machine) throw new Error(`execution ${e.name} runs ${e.stateMachineArn}, which is not registered`);
    for (const call of run.pending) {
      if (call.phase.kind === 'token' && open.get(call.phase.token) !== e.executionArn) {
        throw new Error(`execution ${e.name} waits in state ${call.state} on a task token not saved open for it`);
      }
    }
    restored.push({ run, machine, machineArn: e.stateMachineArn });
  }
  return restored;
}
