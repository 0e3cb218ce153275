import type { VirtualClock } from '../clock.js';
import { checkResponse, operationKey, operationOf, operationSchemaOf, serviceIdOf } from '../models/request-check.js';
import type { Throttle } from '../throttle.js';
import { currentCaller } from '../trust/caller.js';
import { Attempt, type AttemptArgs } from './attempt.js';
import type { CallStreams } from './call-streams.js';
import { rememberFailure } from './caller.js';
import { type FakeCall, type FakeService, nextRequestId } from './common.js';
import { madeUpErrors, serverError, throttledError } from './faults.js';
import type { Outages } from './outages.js';

/** Counts for the simulator's report. */
export interface FakeStats {
  /** Logical calls per `service:Action` (retries not counted). */
  readonly apiCalls: Record<string, number>;
  /** Attempts that reached a fake, retries included. */
  attempts: number;
  /** Attempts refused by a token bucket. */
  throttled: number;
  readonly faults: { injected: number; retried: number; failedCalls: number };
  /** Every call that failed after the SDK's retries (docs/simulation.md, `faults.failed`). */
  readonly failed: FailedCall[];
  /** Every successful EC2 launch/copy permission call, with its virtual start and end (retries inside): the
   * sharing figures' waves. */
  readonly sharingCalls: TimedCall[];
  /** Logical calls per caller (the principal the local Lambda runtime ran the function as), per `service:Action`. */
  readonly callsByCaller: Record<string, Record<string, number>>;
}

/** One logical call as the virtual clock saw it: from its first attempt to its answer, backoffs included. */
export interface TimedCall {
  readonly region: string;
  readonly action: string;
  readonly startMs: number;
  readonly endMs: number;
}

/** The EC2 calls that read and set who may launch or copy an AMI: Goldsmith's sharing and nothing else. */
const SHARING_ACTIONS = new Set([
  'DescribeImageAttribute',
  'ModifyImageAttribute',
  'DescribeSnapshotAttribute',
  'ModifySnapshotAttribute',
]);

/** A call that failed after the SDK's retries, and what the system did about it. */
export interface FailedCall {
  at: string;
  operation: string;
  error: string;
  handledBy: string;
}

export interface FaultOptions {
  /** Probability that an attempt is answered with the service's throttling error regardless of the buckets. */
  readonly throttleRate?: number;
  /** Probability that an attempt fails with a transient server error. */
  readonly errorRate?: number;
  /** Outage windows: every call to a service inside one of its windows fails with its 5xx / unavailable error. */
  readonly outages?: Outages;
}

export function emptyStats(): FakeStats {
  return {
    apiCalls: {},
    attempts: 0,
    throttled: 0,
    faults: { injected: 0, retried: 0, failedCalls: 0 },
    failed: [],
    sharingCalls: [],
    callsByCaller: {},
  };
}

export interface AttachOptions {
  readonly service: string;
  readonly region: string;
  readonly accountId: string;
  readonly fake: FakeService;
  readonly clock: VirtualClock;
  readonly throttle: Throttle;
  readonly stats: FakeStats;
  readonly random: () => number;
  /** Gives each logical call its own fault stream (call-streams.ts); `random` then draws from the running call's. */
  readonly calls?: CallStreams;
  readonly faults: FaultOptions;
  /**
   * The account and principal behind the access key a call is signed with, for credentials the local STS issued
   * (a role session in a member account); other keys act in `accountId` as the running function.
   */
  readonly identities?: (accessKeyId: string | undefined) => { account: string; principal: string } | undefined;
  /** CloudTrail's event history (local/fakes/cloudtrail.ts): told of every call the fake answered or refused. */
  readonly history?: { record(call: FakeCall, response: unknown, error?: Error): void };
}

interface MiddlewareContext {
  commandName?: string;
  __smithy_context?: {
    operationSchema?: readonly unknown[];
    /** Set by the SDK's auth middleware: the identity (credentials) the request is signed with. */
    selectedHttpAuthScheme?: { identity?: { accessKeyId?: string } };
  };
}
type Next = (args: AttemptArgs) => Promise<{ output: unknown; response: unknown }>;
type Middleware = (next: Next, context: MiddlewareContext) => (args: AttemptArgs) => Promise<unknown>;

/** The part of an SDK client's middleware stack used here (typed loosely: every client's stack differs). */
interface StackLike {
  add(mw: Middleware, opts: { step: 'initialize' | 'deserialize'; name: string; priority?: 'high' | 'low' }): void;
}

/** A failed call whose error never left the function: it handled the failure itself. */
const CAUGHT = 'caught by the calling function (kept for its next run, or logged)';

/**
 * Runs one logical call as busy work of its own on the clock, parked only while it backs off: the clock does not move
 * on while it is in flight, even when the work that sent it counts as parked because another call sent beside it
 * backs off. A call's first request on a cold client reads its configuration, and dynalite answers over several turns
 * of the event loop: the clock must wait for both, or the call's answer comes at a later instant the slower it is.
 */
function inFlight<T>(clock: VirtualClock, call: () => Promise<T>, label: string): Promise<T> {
  return clock.track(call, label);
}

/**
 * Attaches a fake to a real SDK client: an initialize-step middleware counts the logical call and its outcome, and a
 * deserialize-step middleware (running once per attempt, after the retry middleware and signing) answers from the
 * fake instead of sending HTTP. Throttles and injected faults are thrown from there, so the client's own retry
 * strategy sees them exactly as it would see AWS's.
 */
