import type { ApiModel, ApiShape, ConstraintModel, ConstraintShape } from './load.js';

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

export interface Context {
  readonly api: ApiModel;
  readonly constraints: ConstraintModel | undefined;
  readonly direction: Direction;
  readonly problems: ModelProblem[];
  /** Members present in the SDK's schema but not in the published model. */
  newer: number;
  /**
   * Where the walk is: each step down (a member's name, a list index, a map key) and its kind. The member path is
   * spelled out only when a problem is found: the walk itself makes no string per member it visits.
   */
  readonly steps: (string | number)[];
  readonly kinds: Step[];
}

/** A step down into a value: a structure's member (`a.b`), a list item (`a[0]`), a map's key (`a{k}`) or value (`a.k`). */
export const Step = { Member: 0, Item: 1, Key: 2, Value: 3 } as const;
export type Step = (typeof Step)[keyof typeof Step];

/** A context for checking one value from its top level. */
export function newContext(api: ApiModel, constraints: ConstraintModel | undefined, direction: Direction): Context {
  return { api, constraints, direction, problems: [], newer: 0, steps: [], kinds: [] };
}

/** Steps into `step` (of `kind`); `leave` steps back out. */
export function enter(ctx: Context, kind: Step, step: string | number): void {
  ctx.kinds.push(kind);
  ctx.steps.push(step);
}

export function leave(ctx: Context): void {
  ctx.kinds.pop();
  ctx.steps.pop();
}

/** The member path of where the walk is (`LaunchPermission.Add[0].Group`; empty at the top level). */
export function pathOf(ctx: Context): string {
  let path = '';
  for (let i = 0; i < ctx.steps.length; i++) {
    const step = ctx.steps[i];
    switch (ctx.kinds[i]) {
      case Step.Member:
        path = path ? `${path}.${step}` : String(step);
        break;
      case Step.Item:
        path = `${path}[${step}]`;
        break;
      case Step.Key:
        path = `${path}{${step}}`;
        break;
      default:
        path = `${path}.${step}`;
    }
  }
  return path;
}

/** Each member reference's resolved shape, made once: every request and response checked walks the same refs. */
const resolved = new WeakMap<ApiShape, ApiShape>();

export function resolve(api: ApiModel, ref: ApiShape): ApiShape {
  if (!ref.shape) return ref;
  let out = resolved.get(ref);
  if (!out) {
    const { shape, ...rest } = ref;
    out = { ...api.shapes[shape], ...rest };
    resolved.set(ref, out);
  }
  return out;
}

/** botocore's shape named `name`, in the constraints of `models` (a check's context, or a node's plan). */
export function constraintShape(
  models: { readonly constraints: ConstraintModel | undefined },
  name: string | undefined,
): ConstraintShape | undefined {
  return name === undefined ? undefined : models.constraints?.shapes[name];
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a Date';
  if (v instanceof Uint8Array) return 'bytes';
  return v === null ? 'null' : `a ${typeof v}`;
}

const at = (path: string) => path || '(top level)';

export function wrongType(ctx: Context, expected: string, value: unknown): void {
  add(ctx, 'type', `expected ${expected}, got ${describe(value)}`);
}

/** A problem where the walk is. */
export function add(ctx: Context, rule: string, message: string): void {
  addAt(ctx, pathOf(ctx), rule, message);
}

/** A problem at `path`, named by the caller (`(operation)`, a top-level member). */
export function addAt(ctx: Context, path: string, rule: string, message: string): void {
  ctx.problems.push({ path: at(path), rule, message });
}
