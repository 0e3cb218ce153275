import type * as z from 'zod';

/**
 * Problems are reported as `field.path: what is wrong`, with dots between keys and `[i]` for array items:
 * `images.app.parent.image: unknown image "bse"`, `channels[2].targets: …`. The root is written `catalog`.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? 'catalog' : out;
}

export function problem(path: readonly PropertyKey[], message: string): string {
  return `${formatPath(path)}: ${message}`;
}

/**
 * The per-parse error map: plain-language messages for zod's defaults. Messages written in the schema take
 * precedence over this map, so only issues without one reach it.
 */
export const catalogErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'is required'
        : `must be ${article(issue.expected)}, not ${describe(issue.input)}`;
    case 'too_small':
      if (issue.origin === 'array') return `must list at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return 'must not be empty';
      return `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array') return `must list at most ${issue.maximum} items`;
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      return `must be at most ${issue.maximum}`;
    case 'invalid_value':
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'invalid_format':
      // Stryker disable next-line LogicalOperator: an issue without a `pattern` key reads it as undefined, the same branch
      return 'pattern' in issue && issue.pattern
        ? `must match ${String(issue.pattern)}`
        : `must be a valid ${issue.format}`;
    // Stryker disable next-line ConditionalExpression: without this case the function also ends returning undefined
    default:
      return undefined;
  }
};

/** Turns zod issues into `path: message` lines; one line per unknown key, and unions explained by their best branch. */
export function issuesToProblems(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) out.push(problem([...path, key], 'unknown key'));
        break;
      case 'invalid_key':
        out.push(...issuesToProblems(issue.issues, path).map((p) => p.replace(': ', ': invalid name: ')));
        break;
      case 'invalid_union': {
        const branch = bestBranch(issue.errors);
        if (branch) out.push(...issuesToProblems(branch, path));
        else out.push(problem(path, issue.message));
        break;
      }
      default:
        out.push(problem(path, issue.message));
    }
  }
  return out;
}

// The branch the author most likely meant: one whose root type matched, with the fewest complaints.
function bestBranch(branches: readonly (readonly z.core.$ZodIssue[])[]): readonly z.core.$ZodIssue[] | undefined {
  const typed = branches.filter((b) => !b.some((i) => i.code === 'invalid_type' && i.path.length === 0));
  // No typed branch: the fewest of none is Infinity, no branch has it, and no branch is best.
  const fewest = Math.min(...typed.map((b) => b.length));
  const best = typed.filter((b) => b.length === fewest);
  return best.length === 1 ? best[0] : undefined;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describe(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  return article(typeof input);
}
