import { commands } from './commands.js';
import { UsageError } from './usage.js';

const USAGE = `usage: goldsmith <command> [options]

commands: ${Object.keys(commands).join(', ')}
run "goldsmith <command> --help" for a command's options`;

/**
 * Runs `goldsmith <command> ...args` and resolves to the exit code (0 success, 1 invalid input or failed run).
 * Output goes to process.stdout / process.stderr.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    (name === undefined ? process.stderr : process.stdout).write(`${USAGE}\n`);
    return name === undefined ? 1 : 0;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    process.stderr.write(`goldsmith: unknown command "${name}" (commands: ${Object.keys(commands).join(', ')})\n`);
    return 1;
  }
  try {
    return await (await load()).run(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`goldsmith ${name}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
