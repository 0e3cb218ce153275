import { VERIFY_USAGE, type VerifyOptions, verifyOptions } from './verify/args.js';
import type { CheckLine } from './verify/checks.js';

/**
 * `npm run verify`: one line per deploy-readiness check with its figure, then the problems of any check that
 * failed; exit 1 if one did. `npm test` (scripts/test.mjs) runs it beside vitest with `--suite-on-stdin-end`: the
 * checks run at once, and the first line, which totals the requests the whole test run checked against AWS's models,
 * is taken when the standard input closes, which `npm test` does when vitest has ended.
 */
const ROOT = new URL('../', import.meta.url).pathname;

// The arguments first, before the checks' modules load (seconds): a mistyped one is refused at once.
const options = verifyOptions(process.argv.slice(2));
if ('problem' in options) {
  process.stderr.write(`npm run verify: ${options.problem}\n`);
  process.exitCode = 1;
} else if (options.help) {
  process.stdout.write(`${VERIFY_USAGE}\n`);
} else {
  await verify(options);
}

/** Every check, one line each with its figure, then the problems; exit code 1 when a check failed. */
async function verify(options: VerifyOptions): Promise<void> {
  const [
    { default: exampleCatalog },
    { parseCatalogInput },
    { largeCatalog },
    { rolloutCatalog },
    { minimalCatalog },
    { checkApp },
    { limitsLine },
    { takeSuiteFigures },
    { hostileYearLine },
    { default: everyOption },
  ] = await Promise.all([
    import('../goldsmith.config.js'),
    import('../stacks/catalog.js'),
    import('../test/fixtures/catalogs/large.js'),
    import('../test/fixtures/catalogs/rollout.js'),
    import('../test/stacks/helpers.js'),
    import('./verify/checks.js'),
    import('./verify/limits.js'),
    import('./verify/suite-figures.js'),
    import('./verify/year.js'),
    import('../examples/catalogs/every-option.js'),
  ]);

  /** Resolves when the standard input closes (whatever it carried is ignored). */
  function stdinEnd(): Promise<void> {
    return new Promise((resolve) => {
      process.stdin.on('data', () => {});
      process.stdin.once('end', () => resolve());
      process.stdin.once('close', () => resolve());
    });
  }

  /** The line that totals the requests a test run checked against AWS's API models. */
  function suiteLine(suite: { files: number; requests: number; responses: number; violations: number }): CheckLine {
    return {
      name: 'requests to the local cloud checked against AWS API models (whole test run)',
      figure:
        suite.files === 0
          ? '0 (no test run recorded: npm test runs vitest first)'
          : `${suite.requests} requests, ${suite.responses} fake responses, ${suite.violations} violations`,
      problems: suite.violations > 0 ? [`${suite.violations} violations: the failing tests name each one`] : [],
    };
  }

  const lines: CheckLine[] = [];
  for (const [label, catalog] of [
    ['example catalog', exampleCatalog],
    ['minimal catalog', minimalCatalog()],
  ] as const) {
    lines.push(...(await checkApp(label, catalog, ROOT)));
    lines.push(await limitsLine(label, catalog, ROOT));
  }
  // The rollout engine's functions and the member rollout role exist only when a channel rolls out; the Teams and
  // webhook functions only when the catalog configures them.
  lines.push(...(await checkApp('every-option catalog (examples/catalogs/every-option.ts)', everyOption, ROOT)));
  lines.push(...(await checkApp('rollout catalog (test/fixtures/catalogs/rollout.ts)', rolloutCatalog(), ROOT)));
  lines.push(await limitsLine('100-image catalog (test/fixtures/catalogs/large.ts)', largeCatalog(100), ROOT));
  // The faulted year costs ~15 minutes of CPU: `npm test` (which runs verify) says it did not run it; `npm run verify --
  // --year` runs it.
  if (options.year) {
    lines.push(await hostileYearLine(parseCatalogInput(exampleCatalog, ROOT), ROOT));
  } else {
    lines.push({
      name: '12 months, 10% throttling, 2% server errors, 10% image events dropped, every event delivered 3 times',
      figure: 'not run (0 months simulated): `npm run verify -- --year` runs it (~15 min of CPU)',
      problems: [],
    });
  }

  if (options.suiteOnStdinEnd) await stdinEnd();
  lines.unshift(suiteLine(takeSuiteFigures()));

  let failed = 0;
  for (const line of lines) {
    const ok = line.problems.length === 0;
    if (!ok) failed++;
    process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${line.name}: ${line.figure}\n`);
  }
  for (const line of lines) for (const p of line.problems) process.stdout.write(`  ${line.name}: ${p}\n`);
  process.exitCode = failed > 0 ? 1 : 0;
}
