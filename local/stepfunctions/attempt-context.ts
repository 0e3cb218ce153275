import type { Json } from './json.js';
import { readPath } from './jsonpath.js';
import { TaskError } from './tokens.js';

/**
 * The Context object's per-attempt fields (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html):
 * "State: Contains information about the current state, such as the EnteredTime, Name, and RetryCount", and
 * Execution.RedriveCount, "The number of times an execution has been redriven". aws-local-stepfunctions resolves a
 * Task's Parameters once, before the first attempt, against a context without them; a Task whose Parameters read
 * them has its Parameters resolved here instead, again for every attempt, so `$$.State.RetryCount` counts attempts.
 */
export interface AttemptState {
  name: string;
  enteredTime: string;
  retryCount: number;
}

const ATTEMPT_PATHS = /"\$\$\.(State\b|Execution\.RedriveCount\b)/;

/** Whether a Task's Parameters read a field the context has only per attempt. */
export function readsAttemptContext(parameters: Json | undefined): boolean {
  return parameters !== undefined && ATTEMPT_PATHS.test(JSON.stringify(parameters));
}

/** The execution's context with this attempt's State and the execution's RedriveCount (no redrive runs locally: 0). */
export function attemptContext(base: { [key: string]: Json }, state: AttemptState): { [key: string]: Json } {
  const execution = (base.Execution ?? {}) as { [key: string]: Json };
  return {
    ...base,
    Execution: { ...execution, RedriveCount: 0 },
    State: { Name: state.name, EnteredTime: state.enteredTime, RetryCount: state.retryCount },
  };
}

/**
 * A Parameters template resolved against the state's input and the context: a `<key>.$` field takes the value at its
 * path (`$.` the input, `$$.` the context); a path that reaches no value fails the attempt with States.Runtime, as a
 * Task whose Parameters name a missing field does.
 */
export function resolveParameters(template: Json, input: Json, context: Json, stateName: string): Json {
  if (Array.isArray(template)) return template.map((v) => resolveParameters(v, input, context, stateName));
  if (template === null || typeof template !== 'object') return template;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(template)) {
    if (!key.endsWith('.$')) {
      out[key] = resolveParameters(value, input, context, stateName);
      continue;
    }
    if (typeof value !== 'string' || !value.startsWith('$')) {
      throw new TaskError(
        'States.Runtime',
        `${stateName}: Parameters field "${key}" is not a path (intrinsics are resolved only before the first attempt)`,
      );
    }
    const resolved = value.startsWith('$$') ? readPath(context, value.slice(1)) : readPath(input, value);
    if (resolved === undefined) {
      throw new TaskError('States.Runtime', `${stateName}: Path expression '${value}' does not point to a value`);
    }
    out[key.slice(0, -2)] = resolved as Json;
  }
  return out;
}
