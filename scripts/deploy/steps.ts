import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { callerIdentity } from '../../aws/deploy/caller.js';
import { deployedRelease } from '../../aws/preflight/preflight-release.js';
import { stageStacks } from '../../aws/preflight/preflight-stacks.js';
import { headCommit } from '../../cli/checkout.js';
import { UNKNOWN_COMMIT } from '../../core/release/commit.js';
import { GOLDSMITH_VERSION } from '../../core/release/index.js';
import type { DeploySteps } from './run.js';

/** This checkout (scripts/deploy/ is two folders down). */
const ROOT = new URL('../../', import.meta.url).pathname;

/** Runs `command ARGS` in the checkout; its stdout is shown as it comes and handed to `line` line by line. */
function run(command: string, args: readonly string[], line?: (text: string) => void): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['inherit', line ? 'pipe' : 'inherit', 'inherit'] });
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) line?.(l);
    });
    child.on('error', () => resolve(127));
    child.on('close', (code) => {
      if (pending !== '') line?.(pending);
      resolve(code ?? 1);
    });
  });
}

/** The steps as `npm run deploy` takes them: STS through the AWS edge, preflight and sst as child processes. */
export function deploySteps(): DeploySteps {
  return {
    checkout: () => ({ version: GOLDSMITH_VERSION, commit: headCommit(ROOT) ?? UNKNOWN_COMMIT }),
    // As sst.config.ts chooses it.
    region: process.env.AWS_REGION ?? 'us-east-1',
    callerIdentity,
    async preflight(stage, preRelease, deployer) {
      const missing: string[] = [];
      const goldsmith = [
        '--experimental-async-context-frame',
        join(ROOT, 'bin/goldsmith.mjs'),
        'preflight',
        '--stage',
        stage,
        ...(preRelease ? ['--pre-release'] : []),
        ...(deployer === undefined ? [] : ['--deployer', deployer]),
      ];
      const code = await run(process.execPath, goldsmith, (l) => {
        if (l.startsWith('MISSING')) missing.push(l);
      });
      return { code, missing };
    },
    sstDeploy: (args) => run(join(ROOT, 'node_modules/.bin/sst'), args),
    async recorded(stage, region) {
      const [parameter, { stacks }] = await Promise.all([deployedRelease(stage, region), stageStacks(stage, region)]);
      return { parameter, stacks };
    },
  };
}
