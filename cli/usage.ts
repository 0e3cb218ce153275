import { parseArgs } from 'node:util';
import { GoldsmithError } from '../core/errors.js';

/** Bad command-line arguments: printed as one line to stderr, exit code 1. */
export class UsageError extends GoldsmithError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Parses a command's options strictly: an unknown option or a missing value is a `UsageError`. */
export function parseOptions<T extends OptionSpec>(args: readonly string[], options: T, allowPositionals = 0) {
  try {
    const parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: allowPositionals > 0 });
    if (parsed.positionals.length > allowPositionals) {
      throw new UsageError(`unexpected argument "${parsed.positionals[allowPositionals]}"`);
    }
    return parsed;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // node:util explains unknown options well; keep its first sentence, without the Node error code.
    const text = error instanceof Error ? error.message : String(error);
    // An option whose value is missing before another option: said as node:util says it of one at the end.
    const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(text);
    const message = ambiguous ? `Option '${ambiguous[1]} <value>' argument missing` : text.split('. ')[0];
    throw new UsageError(message ?? 'invalid arguments');
  }
}

/**
 * The subcommand of a command that has several (`lifecycle release …`, `rollout pause …`): its name and its arguments,
 * or undefined after printing `usage` for `--help`.
 * @param needs the line that asks for a subcommand when none is given
 * @throws UsageError naming what is missing
 */
export function subcommandOf(
  args: readonly string[],
  usage: string,
  needs: string,
): { sub: string; rest: readonly string[] } | undefined {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h') {
    process.stdout.write(`${usage}\n`);
    return undefined;
  }
  if (sub === undefined) throw new UsageError(needs);
  return { sub, rest };
}
