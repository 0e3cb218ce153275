import type { ApiModel, ApiShape, ConstraintModel, ConstraintShape, ServiceModels } from './load.js';

/**
 * Checks one SDK v3 request input or response output against a service's published model: the operation exists;
 * every member is one the model names; required members are present; each value has the model's type (structure,
 * list, map, string, number, boolean, timestamp as Date, blob); and, where the botocore model has them, enum
 * values, string lengths, list and map sizes, numeric ranges and patterns. The botocore shape is followed in step
 * with the aws-sdk one, member by member, and only where both agree on the type. Responses are checked for members,
 * types and enum values, not lengths, ranges or patterns: AWS validates those on what it receives, and its own
 * output does not always meet them (an image's `version` reads `1.0.0/10`, with its build number, while the
 * model's VersionNumber pattern has none: https://docs.aws.amazon.com/imagebuilder/latest/userguide/tag-resources.html).
 *
 * The aws-sdk v2 models stopped at 2.1693.0 (2025); members AWS added since (Organizations' `Account.State`, EC2's
 * `DeregisterImage` result) are in the schema the installed SDK v3 client serializes with. A member or operation
 * missing from the published model but present in that schema is counted as newer than the model, not as a
 * violation, and is checked for member names against the SDK's schema alone.
 */

/** The part of `@smithy/core/schema`'s NormalizedSchema read here: the installed SDK client's own schema. */
export interface SdkSchema {
  isStructSchema(): boolean;
  isListSchema(): boolean;
  isMapSchema(): boolean;
  isDocumentSchema(): boolean;
  getMemberSchemas(): Record<string, SdkSchema>;
  getValueSchema(): SdkSchema;
}

/** One broken rule, with the member path inside the request or response (`LaunchPermission.Add[0].Group`). */
export interface ModelProblem {
  readonly path: string;
  /** `operation`, `member`, `required`, `type`, `enum`, `length`, `range`, `pattern` or `union`. */
  readonly rule: string;
  readonly message: string;
}

export type Direction = 'request' | 'response';

interface Context {
  readonly api: ApiModel;
  readonly constraints: ConstraintModel | undefined;
  readonly direction: Direction;
  readonly problems: ModelProblem[];
  /** Members present in the SDK's schema but not in the published model. */
  newer: number;
}

const NUMERIC = new Set(['integer', 'long', 'float', 'double']);
const sameType = (a: string, b: string) => a === b || (NUMERIC.has(a) && NUMERIC.has(b));

const patternCache = new Map<string, RegExp | null>();
/** botocore's patterns are Java regular expressions; the few JavaScript cannot compile are skipped. */
function compile(pattern: string): RegExp | null {
  if (!patternCache.has(pattern)) {
    let re: RegExp | null = null;
    for (const flags of ['u', '']) {
      try {
        re = new RegExp(pattern, flags);
        break;
      } catch {
        // try the next flags
      }
    }
    patternCache.set(pattern, re);
  }
  return patternCache.get(pattern) ?? null;
}

/** Each member reference's resolved shape, made once: every request and response checked walks the same refs. */
const resolved = new WeakMap<ApiShape, ApiShape>();

function resolve(api: ApiModel, ref: ApiShape): ApiShape {
  if (!ref.shape) return ref;
  let out = resolved.get(ref);
  if (!out) {
    const { shape, ...rest } = ref;
    out = { ...api.shapes[shape], ...rest };
    resolved.set(ref, out);
  }
  return out;
}

function constraintShape(ctx: Context, name: string | undefined): ConstraintShape | undefined {
  return name === undefined ? undefined : ctx.constraints?.shapes[name];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a Date';
  if (v instanceof Uint8Array) return 'bytes';
  return v === null ? 'null' : `a ${typeof v}`;
}

const at = (path: string) => path || '(top level)';

function wrongType(ctx: Context, path: string, expected: string, value: unknown): void {
  add(ctx, path, 'type', `expected ${expected}, got ${describe(value)}`);
}

function add(ctx: Context, path: string, rule: string, message: string): void {
  ctx.problems.push({ path: at(path), rule, message });
}

function checkSize(ctx: Context, path: string, size: number, c: ConstraintShape | undefined, what: string): void {
  if (!c || ctx.direction === 'response') return;
  if (c.min !== undefined && size < c.min) add(ctx, path, 'length', `${what} ${size} is below the minimum ${c.min}`);
  if (c.max !== undefined && size > c.max) add(ctx, path, 'length', `${what} ${size} is above the maximum ${c.max}`);
}

