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

export function constraintShape(ctx: Context, name: string | undefined): ConstraintShape | undefined {
  return name === undefined ? undefined : ctx.constraints?.shapes[name];
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a Date';
  if (v instanceof Uint8Array) return 'bytes';
  return v === null ? 'null' : `a ${typeof v}`;
}

export const at = (path: string) => path || '(top level)';

export function wrongType(ctx: Context, path: string, expected: string, value: unknown): void {
  add(ctx, path, 'type', `expected ${expected}, got ${describe(value)}`);
}

export function add(ctx: Context, path: string, rule: string, message: string): void {
  ctx.problems.push({ path: at(path), rule, message });
}

export const join = (path: string, name: string) => (path ? `${path}.${name}` : name);
