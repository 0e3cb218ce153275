import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidCatalogError } from '../core/errors.js';
import { LOCAL_STAGE } from '../local/simulator/cloud-types.js';
import type { Command } from './command.js';
import { DEPLOYER_OPTION, deployerHelp, deployerRole, roleOption } from './deployer-option.js';
import { SST_STAGE_NAME } from './preflight.js';
import { renderScp, type ScpWritten, scpJson } from './scp-output.js';
import { parseOptions, UsageError } from './usage.js';

const HELP = `usage: goldsmith scp (--stage STAGE | --local DIR) [--out DIR] [--json] [--offline] [--deployer ROLE] [--key-rotator ROLE] [--config FILE]

The service control policy of docs/security/scp.md for a deployment (the stage, the account, the names its stacks gave
its roles, read with your credentials), split into as few minified policies as fit 5,120 characters, with the SCP
slots they take and the aws organizations commands that create and attach them. Offline (--offline, no credentials,
--local DIR: the local cloud's stage, local) the account is * and the names as synthesized. Fails naming a deployed role its exemption misses.
The catalog's approvers (access.approvers) are the front door's callers besides the operators' role.
  --out DIR  write DIR/<part>.json   --json  one JSON document
  ${deployerHelp()}
  --key-rotator ROLE  the role rotating the signing keys (default goldsmith-key-rotator)
  --config FILE  the catalog whose approvers the front door admits (default goldsmith.config.ts)`;

export const command: Command = {
  summary: "the service control policy for a deployment's names, split to fit Organizations' quota",
  async run(args) {
    const { values } = parseOptions(args, {
      stage: { type: 'string' },
      local: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      offline: { type: 'boolean' },
      ...DEPLOYER_OPTION,
      'key-rotator': { type: 'string' },
      config: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    if ((values.stage === undefined) === (values.local === undefined))
      throw new UsageError('say where: --stage STAGE (a deployment) or --local DIR (a saved local cloud)');
    if (values.stage !== undefined && !SST_STAGE_NAME.test(values.stage))
      throw new UsageError(
        `--stage must be a stage name (a letter, then letters, digits and -), not "${values.stage}"`,
      );
    const { DEFAULT_KEY_ROTATOR } = await import('../core/scp/statements.js');
    const deployer = deployerRole(values.deployer);
    const keyRotator = roleOption(values['key-rotator'], 'key-rotator') ?? DEFAULT_KEY_ROTATOR;
    // A saved local cloud's stacks are synthesized for the stage `local`: its roles and keys carry that name.
    const stage = values.stage ?? LOCAL_STAGE;
    const { readDeployment } = await import('./scp-deployment.js');
    const read =
      values.local !== undefined
        ? await readDeployment(stage, { local: values.local })
        : await readDeployment(stage, { offline: values.offline === true });
    if (read.mismatches.length > 0) {
      process.stderr.write(
        `goldsmith scp: ${read.mismatches.join('; ')}: the policy would refuse these roles' calls; report it with the role names\n`,
      );
      return 1;
    }
    let approvers: string[];
    let repositories: string[];
    let sinkSecrets: string[];
    try {
      const { loadCatalogFile, DEFAULT_CATALOG_FILE } = await import('./load-catalog.js');
      const catalog = await loadCatalogFile(values.config ?? DEFAULT_CATALOG_FILE);
      const { approverPrincipalArns } = await import('../core/scp/deployment-statements.js');
      approvers = approverPrincipalArns(Object.values(catalog.access.approvers).flat());
      // The container repositories the catalog names outside `goldsmith/` (ContainerImagesOnlyByGoldsmith).
      repositories = Object.values(catalog.images).flatMap((spec) =>
        spec.kind === 'container' && spec.repository && !spec.repository.startsWith('goldsmith/')
          ? [spec.repository]
          : [],
      );
      const { sinkSecretNames } = await import('../core/notifications/sinks.js');
      sinkSecrets = sinkSecretNames(catalog.notifications);
    } catch (error) {
      if (!(error instanceof InvalidCatalogError)) throw error;
      for (const p of error.problems) process.stderr.write(`goldsmith scp: ${p} (--config FILE names the catalog)\n`);
      return 1;
    }
    const { goldsmithScp } = await import('../core/scp/split.js');
    const written: ScpWritten = {
      stage,
      account: read.account,
      roles: read.roles,
      parts: goldsmithScp({ stage, account: read.account, deployer, keyRotator, approvers, repositories, sinkSecrets }),
    };
    if (values.out !== undefined) {
      await mkdir(values.out, { recursive: true });
      written.files = {};
      for (const part of written.parts) {
        const file = join(values.out, `${part.name}.json`);
        await writeFile(file, part.content);
        written.files[part.name] = file;
      }
    }
    process.stdout.write(values.json ? `${JSON.stringify(scpJson(written), null, 2)}\n` : renderScp(written));
    return 0;
  },
};