function checkString(ctx: Context, path: string, value: string, c: ConstraintShape | undefined): void {
  if (!c) return;
  if (c.enum && !c.enum.includes(value)) {
    const shown =
      c.enum.length > 12 ? `${c.enum.slice(0, 12).join(', ')}, … (${c.enum.length} values)` : c.enum.join(', ');
    add(ctx, path, 'enum', `"${value}" is not one of ${shown}`);
  }
  // AWS counts a string's length in characters (code points); counted only where a length limit applies.
  if (ctx.direction === 'request' && (c.min !== undefined || c.max !== undefined))
    checkSize(ctx, path, codePoints(value), c, 'length');
  if (c.pattern !== undefined && ctx.direction === 'request') {
    const re = compile(c.pattern);
    if (re && !re.test(value)) add(ctx, path, 'pattern', `"${value}" does not match ${c.pattern}`);
  }
}

/** The number of code points in `value` (a surrogate pair is one), without building an array of them. */
export function codePoints(value: string): number {
  let count = value.length;
  for (let i = 0; i < value.length - 1; i++) {
    const high = value.charCodeAt(i);
    if (high < 0xd800 || high > 0xdbff) continue;
    const low = value.charCodeAt(i + 1);
    if (low >= 0xdc00 && low <= 0xdfff) {
      count--;
      i++;
    }
  }
  return count;
}

function checkNumber(ctx: Context, path: string, value: number, type: string, c: ConstraintShape | undefined): void {
  if ((type === 'integer' || type === 'long') && !Number.isInteger(value)) {
    add(ctx, path, 'type', `${value} is not an integer`);
  }
  if (!c || ctx.direction === 'response') return;
  if (c.min !== undefined && value < c.min) add(ctx, path, 'range', `${value} is below the minimum ${c.min}`);
  if (c.max !== undefined && value > c.max) add(ctx, path, 'range', `${value} is above the maximum ${c.max}`);
}

function checkStructure(
  ctx: Context,
  path: string,
  shape: ApiShape,
  value: Record<string, unknown>,
  c: ConstraintShape | undefined,
  sdk: SdkSchema | undefined,
): void {
  const members = shape.members ?? {};
  const sdkMembers = sdkMembersOf(sdk);
  for (const name of shape.required ?? []) {
    const member = members[name];
    const filledBySdk = member?.idempotencyToken === true && ctx.direction === 'request';
    if ((value[name] === undefined || value[name] === null) && !filledBySdk) {
      add(ctx, join(path, name), 'required', 'required member is missing');
    }
  }
  let set = 0;
  // Keys, not entries: one array per structure rather than one per member (every request and response walks here).
  for (const name of Object.keys(value)) {
    const v = value[name];
    if (v === undefined || v === null) continue;
    set++;
    const member = members[name];
    if (!member) {
      const newer = sdkMembers[name];
      if (newer) {
        ctx.newer++;
        checkSdkOnly(ctx, join(path, name), newer, v);
      } else add(ctx, join(path, name), 'member', `the model has no member "${name}" here`);
      continue;
    }
    checkValue(ctx, join(path, name), member, v, constraintShape(ctx, c?.members?.[name]), sdkMembers[name]);
  }
  if (shape.union && set !== 1) add(ctx, at(path), 'union', `a union takes exactly one member; ${set} are set`);
}

const join = (path: string, name: string) => (path ? `${path}.${name}` : name);

// A NormalizedSchema builds new member and value schemas on every call; each schema's are made once here, so the
// same request shape met again walks the same (cached) objects.
const memberSchemas = new WeakMap<SdkSchema, Record<string, SdkSchema>>();
const valueSchemas = new WeakMap<SdkSchema, SdkSchema | undefined>();

function sdkMembersOf(sdk: SdkSchema | undefined): Record<string, SdkSchema> {
  if (!sdk?.isStructSchema()) return {};
  let members = memberSchemas.get(sdk);
  if (!members) {
    members = sdk.getMemberSchemas();
    memberSchemas.set(sdk, members);
  }
  return members;
}

function sdkValue(sdk: SdkSchema | undefined): SdkSchema | undefined {
  if (!sdk) return undefined;
  if (!valueSchemas.has(sdk))
    valueSchemas.set(sdk, sdk.isListSchema() || sdk.isMapSchema() ? sdk.getValueSchema() : undefined);
  return valueSchemas.get(sdk);
}

/** Member names only, against the SDK's schema: for what the published model does not have yet. */
function checkSdkOnly(ctx: Context, path: string, sdk: SdkSchema, value: unknown): void {
  if (sdk.isDocumentSchema()) return;
  if (sdk.isStructSchema() && isRecord(value)) {
    const members = sdkMembersOf(sdk);
    for (const [name, v] of Object.entries(value)) {
      if (v === undefined || v === null) continue;
      const member = members[name];
      if (member) checkSdkOnly(ctx, join(path, name), member, v);
      else add(ctx, join(path, name), 'member', `neither the model nor the SDK's schema has a member "${name}" here`);
    }
  } else if (sdk.isListSchema() && Array.isArray(value)) {
    value.forEach((item, i) => {
      const inner = sdkValue(sdk);
      if (inner) checkSdkOnly(ctx, `${path}[${i}]`, inner, item);
    });
  } else if (sdk.isMapSchema() && isRecord(value)) {
    const inner = sdkValue(sdk);
    if (inner) for (const [k, v] of Object.entries(value)) checkSdkOnly(ctx, `${path}.${k}`, inner, v);
  }
}

