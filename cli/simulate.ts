import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from './commands.js';
import { DEFAULT_CATALOG_FILE, loadCatalogFile } from './load-catalog.js';
import { renderSimulation } from './simulate-output.js';
import { parseOptions, UsageError } from './usage.js';

const HELP = `usage: goldsmith simulate [--config FILE] [--scenario FILE] [--json] [--seed N] [--html FILE]

Runs Goldsmith end to end on the embedded local cloud, in virtual time, with no AWS account.
  --config FILE     the catalog (default ${DEFAULT_CATALOG_FILE})
  --scenario FILE   a scenario (JSON, see README); default: the built-in quarter
  --json            print the report as one JSON document (progress goes to stderr)
  --seed N          override the scenario's seed (fault injection, drops)
  --html FILE       also write the run as one self-contained HTML page (lanes, monthly chart, tables)`;

const DEFAULT_SCENARIO = resolve(dirname(fileURLToPath(import.meta.url)), '../local/simulator/default-scenario.json');

export const command: Command = {
  summary: 'run the whole system on the local cloud in virtual time',
  async run(args) {
    const { values } = parseOptions(args, {
      config: { type: 'string', short: 'c' },
      scenario: { type: 'string', short: 's' },
      json: { type: 'boolean' },
      seed: { type: 'string' },
      html: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const configPath = resolve(values.config ?? DEFAULT_CATALOG_FILE);
    const catalog = await loadCatalogFile(configPath);
    const { scenarioSchema } = await import('../local/simulator/scenario.js');
    const scenarioPath = values.scenario ?? DEFAULT_SCENARIO;
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(scenarioPath, 'utf8'));
    } catch (error) {
      throw new UsageError(`cannot read scenario ${scenarioPath}: ${(error as Error).message}`);
    }
    const parsed = scenarioSchema.safeParse(raw);
    if (!parsed.success) {
      const lines = parsed.error.issues.map((i) => `scenario.${i.path.join('.')}: ${i.message}`);
      process.stdout.write(`${lines.join('\n')}\n`);
      return 1;
    }
    const scenario = parsed.data;
    if (values.seed !== undefined) {
      if (!/^-?\d+$/.test(values.seed)) throw new UsageError('--seed takes a whole number');
      scenario.seed = Number(values.seed);
    }
    const { simulate } = await import('../local/simulator/index.js');
    const { progressLine, wantsProgress } = await import('../local/simulator/progress.js');
    const showProgress = wantsProgress({
      json: values.json === true,
      isTTY: process.stderr.isTTY,
      env: process.env,
      spanMs: Date.parse(scenario.until) - Date.parse(scenario.start),
    });
    const progress = showProgress ? progressLine((t) => process.stderr.write(t)) : undefined;
    const result = await simulate(catalog, scenario, dirname(configPath), { onProgress: progress?.tick });
    progress?.done();
    if (values.html) {
      const { renderHtml } = await import('../local/simulator/html/index.js');
      const channelsOf = (image: string) => catalog.images[image]?.channels ?? catalog.channels.map((c) => c.name);
      await writeFile(resolve(values.html), renderHtml(result, channelsOf));
      process.stderr.write(`wrote ${values.html}\n`);
    }
    if (values.json) {
      const { report, timeline, notes, run } = result;
      process.stdout.write(`${JSON.stringify({ ...report, timeline, notes, run }, null, 2)}\n`);
    } else {
      process.stdout.write(renderSimulation(result));
    }
    return result.report.consistency.ok && result.report.apiModel.violations.length === 0 ? 0 : 1;
  },
};
