import type { CallerAnswer } from '../../aws/deploy/caller.js';
import { takeDeployer } from '../../cli/deployer-option.js';
import { SST_STAGE_NAME } from '../../cli/preflight.js';
import { UsageError } from '../../cli/usage.js';
import { type DeployVerdict, deployVerdict, type StageRecord } from '../../core/release/deployed.js';

export const USAGE = 'usage: npm run deploy -- --stage STAGE [--pre-release] [--deployer ROLE] [sst deploy options]';

/** Goes to preflight, not to `sst deploy`: a pre-release checkout deployed on purpose (docs/upgrading.md). */
const PRE_RELEASE = '--pre-release';

/**
 * sst's global options that choose where and as whom it deploys (SST 2.49.8, node_modules/sst/cli/program.js and
 * project.js: `--region`, `--profile`, `--role` override the config's Region and the default credentials). The
 * credentials check, preflight and the read-back after the deploy use AWS_REGION and the default credentials: given
 * to sst alone, these would deploy where nothing was checked. Each is refused, naming what to set instead.
 */
export const SST_ELSEWHERE_OPTIONS: Readonly<Record<string, string>> = {
  '--region': 'set AWS_REGION instead (AWS_REGION=REGION npm run deploy -- --stage STAGE)',
  '--profile': 'set AWS_PROFILE instead (AWS_PROFILE=PROFILE npm run deploy -- --stage STAGE)',
  '--role':
    'assume the role through a profile instead (role_arn in ~/.aws/config, then AWS_PROFILE=PROFILE npm run deploy -- --stage STAGE)',
};

/** The first of `argv`'s options that would send sst elsewhere than preflight checked, with what to do instead. */
export function elsewhereOption(argv: readonly string[]): string | undefined {
  for (const arg of argv) {
    const option = arg.split('=')[0] as string;
    const instead = Object.hasOwn(SST_ELSEWHERE_OPTIONS, option) ? SST_ELSEWHERE_OPTIONS[option] : undefined;
    if (instead !== undefined)
      return `${option} is refused: it would reach sst deploy only, while the credentials check, preflight and the check after the deploy use AWS_REGION and AWS_PROFILE (the default credentials): ${instead}`;
  }
  return undefined;
}

/** How long `npm run deploy` waits for STS to say who is deploying, the SDK's retries included. */
export const CREDENTIALS_BOUND_MS = 20_000;

/** What `npm run deploy` does, each step at the edge (steps.ts) so that the order and the decisions can be tested. */
export interface DeploySteps {
  /** This checkout's release and commit ("unknown" outside a git checkout). */
  checkout(): { version: string; commit: string };
  /** The Region sst.config.ts deploys to (AWS_REGION, else us-east-1). */
  region: string;
  callerIdentity(region: string, boundMs: number): Promise<CallerAnswer>;
  /**
   * `goldsmith preflight --stage STAGE [--pre-release] [--deployer ROLE]`: its exit code and MISSING lines (shown as it
   * runs).
   */
  preflight(stage: string, preRelease: boolean, deployer?: string): Promise<{ code: number; missing: string[] }>;
  /** `sst deploy ARGS` with the terminal: its exit code. */
  sstDeploy(args: readonly string[]): Promise<number>;
  /** What the stage records (its stacks' outputs, the release parameter). */
  recorded(stage: string, region: string): Promise<StageRecord>;
}

/** `--stage S` or `--stage=S` out of `argv`; the rest goes to `sst deploy` as given. */
export function stageOf(argv: readonly string[]): { stage?: string; problem?: string } {
  const at = argv.findIndex((a) => a === '--stage' || a.startsWith('--stage='));
  if (at === -1) return { problem: `--stage is required (${USAGE})` };
  const arg = argv[at] as string;
  const stage = arg === '--stage' ? argv[at + 1] : arg.slice('--stage='.length);
  if (stage === undefined || stage === '' || stage.startsWith('-'))
    return { problem: `--stage needs a value (${USAGE})` };
  if (!SST_STAGE_NAME.test(stage))
    return { problem: `--stage "${stage}" is not a stage name: a letter, then letters, digits or hyphens` };
  return { stage };
}

