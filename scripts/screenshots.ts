import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * `npm run screenshots`: renders the documentation's pictures from today's runs, so they show what the code does
 * now. Each picture is a simulation written with `--html`, opened in headless Chromium and captured. Not part of
 * `npm test` (it runs whole simulations and needs a browser).
 *
 * Chromium: on Debian or Ubuntu, `apt-get update && apt-get install -y chromium`; elsewhere set CHROMIUM to a
 * Chrome or Chromium binary. Usage: `npm run screenshots [-- NAME …]` (default: every picture below). Without a
 * browser, or with a picture it does not know, it says so in one line and exits 1 before running anything.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const browser = process.env.CHROMIUM ?? 'chromium';

/** docs/images/<name>.png ← the HTML report of `goldsmith simulate` with these arguments. */
const PICTURES: Record<string, { args: string[]; width: number; height: number }> = {
  'simulation-report': { args: [], width: 1400, height: 1000 },
};

const INSTALL =
  'on Debian or Ubuntu: apt-get update && apt-get install -y chromium; elsewhere set CHROMIUM to a Chrome or ' +
  'Chromium binary';

/** A step that could not run: said in one line, without a stack trace. */
class ScreenshotsError extends Error {}

function run(command: string, args: string[]): void {
  const done = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (done.error) throw new ScreenshotsError(`${command}: ${done.error.message} (${INSTALL})`);
  if (done.status !== 0) throw new ScreenshotsError(`${command} ${args.join(' ')} exited ${done.status}`);
}

/** Why the browser cannot render the pictures, or undefined when it answers `--version`. */
function browserProblem(): string | undefined {
  const done = spawnSync(browser, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  const via = process.env.CHROMIUM === undefined ? '' : ' (from CHROMIUM)';
  if (done.error) {
    const missing = (done.error as NodeJS.ErrnoException).code === 'ENOENT';
    return missing
      ? `no Chromium found: "${browser}"${via} is not installed or not on the PATH; the pictures are rendered with headless Chromium (${INSTALL})`
      : `Chromium "${browser}"${via} could not be run: ${done.error.message} (${INSTALL})`;
  }
  if (done.status !== 0) return `Chromium "${browser}"${via} --version exited ${done.status} (${INSTALL})`;
  return undefined;
}

function main(wanted: readonly string[]): number {
  const names = wanted.length > 0 ? wanted : Object.keys(PICTURES);
  const unknown = names.filter((name) => !Object.hasOwn(PICTURES, name));
  if (unknown.length > 0) {
    throw new ScreenshotsError(`unknown picture ${unknown.join(', ')} (known: ${Object.keys(PICTURES).join(', ')})`);
  }
  // Before the simulations, which take minutes: without a browser they would be for nothing.
  const problem = browserProblem();
  if (problem) throw new ScreenshotsError(problem);
  const work = mkdtempSync(join(tmpdir(), 'goldsmith-screenshots-'));
  try {
    mkdirSync(join(root, 'docs/images'), { recursive: true });
    for (const name of names) {
      const picture = PICTURES[name] as (typeof PICTURES)[string];
      const html = join(work, `${name}.html`);
      run(process.execPath, [
        '--experimental-async-context-frame',
        'bin/goldsmith.mjs',
        'simulate',
        ...picture.args,
        '--html',
        html,
      ]);
      const png = join(root, 'docs/images', `${name}.png`);
      run(browser, [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--user-data-dir=${join(work, 'profile')}`,
        '--hide-scrollbars',
        `--window-size=${picture.width},${picture.height}`,
        `--screenshot=${png}`,
        pathToFileURL(html).href,
      ]);
      process.stdout.write(`wrote docs/images/${name}.png\n`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof ScreenshotsError)) throw error;
  process.stderr.write(`npm run screenshots: ${error.message}\n`);
  process.exitCode = 1;
}
