import type { VirtualClock } from '../clock.js';
import { attributeFailure } from '../fakes/caller.js';
import type { Outages } from '../fakes/outages.js';
import type { LocalLambdas } from './lambda.js';
import { unqualifiedFunctionArn, type Wiring } from './wiring.js';

/** An event that reached the dead-letter queue, with why. */
export interface DeadLetter {
  at: string;
  target: string;
  reason: string;
  event: unknown;
  /** The delivery's key in the outage bookkeeping. */
  key?: string;
}

export interface AsyncInvokerOptions {
  clock: VirtualClock;
  lambdas: LocalLambdas;
  wiring: Wiring;
  /** Each async delivery (schedule, SNS) happens this many times: at-least-once made visible. */
  duplicates: number;
  /** Outage windows; a `lambda` window stops invocations themselves. */
  outages?: Outages;
}

/** The reconciler's handler (stacks/promotion/reconcile.ts). */
const RECONCILE_HANDLER = 'functions/reconcile.handler';

/** How long EventBridge and Scheduler wait before re-trying an invocation Lambda refused (an outage), at most. */
const INVOKE_RETRY_CAP_MS = 10 * 60_000;

/** Lambda's documented retry policy for asynchronous invocation: two retries, about one and two minutes apart. */
const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];

/**
 * Invokes our functions the way their event sources do: synchronously for Step Functions tasks, asynchronously (own
 * clock item, Lambda's two retries, then the dead-letter queue) for EventBridge, Scheduler and SNS.
 */
export class AsyncInvoker {
  readonly deadLetters: DeadLetter[] = [];
  /** Copies delivered beyond the first (Scheduler and SNS are at-least-once too). */
  duplicates = 0;
  /** Every invocation of one of our functions (what Lambda bills), retries and duplicates included. */
  invocations = 0;

  constructor(private readonly options: AsyncInvokerOptions) {}

  private functionFor(arn: string): { name: string; handler: string } {
    const fn = this.options.wiring.functions.get(unqualifiedFunctionArn(arn));
    if (!fn) throw new Error(`no local function for ${arn}`);
    return { name: fn.logicalId, handler: fn.handler };
  }

  /** A synchronous invocation (a Step Functions task by default): errors go back to the caller. */
  invokeSync(arn: string, payload: unknown, via: 'task' | 'async' | 'sync' = 'task'): Promise<unknown> {
    const fn = this.functionFor(arn);
    this.invocations++;
    return this.options.lambdas.invoke(fn.name, fn.handler, payload).catch((error: unknown) => {
      attributeFailure({ name: fn.name, via }, error);
      throw error;
    });
  }

  private deliveries = 0;

  /**
   * One asynchronous delivery, as its own item on the clock at the current instant. While Lambda itself is down (a
   * `lambda` outage) the invocation is refused, and EventBridge / Scheduler retry it with backoff; once invoked, a
   * failing function gets Lambda's two retries, then the dead-letter queue. Work an outage held up is tracked
   * until its delivery succeeds.
   */
  deliverAsync(arn: string, event: unknown, label: string): void {
    const { clock, outages } = this.options;
    const key = `event:${++this.deliveries}:${label}`;
    const attempt = async (n: number, refused: number): Promise<void> => {
      if (outages?.isDown('lambda')) {
        outages.fail('lambda');
        outages.defer(key);
        const wait = Math.min(INVOKE_RETRY_CAP_MS, 60_000 * 2 ** refused);
        clock.after(wait, `${label} (invoke retry ${refused + 1})`, () => attempt(n, refused + 1));
        return;
      }
      try {
        const fn = this.functionFor(arn);
        await this.invokeSync(arn, event, 'async');
        outages?.done(key);
        // A successful reconciler run re-derives what dead-lettered deliveries carried (missed image events,
        // build intents, scheduled builds): work an ended window parked in the DLQ is done by now.
        if (outages && fn.handler === RECONCILE_HANDLER) {
          for (const letter of this.deadLetters)
            if (letter.key && outages.endedBefore(letter.key)) outages.done(letter.key);
        }
      } catch (error) {
        outages?.defer(key);
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        const delay = ASYNC_RETRY_DELAYS_MS[n];
        if (delay === undefined) {
          this.deadLetters.push({ at: clock.iso(), target: arn, reason: message, event, key });
          return;
        }
        clock.after(delay, `${label} (retry ${n + 1})`, () => attempt(n + 1, refused));
      }
    };
    clock.schedule(clock.now(), label, () => attempt(0, 0));
  }

  /** Delivers `event` as many times as the scenario's at-least-once setting says. */
  deliverRepeatedly(arn: string, event: unknown, label: string): void {
    for (let i = 0; i < this.options.duplicates; i++) this.deliverAsync(arn, event, label);
    this.duplicates += this.options.duplicates - 1;
  }
}
