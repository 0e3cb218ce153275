import { InvalidCatalogError } from '../core/errors.js';
import { commands } from './commands.js';
import { UsageError } from './usage.js';

const USAGE = `usage: goldsmith <command> [options]
       goldsmith --version [--json]

commands: ${Object.keys(commands).join(', ')}
run "goldsmith help <command>" (or "goldsmith <command> --help") for a command's options`;

const SIGN_IN =
  'sign in (aws sso login, or set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and run it again, ' +
  'or point the command at a saved local cloud with --local DIR';

/**
 * Problems with the caller's AWS set-up rather than with Goldsmith, as one line naming the fix. The SDK's own
 * error names (https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/migrate-credential-providers.html):
 * a stack trace of the credential chain helps nobody who simply is not signed in.
 */
export function awsSetupProblem(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  switch (error.name) {
    case 'CredentialsProviderError':
      return `no AWS credentials found (${error.message}): ${SIGN_IN}`;
    case 'ExpiredToken':
    case 'ExpiredTokenException':
      return `your AWS session has expired (${error.message}): ${SIGN_IN}`;
    case 'UnrecognizedClientException':
    case 'InvalidClientTokenId':
      return `AWS does not recognise these credentials (${error.message}): ${SIGN_IN}`;
    default:
      return undefined;
  }
}

/**
 * Runs `goldsmith <command> ...args` and resolves to the exit code (0 success, 1 invalid input or failed run).
 * Output goes to process.stdout / process.stderr.
 */
export async function main(argv: readonly string[]): Promise<number> {
  // `goldsmith help COMMAND` is `goldsmith COMMAND --help`; `goldsmith help` alone, the list of commands.
  if (argv[0] === 'help' && argv[1] !== undefined) return main([argv[1], '--help']);
  const [name, ...args] = argv;
  if (name === '--version' || name === '-v') {
    // The release, and in a git checkout its commit against the release commits CHANGELOG.md records.
    const [{ checkoutIdentity }, { versionLine, versionReport }] = await Promise.all([
      import('./checkout.js'),
      import('../core/release/changelog.js'),
    ]);
    const id = checkoutIdentity();
    process.stdout.write(args.includes('--json') ? `${JSON.stringify(versionReport(id))}\n` : `${versionLine(id)}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
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
    // A catalog that does not validate: its problems, each naming the field, and nothing done.
    if (error instanceof InvalidCatalogError) {
      process.stderr.write(`goldsmith ${name}: ${error.message}\n`);
      return 1;
    }
    const aws = awsSetupProblem(error);
    if (aws) {
      process.stderr.write(`goldsmith ${name}: ${aws}\n`);
      return 1;
    }
    throw error;
  }
}
