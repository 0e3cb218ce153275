import { NormalizedSchema } from '@smithy/core/schema';
import { modelsFor } from './load.js';
import { checkAgainstModel } from './validate.js';
import type { Direction, SdkSchema } from './validate-context.js';

/**
 * The request check of the local cloud: every request an SDK client sends to it, and every response a fake gives,
 * is checked against AWS's published model of the service (see `validate.ts`). Violations are collected rather
 * than thrown, so production code cannot swallow them: the simulator's report lists them and fails the run, and
 * the test setup fails any test that produced one.
 */

export interface ModelViolation {
  /** The model's serviceId, e.g. `imagebuilder`, `EC2`. */
  readonly service: string;
  readonly operation: string;
  readonly direction: Direction;
  readonly path: string;
  readonly rule: string;
  readonly message: string;
}

export interface ModelCheckFigures {
  /** Requests checked (logical calls; retries are not checked again). */
  requests: number;
  /** Fake responses checked. */
  responses: number;
  /** Members (or operations) newer than the published model, checked against the SDK's schema alone. */
  newerThanModel: number;
  /** `serviceId:Operation` → requests checked. */
  readonly operations: Record<string, number>;
  violations: ModelViolation[];
}

const MAX_KEPT = 200;
let figures: ModelCheckFigures = { requests: 0, responses: 0, newerThanModel: 0, operations: {}, violations: [] };
/** Violations beyond MAX_KEPT are counted, not kept: a loop of bad calls must not exhaust memory. */
let dropped = 0;

/** The figures since the last reset. */
export function modelCheckFigures(): Readonly<ModelCheckFigures> & { violationCount: number } {
  return { ...figures, violationCount: figures.violations.length + dropped };
}

/** Clears the figures (the test setup does it after each test; the simulator at the start of a run). */
export function resetModelChecks(): void {
  figures = { requests: 0, responses: 0, newerThanModel: 0, operations: {}, violations: [] };
  dropped = 0;
}

/** The figures as plain data (their own copy), with the violations past MAX_KEPT that were only counted. */
export interface HeldModelChecks extends ModelCheckFigures {
  dropped: number;
}

/** A copy of the figures so far, for a saved cloud to carry (local/snapshot/tallies.ts). */
export function heldModelChecks(): HeldModelChecks {
  return structuredClone({ ...figures, dropped });
}

/** Makes `held` (from `heldModelChecks`) the figures: an opened cloud counts on from what the saved one had counted. */
export function holdModelChecks(held: HeldModelChecks): void {
  const { dropped: heldDropped, ...rest } = structuredClone(held);
  figures = rest;
  dropped = heldDropped;
}

/**
 * Removes and returns the violations `matches` selects: for a test that sends a deliberately invalid request to see
 * the fake's error, so the afterEach check passes only if the check did see that request as invalid.
 */
export function withdrawViolations(matches: (v: ModelViolation) => boolean): ModelViolation[] {
  const taken = figures.violations.filter(matches);
  figures.violations = figures.violations.filter((v) => !matches(v));
  return taken;
}

/** One line per violation: service, operation, direction, member path, rule and what is wrong. */
export function formatViolation(v: ModelViolation): string {
  return `${v.service} ${v.operation} ${v.direction}: ${v.path}: ${v.rule}: ${v.message}`;
}

/** The SDK's operation schema (`[9, namespace, name, traits, input, output]`), as the smithy context carries it. */
export type OperationSchema = readonly unknown[] | undefined;

/** The normalized schema of each operation's input and output, made once per schema object. */
const normalized = new WeakMap<object, SdkSchema | undefined>();

function sdkSchemaOf(op: OperationSchema, direction: Direction): SdkSchema | undefined {
  const ref = op?.[direction === 'request' ? 4 : 5];
  if (ref === undefined) return undefined;
  const cacheable = (typeof ref === 'object' && ref !== null) || typeof ref === 'function';
  if (cacheable && normalized.has(ref)) return normalized.get(ref);
  let schema: SdkSchema | undefined;
  try {
    schema = NormalizedSchema.of(ref as Parameters<typeof NormalizedSchema.of>[0]) as unknown as SdkSchema;
  } catch {
    schema = undefined;
  }
  if (cacheable) normalized.set(ref, schema);
  return schema;
}

