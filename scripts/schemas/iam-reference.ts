import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CatalogInput } from '../../core/config/schema.js';
import { synthesizeApp } from '../../test/stacks/readiness/synth.js';
import { actionsOf } from '../readiness/iam-actions.js';
import { DeployResolver, rolePolicies } from '../readiness/role-simulation.js';

/**
 * docs/reference/iam.md: the IAM actions each function's role allows, read off the stacks synthesized from the
 * example catalog with every optional block on (examples/catalogs/every-option.ts: its prod rollout, every
 * notification sink), so the page cannot drift from the stacks. `npm run verify` holds the roles to the calls the code makes; this page lists what it holds them to.
 */

/** Granted to every function by SST/CDK for its logs and traces (scripts/verify/checks.ts leaves them out too). */
const RUNTIME_ACTIONS = /^(xray|logs):/;
const WIDTH = 118;

/** Each function's handler, with the actions its role allows (Allow statements), sorted, runtime ones left out. */
export async function roleActions(catalog: CatalogInput): Promise<{ handler: string; actions: string[] }[]> {
  const app = await synthesizeApp(catalog);
  const resolver = new DeployResolver([...app.templates.values()], 'us-east-1');
  const byHandler = new Map<string, Set<string>>();
  for (const fn of app.functions) {
    const actions = byHandler.get(fn.handler) ?? new Set<string>();
    for (const { policy } of rolePolicies(resolver, fn.roleLogicalId)) {
      for (const statement of policy.Statement as { Effect?: string; Action?: unknown }[]) {
        if (statement.Effect !== 'Allow') continue;
        for (const action of actionsOf(statement)) if (!RUNTIME_ACTIONS.test(action)) actions.add(action);
      }
    }
    byHandler.set(fn.handler, actions);
  }
  return [...byHandler]
    .map(([handler, actions]) => ({ handler, actions: [...actions].sort() }))
    .sort((a, b) => a.handler.localeCompare(b.handler));
}

/** `items` joined with commas, wrapped at the page's width, continued lines indented two spaces. */
function wrapped(first: string, items: readonly string[]): string[] {
  const lines: string[] = [];
  let line = first;
  items.forEach((item, i) => {
    const word = `${item}${i < items.length - 1 ? ',' : '.'}`;
    if (line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = `  ${word}`;
    } else line += ` ${word}`;
  });
  lines.push(line);
  return lines;
}

/** The page's text. */
export async function iamReference(catalog: CatalogInput): Promise<string> {
  const roles = await roleActions(catalog);
  return [
    '# IAM actions by function',
    '',
    "This page answers which AWS actions each of Goldsmith's functions may call: the Allow statements of its role in",
    'the stacks synthesized from examples/catalogs/every-option.ts (the example catalog with a prod rollout and every',
    'notification sink), logs and tracing left out. Resources and conditions are in the templates (`npm run build`);',
    'why each door is shaped as it is: [../security.md](../security.md). `npm run verify` fails on a call the code',
    'makes that its role lacks, and on a grant no code uses. `npm run schemas` writes this page;',
    '`test/stacks/iam-reference.test.ts` fails when it differs.',
    '',
    ...roles.flatMap(({ handler, actions }) =>
      wrapped(
        `- \`${handler}\` (${actions.length}):`,
        actions.map((a) => `\`${a}\``),
      ),
    ),
    '',
  ].join('\n');
}

/** The page's path under the repository. */
export const IAM_REFERENCE = 'docs/reference/iam.md';

/**
 * Writes docs/reference/iam.md under `root` from `catalog`'s synthesized stacks, or with `check`, writes nothing and
 * says whether the committed page differs.
 */
export async function writeIamReference(
  root: string,
  catalog: CatalogInput,
  options: { check?: boolean } = {},
): Promise<{ file: string; stale: boolean }> {
  const text = await iamReference(catalog);
  const path = join(root, IAM_REFERENCE);
  const committed = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!options.check) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  }
  return { file: IAM_REFERENCE, stale: committed !== text };
}