export function attachFake(client: { middlewareStack: unknown }, o: AttachOptions): void {
  const stack = client.middlewareStack as StackLike;
  const serviceId = serviceIdOf(client);
  stack.add(
    (next, context) => async (args) => {
      const action = operationOf(context);
      const key = operationKey(o.service, action);
      o.stats.apiCalls[key] = (o.stats.apiCalls[key] ?? 0) + 1;
      const who = currentCaller();
      if (who !== undefined) {
        const mine = o.stats.callsByCaller[who] ?? {};
        mine[key] = (mine[key] ?? 0) + 1;
        o.stats.callsByCaller[who] = mine;
      }
      const startMs = o.clock.now();
      try {
        const result = await inFlight(o.clock, () => (o.calls ? o.calls.run(() => next(args)) : next(args)), key);
        if (o.service === 'ec2' && SHARING_ACTIONS.has(action))
          o.stats.sharingCalls.push({ region: o.region, action, startMs, endMs: o.clock.now() });
        return result;
      } catch (e) {
        if (typeof e === 'object' && e !== null && madeUpErrors.has(e)) {
          o.stats.faults.failedCalls++;
          const record = {
            at: o.clock.iso(),
            operation: key,
            error: e instanceof Error ? e.name : String(e),
            handledBy: CAUGHT,
          };
          o.stats.failed.push(record);
          rememberFailure(e, record);
          o.fake.failedForGood?.(action, args.input);
        }
        throw e;
      }
    },
    { step: 'initialize', name: 'goldsmithLocalCount' },
  );
  stack.add(
    (_next, context) => async (args) => {
      o.clock.touch();
      o.stats.attempts++;
      const session = o.identities?.(context.__smithy_context?.selectedHttpAuthScheme?.identity?.accessKeyId);
      const call: FakeCall = new Attempt(
        o.service,
        operationOf(context),
        args,
        o.region,
        session?.account ?? o.accountId,
        session?.principal ?? currentCaller(),
      );
      o.calls?.name(`${call.principal}|${o.service}:${call.action}|${call.accountId}|${o.region}`);
      const down = o.faults.outages?.fail(o.service);
      if (down) {
        const work = o.fake.deferredWork?.(call);
        if (work) o.faults.outages?.defer(work, o.service);
        o.stats.faults.injected++;
        throw down;
      }
      // Draw from the RNG only when a rate is set, so enabling one fault kind doesn't reshuffle the other.
      if (o.faults.throttleRate && o.random() < o.faults.throttleRate) {
        o.stats.faults.injected++;
        throw throttledError(o.service);
      }
      if (o.faults.errorRate && o.random() < o.faults.errorRate) {
        o.stats.faults.injected++;
        throw serverError(o.service);
      }
      if (!o.throttle.take(call.accountId, o.region, o.service, call.action, call.input)) {
        o.stats.throttled++;
        throw throttledError(o.service);
      }
      // A fake may answer asynchronously (the local EventBridge evaluates IAM policies). CloudTrail records the call
      // whether the service answered or refused it; not a throttled or failed attempt the service never served.
      let output: Record<string, unknown>;
      try {
        output = ((await o.fake.handle(call)) ?? {}) as Record<string, unknown>;
      } catch (error) {
        if (error instanceof Error && !madeUpErrors.has(error)) o.history?.record(call, undefined, error);
        throw error;
      }
      o.history?.record(call, output);
      checkResponse(serviceId, call.action, output, operationSchemaOf(context));
      const $metadata = { httpStatusCode: 200, requestId: nextRequestId(), attempts: 1, totalRetryDelay: 0 };
      return { output: { ...output, $metadata }, response: { statusCode: 200, headers: {}, body: undefined } };
    },
    { step: 'deserialize', name: 'goldsmithLocalFake', priority: 'high' },
  );
}

/**
 * For a client that talks to a real local server (DynamoDB on dynalite): during an outage window of `service`, each
 * attempt fails with its documented 5xx before any request is sent; otherwise the request goes through untouched.
 */
export function attachOutage(
  client: { middlewareStack: unknown },
  service: string,
  outages: Outages,
  stats: FakeStats,
  clock: VirtualClock,
): void {
  const stack = client.middlewareStack as StackLike;
  stack.add(
    (next, context) => async (args) => {
      try {
        return await inFlight(clock, () => next(args), operationKey(service, operationOf(context)));
      } catch (e) {
        if (typeof e === 'object' && e !== null && madeUpErrors.has(e)) {
          stats.faults.failedCalls++;
          const record = {
            at: clock.iso(),
            operation: operationKey(service, operationOf(context)),
            error: e instanceof Error ? e.name : String(e),
            handledBy: CAUGHT,
          };
          stats.failed.push(record);
          rememberFailure(e, record);
        }
        throw e;
      }
    },
    { step: 'initialize', name: 'goldsmithLocalOutageCount' },
  );
  stack.add(
    (next) => async (args) => {
      const down = outages.fail(service);
      if (down) {
        stats.faults.injected++;
        throw down;
      }
      return next(args);
    },
    { step: 'deserialize', name: 'goldsmithLocalOutage', priority: 'high' },
  );
}
