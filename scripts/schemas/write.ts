import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { inspectorFindingsRoleTemplate } from '../../core/lifecycle/inspector-reader.js';
import { catalogReference, withReference } from './catalog-reference.js';
import { cliReference } from './cli-reference.js';
import { jsonSchemas, schemaText } from './generate.js';
import { scpPolicyPages } from './scp-reference.js';

/** The arguments `npm run schemas` takes: `--check` writes nothing and says what is stale. */
export const SCHEMAS_ARGUMENTS: readonly string[] = ['--check'];

/** What `npm run schemas` did under a root: the files it (re)wrote, or with `check`, the ones that differ. */
export interface SchemasOutcome {
  /** Paths relative to the root, in the order written. */
  readonly files: readonly string[];
  /** Of those, the ones whose committed text differs from what the schemas generate (every file, when writing). */
  readonly stale: readonly string[];
}

async function textOf(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Generates docs/schemas/*.schema.json and the field reference of docs/catalog.md under `root` from the zod schemas,
 * docs/templates/inspector-findings-role.json from its code, docs/security/scp-policy.md from core/scp/, and
 * docs/reference/cli.md and docs/reference/cli-acting.md from the commands' --help.
 * Writes them, or with `check`, writes nothing and says which differ from what is committed.
 */
export async function writeSchemas(root: string, options: { check?: boolean } = {}): Promise<SchemasOutcome> {
  const wanted = new Map<string, string>();
  for (const [file, schema] of Object.entries(jsonSchemas())) wanted.set(`docs/schemas/${file}`, schemaText(schema));
  const page = await textOf(join(root, 'docs/catalog.md'));
  if (page === undefined) throw new Error('docs/catalog.md not found: the field reference goes into it');
  wanted.set('docs/catalog.md', withReference(page, catalogReference()));
  // The role a security account grants when it is Inspector's delegated administrator, from its code.
  wanted.set(
    'docs/templates/inspector-findings-role.json',
    `${JSON.stringify(inspectorFindingsRoleTemplate(), null, 2)}\n`,
  );
  // The service control policy, from core/scp/ (what `goldsmith scp --stage prod` writes).
  for (const [page, text] of Object.entries(scpPolicyPages())) wanted.set(page, text);
  // Every goldsmith command's --help, from cli/.
  for (const [file, text] of await cliReference()) wanted.set(file, text);
  const stale: string[] = [];
  for (const [file, text] of wanted) {
    if ((await textOf(join(root, file))) !== text) stale.push(file);
  }
  if (!options.check) {
    for (const [file, text] of wanted) {
      await mkdir(dirname(join(root, file)), { recursive: true });
      await writeFile(join(root, file), text);
    }
  }
  return { files: [...wanted.keys()], stale };
}
