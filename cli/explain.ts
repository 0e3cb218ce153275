import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from './command.js';
import { accountOf, type ExplainSetup, explainEvent, prepareExplain } from './explain-event.js';
import { renderExplanation } from './explain-output.js';
import { checkCatalogFile, DEFAULT_CATALOG_FILE } from './load-catalog.js';
import { parseOptions, UsageError } from './usage.js';

const HELP = `usage: goldsmith explain EVENT.json [--config FILE] [--json]

Dry run for one event, with no AWS call: is it a kind Goldsmith knows, does it parse, which of our rules match it
(synthesized from the catalog), and what Goldsmith would do. Exit 0 for an unknown kind or a known kind that parses,
2 for a known kind that is malformed, 1 for bad input.
  --config FILE   the catalog (default ${DEFAULT_CATALOG_FILE})
  --json          print one JSON document: { known, kind?, valid?, reason?, matched, routes, actions, notes }`;

/** Synthesis takes a second or two: one per catalog file and account per process. */
const setups = new Map<string, Promise<ExplainSetup | { problems: string[] }>>();

async function loadSetup(configPath: string, accountId: string): Promise<ExplainSetup | { problems: string[] }> {
  const parsed = await checkCatalogFile(configPath);
  return parsed.ok ? prepareExplain(parsed.catalog, dirname(configPath), accountId) : { problems: parsed.problems };
}

function setupFor(configPath: string, accountId: string): Promise<ExplainSetup | { problems: string[] }> {
  const key = `${accountId}:${configPath}`;
  let setup = setups.get(key);
  if (!setup) {
    setup = loadSetup(configPath, accountId);
    setups.set(key, setup);
  }
  return setup;
}

async function readEvent(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${path}: ${code === 'ENOENT' ? 'file not found' : (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not JSON: ${(error as Error).message}`);
  }
}

/** Bad input: one line per problem on stderr, and with --json also one `{ error, problems }` document on stdout. */
function fail(json: boolean | undefined, error: string, problems: readonly string[] = []): number {
  process.stderr.write([error, ...problems].map((line) => `${line}\n`).join(''));
  if (json) process.stdout.write(`${JSON.stringify({ error, problems }, null, 2)}\n`);
  return 1;
}

export const command: Command = {
  summary: 'dry run for one EventBridge event: known, valid, matched rules, actions',
  async run(args) {
    const { values, positionals } = parseOptions(
      args,
      { config: { type: 'string', short: 'c' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      1,
    );
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const [eventPath] = positionals;
    if (eventPath === undefined) throw new UsageError('which event? usage: goldsmith explain EVENT.json');
    let raw: unknown;
    try {
      raw = await readEvent(eventPath);
    } catch (error) {
      if (error instanceof UsageError) return fail(values.json, error.message);
      throw error;
    }
    const configPath = resolve(values.config ?? DEFAULT_CATALOG_FILE);
    if (values.json) process.stderr.write(`synthesizing the stacks for ${configPath}…\n`);
    const setup = await setupFor(configPath, accountOf(raw));
    if ('problems' in setup) return fail(values.json, `invalid catalog ${configPath}:`, setup.problems);
    const explanation = explainEvent(raw, setup);
    process.stdout.write(values.json ? `${JSON.stringify(explanation, null, 2)}\n` : renderExplanation(explanation));
    return explanation.known && explanation.valid === false ? 2 : 0;
  },
};