const SIGN_IN =
  'sign in (aws sso login, or set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and run it again';

/** The one line for a caller identity that is not an identity. */
function credentialsProblem(answer: Exclude<CallerAnswer, { kind: 'ok' }>, region: string): string {
  switch (answer.kind) {
    case 'timeout':
      return `STS in ${region} did not answer within ${answer.seconds} s: check the network, a proxy (HTTPS_PROXY) or AWS_ENDPOINT_URL, then run again`;
    case 'unreachable':
      return `STS in ${region} cannot be reached (${answer.said}): check the network, a proxy (HTTPS_PROXY) or AWS_ENDPOINT_URL, then run again`;
    case 'credentials': {
      const { name, message } = answer.error;
      // The SDK's error names (https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/migrate-credential-providers.html).
      const what =
        name === 'CredentialsProviderError'
          ? 'no AWS credentials found'
          : /Expired/.test(name)
            ? 'the AWS session has expired'
            : 'STS refused the credentials';
      return `${what} (${name}: ${message}): ${SIGN_IN}`;
    }
  }
}

/**
 * `npm run deploy -- --stage S …`: the credentials (STS, bounded), then `goldsmith preflight --stage S`, then
 * `sst deploy --stage S …`; then whether the deploy happened, from what the stage records (core/release/deployed.ts).
 * Each refusal is one line on stderr, exit 1.
 */
export async function runDeploy(
  given: readonly string[],
  steps: DeploySteps,
  say: { out(line: string): void; err(line: string): void },
): Promise<number> {
  if (given.includes('--help') || given.includes('-h')) {
    say.out(USAGE);
    return 0;
  }
  // `--deployer ROLE` goes to preflight (cli/deployer-option.ts, as goldsmith scp and preflight take it), not to sst.
  let taken: ReturnType<typeof takeDeployer>;
  try {
    taken = takeDeployer(given);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    say.err(`npm run deploy: ${error.message} (${USAGE})`);
    return 1;
  }
  const { deployer, rest: argv } = taken;
  const { stage, problem } = stageOf(argv);
  const elsewhere = elsewhereOption(argv);
  if (stage === undefined || elsewhere !== undefined) {
    say.err(`npm run deploy: ${problem ?? elsewhere}`);
    return 1;
  }
  const who = await steps.callerIdentity(steps.region, CREDENTIALS_BOUND_MS);
  if (who.kind !== 'ok') {
    say.err(`npm run deploy: not deploying: ${credentialsProblem(who, steps.region)}`);
    return 1;
  }
  say.out(`npm run deploy: deploying as ${who.arn} (account ${who.account}) to ${steps.region}`);
  const preRelease = argv.includes(PRE_RELEASE);
  const ready = await steps.preflight(stage, preRelease, deployer);
  if (ready.code !== 0) {
    for (const line of ready.missing) say.err(line);
    say.err(
      `npm run deploy: not deploying: goldsmith preflight --stage ${stage}${deployer === undefined ? '' : ` --deployer ${deployer}`} is not ready (${ready.missing.length} MISSING above); fix them and run again`,
    );
    return 1;
  }
  const exit = await steps.sstDeploy(['deploy', ...argv.filter((a) => a !== PRE_RELEASE)]);
  let verdict: DeployVerdict;
  try {
    verdict = deployVerdict(stage, steps.checkout(), exit, await steps.recorded(stage, steps.region));
  } catch (error) {
    const said = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    verdict = {
      ok: false,
      line: `sst deploy exited ${exit} but stage ${stage}'s stacks cannot be read (${said}): whether the deploy happened is unknown (goldsmith status --stage ${stage})`,
    };
  }
  if (verdict.ok) say.out(`npm run deploy: ${verdict.line}`);
  else say.err(`npm run deploy: ${verdict.line}`);
  return verdict.ok ? 0 : 1;
}
