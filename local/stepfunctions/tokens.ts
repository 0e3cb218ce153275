import { createHash, randomUUID } from 'node:crypto';
import { TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';

/** What `$$.Task.Token` resolves to in the context object; each token task replaces it with a fresh token. */
export const TOKEN_PLACEHOLDER = 'goldsmith-local-task-token';

/** An error a state raises, matched by Retry/Catch on its name (`States.Timeout`, `Rejected`, …). */
export class TaskError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** The tokens a saved cloud keeps (TaskTokens.saveState). */
export interface SavedTokens {
  issued: number;
  answered: [token: string, state: 'timed-out' | 'closed'][];
  /** Tokens still waiting for their answer, with the ARN of the execution that waits. */
  open: [token: string, execution: string][];
}

interface PendingToken {
  resolve(output: unknown): void;
  reject(error: Error): void;
  state: 'open' | 'timed-out' | 'closed';
  owner: string;
  /** The answer's promise, for a token loaded open until its restored execution takes it up (`reopen`). */
  answer?: Promise<unknown>;
}

/** Replaces the context-object placeholder wherever `$$.Task.Token` put it. */
export function withToken(value: unknown, token: string): unknown {
  if (value === TOKEN_PLACEHOLDER) return token;
  if (Array.isArray(value)) return value.map((v) => withToken(v, token));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withToken(v, token)]));
  }
  return value;
}

/**
 * The task tokens of waiting `.waitForTaskToken` states, answered by SendTaskSuccess/Failure/Heartbeat with the
 * errors AWS documents: an unknown or answered token is TaskDoesNotExist, an expired one TaskTimedOut.
 */
export class TaskTokens {
  private readonly tokens = new Map<string, PendingToken>();
  private issued = 0;

  /** `seed`: tokens derived from it and their issue order (reproducible runs); none: random, as AWS's are opaque. */
  constructor(private readonly seed?: string) {}

  /** Issues a token for the execution `owner` and the promise its answer settles. */
  issue(owner: string): { token: string; answer: Promise<unknown> } {
    this.issued++;
    const token =
      this.seed === undefined
        ? `${randomUUID()}${randomUUID()}`.replaceAll('-', '')
        : createHash('sha256').update(`${this.seed}:${this.issued}`).digest('hex');
    return { token, answer: this.await(token, owner) };
  }

  /** The answer of a token loaded open (loadState), taken up once by the restored execution that waits on it. */
  reopen(token: string): Promise<unknown> {
    const pending = this.tokens.get(token);
    const answer = pending?.answer;
    if (!pending || !answer) throw new Error(`task token ${token.slice(0, 12)}… was not saved open`);
    delete pending.answer;
    return answer;
  }

  private await(token: string, owner: string): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      this.tokens.set(token, { resolve, reject, state: 'open', owner });
    });
  }

  /** Times an unanswered token out (its state fails with `States.Timeout`); an answered one is left alone. */
  expire(token: string, message: string): void {
    const pending = this.tokens.get(token);
    if (pending?.state !== 'open') return;
    pending.state = 'timed-out';
    pending.reject(new TaskError('States.Timeout', message));
  }

  succeed(token: string, output: string): void {
    const pending = this.open(token);
    pending.state = 'closed';
    pending.resolve(JSON.parse(output));
  }

  fail(token: string, error?: string, cause?: string): void {
    const pending = this.open(token);
    pending.state = 'closed';
    pending.reject(new TaskError(error ?? 'States.TaskFailed', cause ?? ''));
  }

  heartbeat(token: string): void {
    this.open(token);
  }

  /**
   * What a saved cloud keeps of the tokens: how many were issued (the next one follows from the seed and the count),
   * how each was answered, and which still wait, for which execution.
   */
  saveState(): SavedTokens {
    const answered: SavedTokens['answered'] = [];
    const open: SavedTokens['open'] = [];
    for (const [token, pending] of this.tokens) {
      if (pending.state === 'open') open.push([token, pending.owner]);
      else answered.push([token, pending.state]);
    }
    return { issued: this.issued, answered, open };
  }

  /**
   * Takes a saved state into a registry that has issued nothing yet: answered tokens answer as they did; an open
   * token takes its answer (SendTaskSuccess/Failure/Heartbeat, a timeout) and holds it for `reopen`.
   */
  loadState(saved: SavedTokens): void {
    if (this.issued > 0) throw new Error('task tokens load only into a registry that has issued none');
    this.issued = saved.issued;
    const settled = () => undefined;
    for (const [token, state] of saved.answered) {
      this.tokens.set(token, { resolve: settled, reject: settled, state, owner: '' });
    }
    for (const [token, owner] of saved.open) {
      const answer = this.await(token, owner);
      answer.catch(() => undefined); // a failure is seen by whoever reopens it; until then it is only held
      const pending = this.tokens.get(token);
      if (pending) pending.answer = answer;
    }
  }

  private open(token: string): PendingToken {
    const pending = this.tokens.get(token);
    if (!pending || pending.state === 'closed') {
      throw new TaskDoesNotExist({ message: 'Task Does Not Exist', $metadata: {} });
    }
    if (pending.state === 'timed-out') throw new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} });
    return pending;
  }
}
