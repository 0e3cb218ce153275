import type * as z from 'zod';

/** Renders a zod path the way people read JSON: `detail.state.status`, `resources[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(event)' : out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // zod's own enum message quotes and pipes the values; "expected one of A, B" reads better in a log line.
  if (issue.code === 'invalid_value' && issue.values.length > 1) {
    return `expected one of ${issue.values.map((value) => String(value)).join(', ')}`;
  }
  return issue.message;
}

/** One `path: message` line per problem, joined with `; ` so a reason fits on one log line. */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${formatPath(issue.path)}: ${describeIssue(issue)}`).join('; ');
}
