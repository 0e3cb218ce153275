import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What a fresh Node process saw when it imported a bundle. */
export interface ColdLoad {
  /** Median `import()` time over the runs, in milliseconds (wall clock). */
  ms: number;
  /** Every run's time, in milliseconds. */
  runs: number[];
  /**
   * Median CPU time the process spent in the `import()` (user + system, every thread: compiling, running, GC), in
   * milliseconds: the work itself, which other processes on a shared machine disturb far less than the wall clock.
   */
  cpuMs: number;
  /** Every run's CPU time, in milliseconds. */
  cpuRuns: number[];
  /** Whether the module's handler export is a function (what Lambda calls). */
  handlerIsFunction: boolean;
}

/**
 * The Node that Lambda's nodejs22.x matches: the project's `node_modules/.bin/node` (the `node` 22 package),
 * else the running Node.
 */
export function lambdaNode(root: string): string {
  const local = join(root, 'node_modules', '.bin', 'node');
  return existsSync(local) ? local : process.execPath;
}

/** `v22.23.3` for the given node binary. */
export async function nodeVersion(node: string): Promise<string> {
  const { stdout } = await run(node, ['--version']);
  return stdout.trim();
}

/**
 * The environment of a Lambda cold start without AWS: the runtime's own variables, fake credentials (so nothing
 * reaches for a profile or IMDS), then the function's variables.
 */
export function fakeLambdaEnvironment(functionName: string, region: string, own: Record<string, string>) {
  return {
    PATH: process.env.PATH ?? '',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_SESSION_TOKEN: 'bundle-report',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...own,
  };
}

// Runs in the child: one import, timed (wall clock and CPU) from just before it, then the handler export's type.
const PROBE = `
const [url, exportName] = process.argv.slice(-2);
const cpu = process.cpuUsage();
const started = performance.now();
const mod = await import(url);
const ms = performance.now() - started;
const used = process.cpuUsage(cpu);
const cpuMs = (used.user + used.system) / 1000;
process.stdout.write(JSON.stringify({ ms, cpuMs, handlerIsFunction: typeof mod[exportName] === 'function' }), () => process.exit(0));
`;

// Node prints the failing source line before the error itself: report the error.
function firstErrorLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  return (lines.find((l) => /^\w*Error\b|^\w+: /.test(l.trim())) ?? lines[0] ?? '').trim();
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Imports `file` in `runs` fresh Node processes, one after the other, and times the import alone (not Node's
 * own start-up). A module that throws while loading rejects with the child's stderr.
 */
export async function measureColdLoad(
  file: string,
  options: { node: string; exportName: string; env: Record<string, string>; runs?: number; timeoutMs?: number },
): Promise<ColdLoad> {
  const runs: number[] = [];
  const cpuRuns: number[] = [];
  let handlerIsFunction = false;
  for (let i = 0; i < Math.max(1, options.runs ?? 1); i++) {
    const { stdout } = await run(
      options.node,
      ['--input-type=module', '-e', PROBE, pathToFileURL(file).href, options.exportName],
      { env: options.env, timeout: options.timeoutMs ?? 30_000, maxBuffer: 1 << 20 },
    ).catch((error: { stderr?: string; message: string }) => {
      throw new Error(`importing ${file} failed: ${firstErrorLine(error.stderr || error.message)}`);
    });
    const probe = JSON.parse(stdout) as { ms: number; cpuMs: number; handlerIsFunction: boolean };
    runs.push(probe.ms);
    cpuRuns.push(probe.cpuMs);
    handlerIsFunction = probe.handlerIsFunction;
  }
  return { ms: median(runs), runs, cpuMs: median(cpuRuns), cpuRuns, handlerIsFunction };
}
