import { relative } from 'node:path';
import type { Command } from './commands.js';
import { checkCatalogFile, DEFAULT_CATALOG_FILE } from './load-catalog.js';
import { summarizeCatalog, summaryLine } from './summary.js';
import { parseOptions } from './usage.js';

const HELP = `usage: goldsmith validate [--config FILE] [--json]

Checks the catalog (default ${DEFAULT_CATALOG_FILE}; .ts or .json) and its component files.
Valid: exit 0 and a one-line summary. Invalid: exit 1 and one line per problem, starting with the field path.
  --config FILE   the catalog file; component paths are relative to its folder
  --json          print one JSON document: { file, valid, summary } or { file, valid, problems }`;

export const command: Command = {
  summary: 'check the catalog and its component files',
  async run(args) {
    const { values } = parseOptions(args, {
      config: { type: 'string', short: 'c' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const path = values.config ?? DEFAULT_CATALOG_FILE;
    const file = relative(process.cwd(), path) || path;
    const result = await checkCatalogFile(path);
    if (values.json) {
      const report = result.ok
        ? { file, valid: true, summary: summarizeCatalog(result.catalog) }
        : { file, valid: false, problems: result.problems };
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else if (result.ok) {
      process.stdout.write(`${summaryLine(file, summarizeCatalog(result.catalog))}\n`);
    } else {
      process.stdout.write(result.problems.map((p) => `${p}\n`).join(''));
    }
    return result.ok ? 0 : 1;
  },
};
