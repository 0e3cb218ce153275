/** One SDK call as a fake sees it: the command's name without "Command", its input, and where it was sent. */
export interface FakeCall {
  readonly service: string;
  readonly action: string;
  readonly input: Record<string, unknown>;
  /** The serialized JSON body when there is one: idempotency tokens the SDK filled in live only here. */
  readonly body: Record<string, unknown> | undefined;
  readonly region: string;
  /** The account the call acts in: the local cloud's own, or a member account for a role session's credentials. */
  readonly accountId: string;
  /** Who signs the call when the local cloud knows it: a role session's ARN, or the running function's role. */
  readonly principal?: string | undefined;
}

/**
 * A stateful stand-in for one AWS service. Later services (RAM, KMS, Inspector, ECR) plug in by implementing this
 * and adding themselves to the map in `install.ts`; the middleware, throttling and stats come for free.
 */
export interface FakeService {
  /** Handles a call and returns the output without `$metadata`; throws AWS's documented errors. */
  handle(call: FakeCall): unknown;
  /** The piece of work a call stands for, when an outage that fails it holds that work up (the report's `deferred`). */
  deferredWork?(call: FakeCall): string | undefined;
  /** Told when a call failed for good (after the SDK's retries) with an error the local cloud made up. */
  failedForGood?(action: string, input: Record<string, unknown>): void;
}

interface ErrorOptions {
  message: string;
  /** Some services (Organizations, SSM) model the message as `Message`. */
  Message: string;
  $metadata: { httpStatusCode?: number; requestId?: string };
}

/** A service's modeled exception class (e.g. `ResourceNotFoundException` from `@aws-sdk/client-imagebuilder`). */
export type ExceptionClass = new (opts: ErrorOptions) => Error;

/** A service's base exception (e.g. `EC2ServiceException`), which takes the error code as `name`. */
export type ServiceBaseClass = new (opts: ErrorOptions & { name: string; $fault: 'client' | 'server' }) => Error;

/**
 * Builds errors as the SDK's deserializer would for one service: a modeled exception class where the client package
 * has one, otherwise the service's base exception named by the error code (EC2's `InvalidAMIID.NotFound`), so the
 * retry strategy classifies them (throttling names, status codes) exactly like real responses.
 */
export function errorFactory(base: ServiceBaseClass) {
  return (kind: string | ExceptionClass, message: string, httpStatusCode = 400): Error => {
    const $metadata = { httpStatusCode, requestId: nextRequestId() };
    if (typeof kind !== 'string') return new kind({ message, Message: message, $metadata });
    const $fault = httpStatusCode >= 500 ? 'server' : 'client';
    return new base({ name: kind, $fault, $metadata, message, Message: message });
  };
}

export type ErrorMaker = ReturnType<typeof errorFactory>;

/** Thrown for actions a fake does not implement yet: never retried, and says exactly what is missing. */
export class NotImplementedByFakeError extends Error {
  constructor(service: string, action: string) {
    super(`the local ${service} fake does not implement ${action} yet`);
    this.name = 'NotImplementedByFakeError';
  }
}

let requestCounter = 0;
/**
 * How many request ids this process handed out: the fakes' message and event ids come from the same counter, so a
 * saved cloud goes on from it (`continueRequestIdsFrom`).
 */
export function requestIdsIssued(): number {
  return requestCounter;
}

/** The next request id is the one after `issued` (a saved cloud's `requestIdsIssued`). */
export function continueRequestIdsFrom(issued: number): void {
  requestCounter = issued;
}

/**
 * The local cloud's endpoint for a service, `https://<hostname>/`, handed to an SDK client already parsed: given as a
 * string, the client parses it with `new URL` twice per request (`toEndpointV1` in @smithy/core, through the
 * endpoint parameters and the endpoint itself); an object in the same shape is used as it is. The requests are the
 * same.
 */
export function localEndpoint(hostname: string): { protocol: string; hostname: string; path: string } {
  return { protocol: 'https:', hostname, path: '/' };
}

/** The signer of UNSIGNED_AUTH_SCHEMES: it hands the request on as it is. */
const UNSIGNED_SIGNER = { sign: async <T>(request: T): Promise<T> => request };

/**
 * The SigV4 scheme with a signer that signs nothing: the local cloud's clients send unsigned requests, which the fakes
 * and dynalite answer (skipping SigV4 saves a third of the SDK's time per call in long simulations). The identity is
 * still resolved, as the SDK does before signing.
 */
export const UNSIGNED_AUTH_SCHEMES = [
  {
    schemeId: 'aws.auth#sigv4',
    identityProvider: (config: { getIdentityProvider(id: string): unknown }) =>
      config.getIdentityProvider('aws.auth#sigv4'),
    signer: UNSIGNED_SIGNER,
  },
];

