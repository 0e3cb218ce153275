import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Stryker } from '@stryker-mutator/core';
import { formatTable, type MutationReport, moduleScores } from './mutation/table.js';

/**
 * `npm run mutation`: Stryker over core/ (stryker.config.mjs), then the score of each module.
 * `npm run mutation -- core/errors/classify.ts [more files or globs]`: only those modules, with results kept apart
 * from the whole run's (reports/mutation/only/), so a run on one module does not make the next full run start over.
 * `npm run mutation -- --report`: print the last full run's table without running anything.
 */
const ROOT = new URL('../', import.meta.url).pathname;
const args = process.argv.slice(2);
const reportOnly = args.includes('--report');
const modules = args.filter((a) => !a.startsWith('--'));

// A folder name is at most 255 bytes: a long list of modules keeps its start and a hash of the whole list.
const fullSlug = modules.join('+').replace(/[^A-Za-z0-9.+-]+/g, '_');
const slug =
  fullSlug.length <= 120
    ? fullSlug
    : `${fullSlug.slice(0, 100)}-${createHash('sha256').update(fullSlug).digest('hex').slice(0, 12)}`;
const dir = modules.length === 0 ? 'reports/mutation' : `reports/mutation/only/${slug}`;
const reportFile = `${dir}/mutation.json`;

if (!reportOnly) {
  await new Stryker({
    configFile: 'stryker.config.mjs',
    ...(modules.length > 0 && { mutate: modules }),
    incrementalFile: `${dir}/incremental.json`,
    jsonReporter: { fileName: reportFile },
  }).runMutationTest();
}

if (!existsSync(reportFile)) {
  const run = ['npm run mutation', ...(modules.length > 0 ? ['--', ...modules] : [])].join(' ');
  console.error(
    `no report at ${reportFile}: run \`${run}\` first (a fresh clone has none; docs/testing/mutation.md has the last figures)`,
  );
  process.exit(1);
}
const report = JSON.parse(readFileSync(reportFile, 'utf8')) as MutationReport;
const { rows, total } = moduleScores(report, ROOT);
console.log(formatTable(rows, total).join('\n'));
