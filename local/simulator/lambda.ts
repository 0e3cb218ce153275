import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { runAs } from '../trust/caller.js';
import { providedHandlerModule } from './handler-modules.js';

type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * A function's name as the timeline prints it and a scenario's `handler-fails` names it: its logical id without the
 * 8-character hash the synthesis appends (`OnImageEvent2C7C9A1B` → `OnImageEvent`).
 */
export const scriptedName = (logicalId: string): string => logicalId.replace(/(?<=[a-z])[0-9A-F]{8}$/, '');

/**
 * Runs our Lambda handlers in process, as the Lambda runtime would: the module named by the function's
 * `handler` setting (`functions/start-builds.handler`), one module instance per process (warm starts), a context.
 */
export class LocalLambdas {
  private readonly modules = new Map<string, Promise<LambdaHandler>>();
  /** Invocations, and wall milliseconds from start to answer (work that overlaps an invocation, such as another
   * running at the same time, is counted in it too), per function. Not CPU time: reading it (a system call) twice
   * per invocation cost 1 % of a quarter, and it counted the same overlapping work. */
  readonly usage = new Map<string, { invocations: number; ms: number }>();
  /** The holds of the invocations running now: the time each holds lines back to (see `invoke`'s `since`). */
  private readonly running = new Set<{ at: number; ended: boolean }>();
  /** The hold of the invocation whose code is running, marked ended once it has. */
  private readonly holding = new AsyncLocalStorage<{ at: number; ended: boolean }>();
  /**
   * Failures a scenario's `handler-fails` asked for, by function (the name the timeline prints: its logical id
   * without the hash): how many invocations are still to throw, and the error's name.
   */
  readonly scripted = new Map<string, { times: number; error: string }>();

  /** Handlers whose middleware chain throws the scripted failures (middy's `before`): the others throw them first. */
  private readonly hooked = new WeakSet<LambdaHandler>();

  /** The next `times` invocations of `name` throw an error named `error` (`handler-fails`). */
  failNext(name: string, times: number, error: string): void {
    const earlier = this.scripted.get(name)?.times ?? 0;
    this.scripted.set(name, { times: earlier + times, error });
  }

  /** Throws the failure a scenario scripted for this invocation of `functionName`, if one is left. */
  private throwIfScripted(functionName: string): void {
    const scripted = this.scripted.get(scriptedName(functionName));
    if (!scripted || scripted.times <= 0) return;
    scripted.times--;
    const error = new Error(`scripted failure: the scenario's handler-fails event (${scripted.times} more to come)`);
    error.name = scripted.error;
    throw error;
  }

  /**
   * A middy handler throws a scripted failure as its code would: after its middlewares' `before` (the event parsed),
   * so its `onError` ones see it (a failure recorded for the re-drive, counted), as they would a real one.
   */
  private hook(fn: LambdaHandler): void {
    const chain = fn as LambdaHandler & { before?: (m: (request: { context: Context }) => void) => unknown };
    if (typeof chain.before !== 'function') return;
    chain.before((request) => this.throwIfScripted(request.context.functionName));
    this.hooked.add(fn);
  }

  constructor(
    private readonly projectRoot: string,
    /** Function (logical id) → its role ARN: the principal its AWS calls are made as. */
    private readonly roles: ReadonlyMap<string, string> = new Map(),
  ) {}

  private load(handler: string): Promise<LambdaHandler> {
    const existing = this.modules.get(handler);
    if (existing) return existing;
    const dot = handler.lastIndexOf('.');
    const file = handler.slice(0, dot);
    const exportName = handler.slice(dot + 1);
    const loading = (async () => {
      const candidates = ['.ts', '.mts', '.js'].map((ext) => path.join(this.projectRoot, `${file}${ext}`));
      const found = candidates.find((c) => existsSync(c));
      if (!found) throw new Error(`handler module not found for ${handler}`);
      const provided = providedHandlerModule(found);
      const mod = provided ? await provided() : ((await import(pathToFileURL(found).href)) as Record<string, unknown>);
      const fn = mod[exportName];
      if (typeof fn !== 'function') throw new Error(`${handler}: export ${exportName} is not a function`);
      this.hook(fn as LambdaHandler);
      return fn as LambdaHandler;
    })();
    this.modules.set(handler, loading);
    return loading;
  }

  /**
   * Imports the handler modules now, one after the other, rather than at each function's first invocation: the
   * local cloud does it before its clock runs anything, in real time (virtual-date.ts, `withRealDate`).
   */
  async preload(handlers: Iterable<string>): Promise<void> {
    for (const handler of handlers) await this.load(handler);
  }

  /**
   * Invokes `handler` with `event`, as function `functionName` (whose ARN the context carries, when given), as request
   * `requestId` (the context's `awsRequestId`; a fresh one unless the caller names it). While it runs it holds the
   * streamed timeline back to when it started, or to `since` if earlier: what the invocation whose work delivered its
   * event held it to (a time the event carries, such as a revocation's, is written by this one).
   */
  async invoke(
    functionName: string,
    handler: string,
    event: unknown,
    functionArn?: string,
    requestId: string = randomUUID(),
    since?: number,
  ): Promise<unknown> {
    const fn = await this.load(handler);
    if (!this.hooked.has(fn)) this.throwIfScripted(functionName);
    const started = Date.now();
    const holds = since !== undefined && since < started ? since : started;
    const context: Context = {
      callbackWaitsForEmptyEventLoop: false,
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: functionArn ?? `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
      memoryLimitInMB: '1024',
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, 60_000 - (Date.now() - started)),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    const wallStart = performance.now();
    const usage = this.usage.get(functionName) ?? { invocations: 0, ms: 0 };
    this.usage.set(functionName, usage);
    usage.invocations++;
    // Work the handler set going that outlives it (a Step Functions execution, say) holds nothing once it ends.
    const hold = { at: holds, ended: false };
    this.running.add(hold);
    try {
      return await this.holding.run(hold, () => runAs(this.roles.get(functionName), () => fn(event, context)));
    } finally {
      hold.ended = true;
      this.running.delete(hold);
      usage.ms += performance.now() - wallStart;
    }
  }

  /**
   * The earliest time an invocation running now holds the timeline back to, if any: a handler takes the times it
   * records (an outcome's `at`, an announcement's) when it runs, and may write them later in virtual time, after
   * read-backs and retries that wait on the clock.
   */
  runningSince(): number | undefined {
    let earliest: number | undefined;
    for (const { at } of this.running) if (earliest === undefined || at < earliest) earliest = at;
    return earliest;
  }

  /** The time the invocation whose code calls this holds the timeline back to; undefined outside any invocation. */
  heldByCaller(): number | undefined {
    const hold = this.holding.getStore();
    return hold && !hold.ended ? hold.at : undefined;
  }
}
