import { operatorRequestSchema } from '../../events/operator-request.js';
import { UsageError } from '../usage.js';

/** How each field of an operator request is typed on the command line, and the form it takes. */
const ARGUMENTS: Record<string, { flag: (action: string) => string; expected: string }> = {
  image: { flag: () => 'IMAGE', expected: 'an image name of the catalog' },
  channel: { flag: () => 'CHANNEL', expected: 'a channel name of the catalog' },
  version: {
    flag: (action) =>
      ['approve', 'reject', 'promote'].includes(action) || action.startsWith('rollout-')
        ? '--version'
        : action === 'rollback'
          ? '--to'
          : 'VERSION',
    expected: 'a build version like "1.0.0/3"',
  },
  reason: { flag: () => '--reason', expected: 'one to 1,000 characters' },
  at: {
    flag: () => '--at',
    expected: 'an ISO-8601 time with its zone, like "2027-01-20T09:00:00Z" or "2027-01-20T10:00:00+01:00"',
  },
};

/**
 * Checks a request's arguments against the operator endpoint's own schema before anything is read, sent or
 * replayed: a malformed one is refused at once, naming the argument, what was given and the form it takes.
 * @throws UsageError
 */
export function checkArguments(request: Record<string, unknown>): void {
  const parsed = operatorRequestSchema.safeParse(request);
  if (parsed.success) return;
  const action = String(request.action);
  const problems = parsed.error.issues.map((issue) => {
    const field = String(issue.path[0] ?? '');
    const argument = ARGUMENTS[field];
    if (argument === undefined) return issue.message;
    const given = request[field];
    const shown = typeof given === 'string' ? `"${given}"` : 'nothing';
    return `${argument.flag(action)}: ${shown} is not ${argument.expected}`;
  });
  throw new UsageError(problems.join('; '));
}
