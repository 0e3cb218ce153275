import { dirname, relative, resolve } from 'node:path';
import { catalogWarnings } from '../core/config/catalog.js';
import { keyGrantQuotaWarnings } from '../core/config/rules/key-grants-organization.js';
import { rolloutBaselineWarnings, rolloutWavesInOrganization } from '../core/config/rules/rollout-organization.js';
import { factoryPrincipalWarnings } from '../core/trust/factory-principals.js';
import type { Command } from './command.js';
import { checkCatalogFile, componentFilesIn, DEFAULT_CATALOG_FILE } from './load-catalog.js';
import { summarizeCatalog, summaryLine } from './summary.js';
import { parseOptions, UsageError } from './usage.js';
import { checkCatalogLimits, limitsLine } from './validate-limits.js';
import { validationOrganization } from './validate-organization.js';

const HELP = `usage: goldsmith validate [--config FILE] [--json] [--catalog-only] [--local DIR | --scenario FILE] [--factory-account ID]

Checks the catalog (default ${DEFAULT_CATALOG_FILE}; .ts or .json) and its component files, then synthesizes every
stack from it, offline, and measures the result against AWS's limits: CloudFormation (resources, outputs,
parameters and size per stack), IAM (policy sizes, managed policies per role), Lambda (environment, payload),
Step Functions (definition, state size), EventBridge (patterns, rules, targets, bus policy), Image Builder
(components per recipe, document size), Parameter Store (channel pointers per Region) and EC2 (AMIs per Region,
and the AMI sharing quota: the organizations, OUs and accounts each AMI is shared with when a version holds every
channel of its image at once). Without an organization, channel targets are counted as the catalog names them;
accounts selected by tag and exclusions inside OUs are counted only against an organization (--local, --scenario;
\`goldsmith preflight\` reads the real one), and only against one is each account a rollout wave names checked
to be a member its channel's targets reach, and is the AMI key's grants quota estimated per Region: a warning at 80 %
of KMS's 50,000 grants per key, one grant per targeted account and one per attached volume (the scenario's fleets'
instances per account; 1 against a saved cloud), or the daily grants count where a saved cloud's ledger holds one.
Valid: exit 0, a one-line summary, a line on the tightest limit and a \`warning:\` line for each thing the catalog
allows but probably does not mean (an approver nothing would tell of a request). Invalid: exit 1 and one line per
problem, every problem at once, starting with the field path; a limit's line names the limit, the figure and the
images responsible.
  --config FILE    the catalog file; component paths are relative to its folder
  --json           print one JSON document: { file, valid, summary, limits, warnings } or { file, valid, problems }
                   (with catalogOf when --local chose the file)
  --catalog-only   skip the synthesis (a few seconds): check only the limits the catalog meets by itself
  --local DIR      resolve channel targets against the organization a saved local cloud holds; without --config,
                   check the catalog that cloud ran
  --scenario FILE  resolve channel targets against the organization a simulation scenario describes
  --factory-account ID  the account Goldsmith is deployed in: a warning for each operator or approver that is a
                   principal of it (any of its IAM administrators can take it over)`;

export const command: Command = {
  summary: 'check the catalog, its component files and the AWS limits its stacks meet',
  async run(args) {
    const { values } = parseOptions(args, {
      config: { type: 'string', short: 'c' },
      json: { type: 'boolean' },
      'catalog-only': { type: 'boolean' },
      local: { type: 'string' },
      scenario: { type: 'string' },
      'factory-account': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const factoryAccount = values['factory-account'];
    if (factoryAccount !== undefined && !/^\d{12}$/.test(factoryAccount))
      throw new UsageError(`--factory-account must be a 12-digit AWS account id, not "${factoryAccount}"`);
    const path = values.config ?? (await savedCatalog(values.local)) ?? DEFAULT_CATALOG_FILE;
    // Without --config, --local checks the catalog the saved cloud ran, as the other commands given DIR do: said so.
    const savedFrom = values.config === undefined && values.local !== undefined ? values.local : undefined;
    // Named as the user would find it: relative to the working directory when inside it, else as given.
    const inside = relative(process.cwd(), path);
    const file = inside && !inside.startsWith('..') ? inside : path;
    const parsed = await checkCatalogFile(path);
    const synthesize = !values['catalog-only'];
    if (parsed.ok && synthesize && process.stderr.isTTY) process.stderr.write('synthesizing the stacks offline…\n');
    const org = parsed.ok ? await validationOrganization(parsed.catalog, values) : undefined;
    const limits = parsed.ok
      ? await checkCatalogLimits(parsed.catalog, path, { synthesize, organization: org?.tree })
      : undefined;
    // A wave's account or OU the organization does not hold: only an organization can tell.
    const outside = parsed.ok && org ? rolloutWavesInOrganization(parsed.catalog, org.tree, org.source) : [];
    const problems = parsed.ok ? [...outside, ...(limits?.problems ?? [])] : parsed.problems;
    const valid = problems.length === 0;
    const warnings = parsed.ok ? catalogWarnings(parsed.catalog, componentFilesIn(dirname(resolve(path)))) : [];
    if (parsed.ok && org) warnings.push(...rolloutBaselineWarnings(parsed.catalog, org.tree, org.source));
    if (parsed.ok && factoryAccount !== undefined)
      warnings.push(...factoryPrincipalWarnings(parsed.catalog, factoryAccount));
    // The AMI key's grants per Region, explicit and per volume, from the targets and the fleet's size.
    if (parsed.ok && org)
      warnings.push(
        ...keyGrantQuotaWarnings(parsed.catalog, org.tree, org.source, org.volumesPerAccount ?? 1, org.counted),
      );
    const from = savedFrom !== undefined ? { catalogOf: `the saved cloud in ${savedFrom}` } : {};
    if (savedFrom !== undefined && !values.json) {
      process.stdout.write(
        `checked ${file}: the catalog the saved cloud in ${savedFrom} ran (--config FILE checks another)\n`,
      );
    }
    if (values.json) {
      const report =
        valid && parsed.ok
          ? { file, ...from, valid, summary: summarizeCatalog(parsed.catalog), limits: limits?.figures, warnings }
          : { file, ...from, valid, problems };
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else if (valid && parsed.ok && limits) {
      process.stdout.write(`${summaryLine(file, summarizeCatalog(parsed.catalog))}\n${limitsLine(limits)}\n`);
      process.stdout.write(warnings.map((w) => `warning: ${w}\n`).join(''));
    } else {
      process.stdout.write(problems.map((p) => `${p}\n`).join(''));
    }
    return valid ? 0 : 1;
  },
};

/** The catalog file the saved cloud in `dir` ran (undefined without `dir`). */
async function savedCatalog(dir: string | undefined): Promise<string | undefined> {
  if (dir === undefined) return undefined;
  const { readState } = await import('./operator/saved-state.js');
  return (await readState(dir)).catalogFile;
}
