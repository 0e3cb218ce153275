import { DEFAULT_DEPLOYER } from '../core/scp/roles.js';
import { UsageError } from './usage.js';

/**
 * `--deployer ROLE`, as `goldsmith scp`, `goldsmith preflight` and `npm run deploy` take it: the role your deploy
 * pipeline deploys as, which the service control policy exempts from the statements only the deployment may pass
 * (docs/security/scp.md); default goldsmith-deployer. `goldsmith scp` writes the policy for it; preflight checks the
 * policy for it (and, without it, for the role its credentials are a session of: aws/preflight/preflight-deployer.ts);
 * `npm run deploy` hands it to preflight.
 */

/** The option as parseOptions (cli/usage.ts) takes it. */
export const DEPLOYER_OPTION = { deployer: { type: 'string' } } as const;

/** Its help line (the name and what it means), the same in each command's usage; the name padded to `column`. */
export const deployerHelp = (column = 17): string =>
  `${'--deployer ROLE'.padEnd(column)}your deploy pipeline's role, which the SCP exempts (default ${DEFAULT_DEPLOYER})`;

/** IAM's rule for a role name (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html). */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * `--${option}`'s value, checked as an IAM role name (no path: the policy names `arn:aws:iam::*:role/NAME`); undefined
 * when not given.
 * @throws UsageError naming the option
 */
export function roleOption(value: string | undefined, option = 'deployer'): string | undefined {
  if (value === undefined) return undefined;
  if (!ROLE_NAME.test(value))
    throw new UsageError(`--${option} must be an IAM role name (1-64 of A-Za-z0-9+=,.@_-), not "${value}"`);
  return value;
}

/** `--deployer`'s role, or the default `goldsmith scp` writes the policy for. */
export const deployerRole = (value: string | undefined): string => roleOption(value) ?? DEFAULT_DEPLOYER;

/**
 * `--deployer ROLE` or `--deployer=ROLE` taken out of raw arguments (`npm run deploy`, whose other arguments go to
 * `sst deploy` as given): the role named, if any, and the arguments left.
 * @throws UsageError when the value is missing or not a role name
 */
export function takeDeployer(argv: readonly string[]): { deployer?: string; rest: string[] } {
  const at = argv.findIndex((a) => a === '--deployer' || a.startsWith('--deployer='));
  if (at === -1) return { rest: [...argv] };
  const arg = argv[at] as string;
  const inline = arg !== '--deployer';
  const value = inline ? arg.slice('--deployer='.length) : argv[at + 1];
  if (value === undefined || value === '' || value.startsWith('-'))
    throw new UsageError("Option '--deployer <value>' argument missing");
  const rest = argv.filter((_, i) => i !== at && (inline || i !== at + 1));
  return { deployer: roleOption(value), rest };
}