/** Keeps one violation (counts it only, past MAX_KEPT). */
function found(violation: ModelViolation): void {
  if (figures.violations.length >= MAX_KEPT) dropped++;
  else figures.violations.push(violation);
}

// No closure per call here: every request and response passes, and a bundle that keeps names names each new one.
function record(service: string, operation: string, direction: Direction, value: unknown, op: OperationSchema): void {
  const models = modelsFor(service);
  if (!models) {
    const message = `no published API model has serviceId "${service}"`;
    found({ service, operation, direction, path: '(service)', rule: 'model', message });
    return;
  }
  const input = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const result = checkAgainstModel(models, operation, direction, input, sdkSchemaOf(op, direction));
  figures.newerThanModel += result.newerThanModel;
  for (const p of result.problems) found({ service, operation, direction, ...p });
}

/** `service:Operation` by service and operation: made once, not on every request (the counts' keys, the labels). */
const operationKeys = new Map<string, Map<string, string>>();

export function operationKey(serviceId: string, operation: string): string {
  let byOperation = operationKeys.get(serviceId);
  if (!byOperation) {
    byOperation = new Map();
    operationKeys.set(serviceId, byOperation);
  }
  let key = byOperation.get(operation);
  if (key === undefined) {
    key = `${serviceId}:${operation}`;
    byOperation.set(operation, key);
  }
  return key;
}

/** Checks one request input; `operation` is the model's operation name (the command name without `Command`). */
export function checkRequest(serviceId: string, operation: string, input: unknown, op?: OperationSchema): void {
  figures.requests++;
  const key = operationKey(serviceId, operation);
  figures.operations[key] = (figures.operations[key] ?? 0) + 1;
  record(serviceId, operation, 'request', input, op);
}

/** Checks one response output a fake produced (without `$metadata`). */
export function checkResponse(serviceId: string, operation: string, output: unknown, op?: OperationSchema): void {
  figures.responses++;
  record(serviceId, operation, 'response', output, op);
}

interface ClientLike {
  config: { serviceId?: string };
  middlewareStack: unknown;
}
/** What the SDK puts in a middleware's context: the command's name and, in `__smithy_context`, its schema. */
export interface MiddlewareContext {
  commandName?: string;
  __smithy_context?: { operationSchema?: OperationSchema };
}

const operations = new Map<string, string>();

/**
 * The operation a middleware is running for, by its command's name (`GetImageCommand` → `GetImage`; `Unknown` when
 * the context names none): worked out once per command, as every request and attempt asks.
 */
export function operationOf(context: MiddlewareContext): string {
  const command = context.commandName ?? 'Unknown';
  let operation = operations.get(command);
  if (operation === undefined) {
    operation = command.replace(/Command$/, '');
    operations.set(command, operation);
  }
  return operation;
}

/** The operation schema of the command a middleware is running for. */
export const operationSchemaOf = (context: MiddlewareContext): OperationSchema =>
  context.__smithy_context?.operationSchema;

interface BuildStack {
  add(
    mw: (
      next: (args: { input: unknown }) => Promise<unknown>,
      context: MiddlewareContext,
    ) => (args: { input: unknown }) => Promise<unknown>,
    opts: { step: 'build'; name: string; priority: 'high' },
  ): void;
}

/** The model's serviceId of an SDK v3 client (`imagebuilder`, `EC2`, `SFN`, …). */
export function serviceIdOf(client: unknown): string {
  return (client as ClientLike).config.serviceId ?? 'unknown';
}

/**
 * Checks every request this client sends, once per logical call: a build-step middleware runs after serialization
 * (so the DynamoDB document client's marshalling has happened) and before the retry loop.
 */
export function attachModelCheck(client: unknown): void {
  const serviceId = serviceIdOf(client);
  const stack = (client as ClientLike).middlewareStack as BuildStack;
  stack.add(
    (next, context) => async (args) => {
      checkRequest(serviceId, operationOf(context), args.input, operationSchemaOf(context));
      return next(args);
    },
    { step: 'build', name: 'goldsmithModelCheck', priority: 'high' },
  );
}
