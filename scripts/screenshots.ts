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
 * Chrome or Chromium binary. Usage: `npm run screenshots [-- NAME …]` (default: every picture below).
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const browser = process.env.CHROMIUM ?? 'chromium';

/** docs/images/<name>.png ← the HTML report of `goldsmith simulate` with these arguments. */
const PICTURES: Record<string, { args: string[]; width: number; height: number }> = {
  'simulation-report': { args: [], width: 1400, height: 1000 },
};

function run(command: string, args: string[]): void {
  const done = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (done.error) throw new Error(`${command}: ${done.error.message} (is it installed? see scripts/screenshots.ts)`);
  if (done.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${done.status}`);
}

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(PICTURES);
const work = mkdtempSync(join(tmpdir(), 'goldsmith-screenshots-'));
try {
  mkdirSync(join(root, 'docs/images'), { recursive: true });
  for (const name of names) {
    const picture = PICTURES[name];
    if (!picture) throw new Error(`unknown picture ${name} (known: ${Object.keys(PICTURES).join(', ')})`);
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
