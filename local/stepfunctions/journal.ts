import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/canonical-json.js';
import type { Json } from './localize.js';
import { TaskError } from './tokens.js';

/**
 * What lets a running execution be saved and restored. A running execution is JavaScript waiting inside
 * aws-local-stepfunctions, which cannot be written down; what can is every task handler call it made (its
 * journal) and where each of its branches waits now (its pending calls). A restored engine runs the execution again
 * from its input with handlers that answer from the journal, until every branch reaches its pending call, which
 * then goes on live: the library walks the same path and ends up holding the same state.
 */

/**
 * Which handler call: the state, a digest of its input, and how many calls of that state with that input came first.
 * Map iterations and Parallel branches have different inputs; a loop's repeats, different occurrences. Concurrent
 * branches calling one state with equal inputs are told apart only by the order of their calls, which a replay
 * may change: their journaled outcomes could swap (the promotion's Map runs one channel at a time, which never does).
 */
export interface CallKey {
  state: string;
  digest: string;
  occurrence: number;
}

/** A finished handler call: its output, or the error its Catch (or the execution) saw. */
export interface JournalEntry extends CallKey {
  output?: Json;
  error?: { name: string; message: string };
}

/** Where a call waits at a quiescent instant: a Wait, a token task's answer, or a Retry backoff. */
export type CallPhase =
  | { kind: 'wait'; at: string }
  | { kind: 'token'; token: string; deadline?: string; message?: string }
  | { kind: 'backoff'; wake: string };

/** A call's Retry progress: attempts used per retrier (by its index in the Retry list), and whether it retried. */
export interface RetryProgress {
  counts: number[];
  retried: boolean;
}

/** A call in flight: its key, the key the onTask* callbacks know it by, its Retry progress and where it waits. */
export interface LiveCall extends CallKey, RetryProgress {
  callbackKey: string;
  /** When the state was entered (the context's State.EnteredTime); absent in a save written before it was kept. */
  enteredTime?: string;
  /** Undefined while the call works (a Lambda invoke): not a quiescent instant. */
  phase?: CallPhase;
}

export type PendingCall = LiveCall & { phase: CallPhase };

/** A running execution as saved: its journal, its pending calls, and the StateEntered events it produced so far. */
export interface SavedRun {
  executionArn: string;
  entered: number;
  journal: JournalEntry[];
  pending: PendingCall[];
}

const keyText = (key: CallKey): string => `${key.state}\u0000${key.digest}\u0000${key.occurrence}`;

/** The record of one execution's handler calls, in the engine while it runs. */
export class ExecutionJournal {
  readonly entries: JournalEntry[];
  readonly inFlight = new Set<LiveCall>();
  /** StateEntered events of this execution so far, Map iterations included. */
  entered = 0;
  private readonly occurrences = new Map<string, number>();

  /** `saved`: a restored execution's journal, which its replayed calls use and its live calls go on from. */
  constructor(saved: readonly JournalEntry[] = []) {
    this.entries = [...saved];
  }

  /** The key of the call about to start (each call of a state with the same input counts one occurrence up). */
  next(state: string, input: Json): CallKey {
    const digest = createHash('sha256').update(canonicalJson(input)).digest('base64url').slice(0, 16);
    const pair = `${state}\u0000${digest}`;
    const occurrence = this.occurrences.get(pair) ?? 0;
    this.occurrences.set(pair, occurrence + 1);
    return { state, digest, occurrence };
  }

  record(key: CallKey, outcome: { output: Json } | { error: unknown }): void {
    const { state, digest, occurrence } = key;
    if ('output' in outcome) {
      this.entries.push({
        state,
        digest,
        occurrence,
        ...(outcome.output === undefined ? {} : { output: outcome.output }),
      });
      return;
    }
    const error = outcome.error as { name?: unknown; message?: unknown } | null;
    this.entries.push({
      state,
      digest,
      occurrence,
      error: {
        name: typeof error?.name === 'string' ? error.name : 'Error',
        message: typeof error?.message === 'string' ? error.message : String(outcome.error),
      },
    });
  }
}

/** What a restored execution's handler call gets: a journaled outcome, its pending call to resume, or nothing. */
export type Replayed = { entry: JournalEntry } | { pending: PendingCall } | undefined;

/**
 * A restored execution on its way back to where it was saved. Each handler call is answered from the journal or
 * resumes its pending call; a call that is neither (the path diverged) fails the restore, as does the execution
 * ending first. `done` settles once every entry was used and every pending call resumed.
 */
export class Restore {
  readonly done: Promise<void>;
  private readonly entries = new Map<string, JournalEntry>();
  private readonly pending = new Map<string, PendingCall>();
  private settle: { resolve(): void; reject(error: Error): void } = {
    resolve: () => undefined,
    reject: () => undefined,
  };
  private failed = false;

  constructor(
    private readonly executionName: string,
    saved: SavedRun,
  ) {
    for (const entry of saved.journal) this.entries.set(keyText(entry), entry);
    for (const call of saved.pending) this.pending.set(keyText(call), call);
    this.done = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.check();
  }

  /** Whether calls are still answered from the journal (or the restore failed): nothing may go live yet. */
  get replaying(): boolean {
    return this.failed || this.entries.size > 0 || this.pending.size > 0;
  }

  /** The journaled outcome or the pending call for `key`; undefined once the restore is done (the call is live). */
  take(key: CallKey): Replayed {
    if (this.failed || !this.replaying) return undefined;
    const text = keyText(key);
    const entry = this.entries.get(text);
    if (entry) {
      this.entries.delete(text);
      this.check();
      return { entry };
    }
    const pending = this.pending.get(text);
    if (pending) {
      this.pending.delete(text);
      this.check();
      return { pending };
    }
    this.fail(
      `execution ${this.executionName} diverged from its journal at state ${key.state}: its call #${key.occurrence + 1} with this input was neither journaled nor pending when saved`,
    );
    return undefined;
  }

  /** The execution ended: a restore not yet done diverged. */
  ended(status: string): void {
    if (this.replaying && !this.failed) {
      this.fail(`execution ${this.executionName} ended (${status}) before it was back where it was saved`);
    }
  }

  /**
   * The replay went quiet (it runs on promises alone, so one turn of the event loop ends it): a restore not yet done
   * never made some journaled call or never reached a pending one, and fails naming them.
   */
  quiet(): void {
    if (!this.replaying || this.failed) return;
    const states = [...new Set([...this.entries.values(), ...this.pending.values()].map((c) => c.state))];
    this.fail(
      `execution ${this.executionName} stopped short of where it was saved: ${this.entries.size} journaled and ${this.pending.size} pending call(s) never made (${states.join(', ')})`,
    );
  }

  fail(message: string): void {
    if (this.failed) return;
    this.failed = true;
    this.settle.reject(new Error(`Step Functions restore failed: ${message}`));
  }

  private check(): void {
    if (!this.replaying) this.settle.resolve();
  }
}

/** A journaled outcome as the library saw it: the output, or an error of the same name and message. */
export function replayOutcome(entry: JournalEntry): Promise<Json> {
  if (entry.error) return Promise.reject(new TaskError(entry.error.name, entry.error.message));
  return Promise.resolve(entry.output as Json);
}