/**
 * The middlewares of an SDK client (as `middlewareStack.identify()` names them) that only dress a request for the
 * wire: the User-Agent and X-Amzn-Trace-Id headers (neither signed: SigV4 leaves both out, @smithy/signature-v4
 * `ALWAYS_UNSIGNABLE_HEADERS`). The local cloud's requests never leave the process: the fakes answer them from the
 * deserialize step and dynalite reads only the body and the X-Amz-Target header, so no fake, no model check and no
 * test reads what these write. The rest of the stack runs as on Lambda: serialization, Content-Length (S3's client
 * warns without it), endpoint, the identity's resolution, retries, deserialization.
 */
export const WIRE_ONLY_MIDDLEWARE = ['getUserAgentMiddleware', 'recursionDetectionMiddleware'] as const;

/**
 * What a client whose signer signs nothing (UNSIGNED_AUTH_SCHEMES) does not need either: the signing step, and the
 * Host header it would sign.
 */
export const UNSIGNED_ONLY_MIDDLEWARE = ['hostHeaderMiddleware', 'httpSigningMiddleware'] as const;

interface MiddlewareStackLike {
  remove(name: string): boolean;
  add(middleware: (next: unknown) => unknown, options: Record<string, unknown>): void;
}

/**
 * Removes WIRE_ONLY_MIDDLEWARE from a local cloud's client as it is made (aws/clients `decorate`), and
 * UNSIGNED_ONLY_MIDDLEWARE when its signer is UNSIGNED_AUTH_SCHEMES' (a client a test sends to dynalite's HTTP
 * server signs, Host included, as AWS asks). The User-Agent's place stays, held by a step that passes the request on:
 * Powertools puts its own user-agent middleware after it (`addPowertoolsToUserAgent`), and the SDK refuses to send
 * from a stack whose middleware names a missing one.
 */
export function withoutWireMiddleware(sdkClient: unknown): void {
  const { middlewareStack: stack, config } = sdkClient as {
    middlewareStack: MiddlewareStackLike;
    config?: { httpAuthSchemes?: readonly { signer?: unknown }[] };
  };
  for (const name of WIRE_ONLY_MIDDLEWARE) stack.remove(name);
  // The SDK's own options for it (@aws-sdk/core, getUserAgentMiddlewareOptions).
  stack.add((next) => next, { name: 'getUserAgentMiddleware', step: 'build', priority: 'low', override: true });
  if (config?.httpAuthSchemes?.some((scheme) => scheme.signer === UNSIGNED_SIGNER)) {
    for (const name of UNSIGNED_ONLY_MIDDLEWARE) stack.remove(name);
  }
}

/** Request ids in AWS's UUID shape, deterministic within a run. */
export function nextRequestId(): string {
  requestCounter++;
  const hex = requestCounter.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

/** A seeded stream of numbers in [0, 1) whose position can be read and set again (a saved cloud goes on from it). */
export interface SeededRandom {
  (): number;
  /** The stream's state now: `seek` to it and the stream draws the same numbers from there on. */
  position(): number;
  seek(position: number): void;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same faults and ids. */
export function seededRandom(seed: number): SeededRandom {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Object.assign(next, {
    position: () => a,
    seek(position: number) {
      a = position >>> 0;
    },
  });
}

/** Sequential hex ids like `ami-0000000000000001a`, unique per prefix and deterministic. */
export class IdMaker {
  private readonly counters = new Map<string, number>();
  next(prefix: string, digits = 17): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}-${n.toString(16).padStart(digits, '0')}`;
  }
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken: string | undefined;
}

/**
 * Offset pagination with opaque tokens, as the list APIs do it. `maxResults` is clamped to `[1, max]`; an unknown
 * token is rejected by `invalidToken` (each service names that error differently).
 */
export function paginate<T>(
  all: readonly T[],
  maxResults: unknown,
  token: unknown,
  opts: { max: number; defaultSize?: number; invalidToken: () => Error },
): Page<T> {
  let start = 0;
  if (typeof token === 'string' && token !== '') {
    const m = /^p(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
    if (!m) throw opts.invalidToken();
    start = Number(m[1]);
  }
  const requested = typeof maxResults === 'number' ? maxResults : (opts.defaultSize ?? opts.max);
  const size = Math.max(1, Math.min(opts.max, requested));
  const items = all.slice(start, start + size);
  const end = start + items.length;
  return { items, nextToken: end < all.length ? Buffer.from(`p${end}`).toString('base64url') : undefined };
}

/** Reads an optional string field, rejecting other types with the service's validation error. */
export function str(
  input: Record<string, unknown>,
  field: string,
  invalid: (msg: string) => Error,
): string | undefined {
  const v = input[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalid(`${field} must be a string`);
  return v;
}

/** Reads a required string field. */
export function required(input: Record<string, unknown>, field: string, invalid: (msg: string) => Error): string {
  const v = str(input, field, invalid);
  if (v === undefined || v === '') throw invalid(`${field} is required`);
  return v;
}

export function asArray<T = unknown>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}