function checkValue(
  ctx: Context,
  path: string,
  ref: ApiShape,
  value: unknown,
  c0: ConstraintShape | undefined,
  sdk?: SdkSchema,
): void {
  const shape = resolve(ctx.api, ref);
  const type = shape.type ?? 'string';
  const c = c0 && sameType(c0.type, type) ? c0 : undefined;
  if (shape.document || shape.streaming || shape.eventstream) return;
  switch (type) {
    case 'structure':
      if (!isRecord(value)) {
        wrongType(ctx, path, 'a structure', value);
        return;
      }
      checkStructure(ctx, path, shape, value, c, sdk);
      return;
    case 'list': {
      if (!Array.isArray(value)) {
        wrongType(ctx, path, 'a list', value);
        return;
      }
      checkSize(ctx, path, value.length, c, 'list size');
      // The items' constraints and SDK schema once per list, not once per item.
      const itemShape = constraintShape(ctx, c?.member);
      const itemSdk = sdkValue(sdk);
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (item !== undefined) checkValue(ctx, `${path}[${i}]`, shape.member ?? {}, item, itemShape, itemSdk);
      }
      return;
    }
    case 'map': {
      if (!isRecord(value)) {
        wrongType(ctx, path, 'a map', value);
        return;
      }
      const keys = Object.keys(value).filter((k) => value[k] !== undefined);
      checkSize(ctx, path, keys.length, c, 'map size');
      const keyShape = constraintShape(ctx, c?.key);
      const valueShape = constraintShape(ctx, c?.value);
      const valueSdk = sdkValue(sdk);
      for (const k of keys) {
        checkValue(ctx, `${path}{${k}}`, shape.key ?? {}, k, keyShape);
        checkValue(ctx, `${path}.${k}`, shape.value ?? {}, value[k], valueShape, valueSdk);
      }
      return;
    }
    case 'string':
    case 'character':
      if (typeof value !== 'string') {
        wrongType(ctx, path, 'a string', value);
        return;
      }
      checkString(ctx, path, value, c);
      return;
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      if (typeof value === 'bigint') return;
      if (typeof value !== 'number') {
        wrongType(ctx, path, 'a number', value);
        return;
      }
      checkNumber(ctx, path, value, type, c);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') {
        wrongType(ctx, path, 'a boolean', value);
        return;
      }
      return;
    case 'timestamp':
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
        wrongType(ctx, path, 'a Date', value);
        return;
      }
      return;
    case 'blob':
      if (!(value instanceof Uint8Array) && !(ctx.direction === 'request' && typeof value === 'string')) {
        wrongType(ctx, path, 'bytes', value);
      }
      return;
    default:
      return;
  }
}

export interface ModelCheckResult {
  readonly problems: ModelProblem[];
  /** Members checked only against the SDK's schema because the published model predates them. */
  readonly newerThanModel: number;
}

/**
 * Problems with `value` as the input (request) or output (response) of `operation`, per `models`. `sdk` is the
 * installed client's schema of the same input or output, when known. An operation neither has is a problem.
 */
export function checkAgainstModel(
  models: ServiceModels,
  operation: string,
  direction: Direction,
  value: Record<string, unknown>,
  sdk?: SdkSchema,
): ModelCheckResult {
  const ctx: Context = { api: models.api, constraints: models.constraints, direction, problems: [], newer: 0 };
  const op = models.api.operations[operation];
  if (!op) {
    if (sdk) {
      ctx.newer++;
      checkSdkOnly(ctx, '', sdk, value);
    } else add(ctx, '(operation)', 'operation', `${operation} is not an operation of this service`);
    return { problems: ctx.problems, newerThanModel: ctx.newer };
  }
  const ref = direction === 'request' ? op.input : op.output;
  const cop = models.constraints?.operations[operation];
  const cname = direction === 'request' ? cop?.input : cop?.output;
  if (ref) checkValue(ctx, '', ref, value, constraintShape(ctx, cname), sdk);
  else if (sdk) checkSdkOnly(ctx, '', sdk, value);
  else {
    const set = Object.entries(value).filter(([, v]) => v !== undefined);
    if (set.length > 0) add(ctx, set[0]![0], 'member', `${operation} has no ${direction} members in the model`);
  }
  return { problems: ctx.problems, newerThanModel: ctx.newer };
}
