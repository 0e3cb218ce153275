import { createRequire } from 'node:module';

/**
 * Amazon States Language checks on a state machine definition taken from a synthesized template (intrinsics
 * already resolved): `asl-validator`'s schema and transition checks, and a walk over every state, nested ones
 * (Map item processors, Parallel branches) included.
 */

interface AslValidatorResult {
  isValid: boolean;
  // Schema errors carry `message`/`instancePath`; the other checks `Error code` and `Message`.
  errors: { message?: string; Message?: string; instancePath?: string; 'Error code'?: string }[] | null;
}
type AslValidator = (definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }) => AslValidatorResult;

// asl-validator is CommonJS without type declarations: load it through require and give it the shape its README documents.
const validator = createRequire(import.meta.url)('asl-validator') as AslValidator;

/** A state of the definition, named, wherever it is nested. */
export interface AslState {
  name: string;
  state: Record<string, unknown>;
}

/** Problems asl-validator finds (schema, JSONPath syntax, Resource ARNs, transitions, terminal states); `[]` if none. */
export function aslProblems(definition: unknown): string[] {
  // The validator fills in defaults (QueryLanguage) on the object it is given: keep the caller's copy intact.
  const { errors } = validator(structuredClone(definition), { checkPaths: true, checkArn: true });
  return (errors ?? []).map((e) => [e.instancePath, e['Error code'], e.message ?? e.Message].filter(Boolean).join(' '));
}

/** Every state of the definition, depth first, nested states included. */
export function allStates(definition: unknown): AslState[] {
  const out: AslState[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    const states = record.States;
    if (typeof states === 'object' && states !== null && !Array.isArray(states)) {
      for (const [name, state] of Object.entries(states as Record<string, Record<string, unknown>>)) {
        out.push({ name, state });
        walk(state);
      }
    }
    for (const [key, item] of Object.entries(record)) if (key !== 'States') walk(item);
  };
  walk(definition);
  return out;
}

/** The Lambda function ARN or name a Task state invokes, whether as its Resource or through `lambda:invoke`. */
export function invokedFunction(state: Record<string, unknown>): string | undefined {
  const resource = typeof state.Resource === 'string' ? state.Resource : '';
  if (/^arn:aws:lambda:/.test(resource)) return resource;
  if (resource.startsWith('arn:aws:states:::lambda:invoke')) {
    const params = (state.Parameters ?? state.Arguments) as Record<string, unknown> | undefined;
    const name = params?.FunctionName;
    return typeof name === 'string' ? name : undefined;
  }
  return undefined;
}
