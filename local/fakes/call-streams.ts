import { AsyncLocalStorage } from 'node:async_hooks';
import { type SeededRandom, seededRandom } from './common.js';

/** What a logical call holds while it runs: the identity its first attempt gave it, and its stream once drawn. */
interface CallDraws {
  identity: string | undefined;
  stream: SeededRandom | undefined;
}

/** FNV-1a over the string's UTF-16 code units: a 32-bit seed from a call's identity. */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The fault stream, one per logical call: each SDK call draws its injected throttles and server errors, and its
 * retries' backoff jitter, from a seeded stream of its own, keyed by who sent it (the principal), what (service,
 * action), where (account, Region), when (the virtual instant of its first attempt) and how many calls with that
 * identity started at that instant before it. Calls sent at one virtual instant then draw the same numbers whatever
 * order they reach the fakes in, an order real time can change (a cold client's first request takes more promise
 * steps than a warm one's); one stream shared in arrival order moved a throttle from one request to another.
 *
 * A draw outside any call (the simulator's own clients, which the fakes' middleware does not wrap) comes from
 * `fallback`, in arrival order as before.
 */
export class CallStreams {
  private readonly current = new AsyncLocalStorage<CallDraws>();
  /** Calls per identity that started at `instant`: what tells two calls with one identity at one instant apart. */
  private readonly started = new Map<string, number>();
  private instant = Number.NaN;

  constructor(
    private readonly seed: number,
    private readonly now: () => number,
    private readonly fallback: () => number,
  ) {}

  /** Runs one logical call (its attempts and the retries' backoffs between them) with draws of its own. */
  run<T>(call: () => T): T {
    return this.current.run({ identity: undefined, stream: undefined }, call);
  }

  /**
   * Names the running call, at its first attempt (later attempts keep the first name). Outside `run`, nothing.
   */
  name(identity: string): void {
    const draws = this.current.getStore();
    if (!draws || draws.identity !== undefined) return;
    const now = this.now();
    if (now !== this.instant) {
      this.instant = now;
      this.started.clear();
    }
    const n = (this.started.get(identity) ?? 0) + 1;
    this.started.set(identity, n);
    draws.identity = `${now}|${identity}|${n}`;
  }

  /** The next number of the running call's stream (of `fallback` outside a named call). */
  readonly random = (): number => {
    const draws = this.current.getStore();
    if (!draws?.identity) return this.fallback();
    draws.stream ??= seededRandom(hashOf(`${this.seed}|${draws.identity}`));
    return draws.stream();
  };
}
