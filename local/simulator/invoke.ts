import type { VirtualClock } from '../clock.js';
import type { LocalLambdas } from './lambda.js';
import { unqualifiedFunctionArn, type Wiring } from './wiring.js';

/** An event that reached the dead-letter queue, with why. */
export interface DeadLetter {
  at: string;
  target: string;
  reason: string;
  event: unknown;
}

export interface AsyncInvokerOptions {
  clock: VirtualClock;
  lambdas: LocalLambdas;
  wiring: Wiring;
  /** Each async delivery (schedule, SNS) happens this many times: at-least-once made visible. */
  duplicates: number;
}

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

  constructor(private readonly options: AsyncInvokerOptions) {}

  private functionFor(arn: string): { name: string; handler: string } {
    const fn = this.options.wiring.functions.get(unqualifiedFunctionArn(arn));
    if (!fn) throw new Error(`no local function for ${arn}`);
    return { name: fn.logicalId, handler: fn.handler };
  }

  /** A synchronous invocation (a Step Functions task): errors go back to the caller. */
  invokeSync(arn: string, payload: unknown): Promise<unknown> {
    const fn = this.functionFor(arn);
    return this.options.lambdas.invoke(fn.name, fn.handler, payload);
  }

  /** One asynchronous delivery, as its own item on the clock at the current instant. */
  deliverAsync(arn: string, event: unknown, label: string): void {
    const { clock } = this.options;
    const attempt = async (n: number): Promise<void> => {
      try {
        await this.invokeSync(arn, event);
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        const delay = ASYNC_RETRY_DELAYS_MS[n];
        if (delay === undefined) {
          this.deadLetters.push({ at: clock.iso(), target: arn, reason: message, event });
          return;
        }
        clock.after(delay, `${label} (retry ${n + 1})`, () => attempt(n + 1));
      }
    };
    clock.schedule(clock.now(), label, () => attempt(0));
  }

  /** Delivers `event` as many times as the scenario's at-least-once setting says. */
  deliverRepeatedly(arn: string, event: unknown, label: string): void {
    for (let i = 0; i < this.options.duplicates; i++) this.deliverAsync(arn, event, label);
    this.duplicates += this.options.duplicates - 1;
  }
}
