import type { PreflightCheck } from '../aws/preflight/preflight-check.js';
import { InvalidCatalogError } from '../core/errors.js';
import { MINIMUM_ACCOUNT_CONCURRENCY } from '../stacks/reserved-concurrency.js';
import { checkoutHistory, checkoutIdentity } from './checkout.js';
import type { Command } from './command.js';
import { DEPLOYER_OPTION, deployerHelp, roleOption } from './deployer-option.js';
import { DEFAULT_CATALOG_FILE, loadCatalogFile } from './load-catalog.js';
import { parseOptions, UsageError } from './usage.js';

const HELP = `usage: goldsmith preflight [--config FILE] [--region REGION] [--stage STAGE | --local DIR] [--pre-release] [--deployer ROLE] [--json]

Checks, with your AWS credentials and read-only calls, what a deployment needs that the stacks cannot create
(docs/deploy.md): credentials, the Region, the organization and whether this account may read its tree, the
Organizations delegation policy, RAM sharing with the organization, EC2's AMI sharing quota (every channel set a
version can hold, resolved against the real organization), the member baseline's StackSets trusted access, delegated
administrator, reach and failure tolerance, Inspector in every distribution Region and its delegated administrator (the
factory, or the catalog's organization.inspectorAdministrator),
the CDK bootstrap, Lambda concurrency, EC2 image block public access in every AMI Region, the service control policy
on Goldsmith's functions, the Slack secret, the stacks synthesized offline from the catalog against CloudFormation's
500 resources per stack and the other template limits (a stack over one is named with its figure), and with --stage
the release that stage runs (a checkout older than it is refused: docs/upgrading.md) and the operator steps the
upgrade from it takes (core/release/steps.ts): refused while a rollout moves groups and a release in between replaces the member rollout roles (the line names the
\`goldsmith rollout pause\` to run), while the SCP lacks a statement a release in between needs, and without
--pre-release for a checkout that is not its version's release commit; the alerts the deploy raises are printed.
The SCP is checked for the deployer: --deployer, else the role your credentials are a session of (STS
GetCallerIdentity), else goldsmith-deployer (an IAM user or the root user); credentials that are not the deployer's
are said in the \`deployer\` line, which fails when the SCP would refuse their deploy.
Prints one line per check and, for each one missing, the command or console step that fixes it. A read the SCP, a
declared upgrade step or the deploy needs that fails is MISSING, naming the permission to add; only what cannot be
read from this account by design (IAM, Organizations' trail and forwarding rule, …) or is not needed to deploy is
"unknown", with why and the command that reads it (docs/upgrading/preflight.md). Exit 0 when nothing is missing, 1 otherwise.

  --config FILE     the catalog (default ${DEFAULT_CATALOG_FILE})
  --region REGION   the Region to check (default AWS_REGION, then AWS_DEFAULT_REGION, then the catalog's homeRegion)
  --stage STAGE     the stage you will deploy: its recorded release (/goldsmith-release/STAGE, no newer than every
                    stack's) must not be newer than this checkout's, for the same release this checkout must contain
                    the commit its stacks record, and the steps from the oldest release recorded are checked
  --local DIR       rehearse the upgrade on a cloud saved by "goldsmith simulate --save DIR" (no credentials): the
                    release it records, its rollouts, the pre-release rule and the steps in between; the checks that
                    need an AWS account are "unknown"
  --pre-release     deploy a pre-release checkout (0.3.0-dev, or not at CHANGELOG's commit) on purpose; else refused
  ${deployerHelp(18)}
                    (without it, the role your credentials are a session of; the default for a user or root)
  --json            { ready, region, checks: [{ name, status, detail }] } (--local: { ready, local, checks })`;

const MARK = { ok: 'ok     ', missing: 'MISSING', 'not checked': 'unknown', warning: 'warning' } as const;

/** SST 2.49.8's rule for a stage name (its project.js, isValidStageName; https://www.npmjs.com/package/sst/v/2.49.8). */
export const SST_STAGE_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;

export const command: Command = {
  summary: "check a deployment's prerequisites with your AWS credentials (read-only)",
  async run(args) {
    const { values } = parseOptions(args, {
      config: { type: 'string' },
      region: { type: 'string' },
      stage: { type: 'string' },
      local: { type: 'string' },
      'pre-release': { type: 'boolean' },
      ...DEPLOYER_OPTION,
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (values.stage !== undefined && values.local !== undefined)
      throw new UsageError('--stage and --local are exclusive: a deployed stage, or a saved local cloud');
    const preRelease = values['pre-release'] === true;
    const deployer = roleOption(values.deployer);
    if (values.local !== undefined) {
      const { localPreflight } = await import('./preflight-local.js');
      return report(await localPreflight(values.local, preRelease), values.json === true, { local: values.local });
    }
    if (values.stage !== undefined && !SST_STAGE_NAME.test(values.stage))
      throw new UsageError(
        `--stage "${values.stage}" is not a stage name: a letter, then letters, digits or hyphens (as sst deploy --stage takes it)`,
      );
    let catalog: Awaited<ReturnType<typeof loadCatalogFile>>;
    try {
      catalog = await loadCatalogFile(values.config ?? DEFAULT_CATALOG_FILE);
    } catch (error) {
      if (!(error instanceof InvalidCatalogError)) throw error;
      for (const p of error.problems) process.stderr.write(`${p}\n`);
      return 1;
    }
    const region =
      values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? catalog.organization.homeRegion;
    const { preflight } = await import('../aws/preflight/preflight.js');
    const checks = await preflight(
      catalog,
      region,
      { accountConcurrency: MINIMUM_ACCOUNT_CONCURRENCY },
      {
        ...(values.stage === undefined
          ? {}
          : { stage: values.stage, history: checkoutHistory(), identity: checkoutIdentity(), preRelease }),
        ...(deployer === undefined ? {} : { deployer }),
      },
    );
    // What the deploy would create, held to CloudFormation's and the other template limits (offline).
    const { stackLimitsCheck } = await import('./preflight-stack-limits.js');
    checks.push(await stackLimitsCheck(catalog, values.config ?? DEFAULT_CATALOG_FILE, values.stage));
    return report(checks, values.json === true, { region }, values.stage);
  },
};

/** Prints the checks (a line each, or one JSON document); 0 when nothing is missing, 1 otherwise. */
function report(
  checks: readonly PreflightCheck[],
  json: boolean,
  where: { region: string } | { local: string },
  stage = '<stage>',
): number {
  const ready = checks.every((c) => c.status !== 'missing');
  if (json) {
    process.stdout.write(`${JSON.stringify({ ready, ...where, checks }, null, 2)}\n`);
  } else {
    for (const c of checks) process.stdout.write(`${MARK[c.status]}  ${c.name}: ${c.detail}\n`);
    const deploy =
      'local' in where
        ? 'the rehearsal passes: before deploying, run `goldsmith preflight --stage STAGE` with credentials'
        : `ready to deploy: npm run deploy -- --stage ${stage}`;
    process.stdout.write(ready ? `${deploy}\n` : 'not ready: fix what is MISSING above\n');
  }
  return ready ? 0 : 1;
}
