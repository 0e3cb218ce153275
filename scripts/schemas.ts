import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCHEMAS_ARGUMENTS, writeSchemas } from './schemas/write.js';

// `npm run schemas`: writes docs/schemas/*.schema.json and the field reference of docs/catalog.md from the zod
// schemas, docs/templates/inspector-findings-role.json from its code, and docs/reference/cli.md from the commands'
// --help. `npm run schemas -- --check` writes nothing and exits 1 naming each file that differs (what
// test/unit/docs/schemas.test.ts and test/unit/docs/cli-reference.test.ts fail on).
const USAGE = 'usage: npm run schemas [-- --check]';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const unknown = args.find((a) => !SCHEMAS_ARGUMENTS.includes(a));
if (unknown !== undefined) {
  process.stderr.write(`npm run schemas: unknown argument "${unknown}"\n${USAGE}\n`);
  process.exitCode = 1;
} else if (args.includes('--check')) {
  const { files, stale } = await writeSchemas(root, { check: true });
  if (stale.length === 0) process.stdout.write(`up to date: ${files.join(', ')}\n`);
  for (const file of stale) process.stdout.write(`stale: ${file} (npm run schemas rewrites it)\n`);
  process.exitCode = stale.length === 0 ? 0 : 1;
} else {
  const { files } = await writeSchemas(root);
  for (const file of files) {
    process.stdout.write(
      file === 'docs/catalog.md' ? 'wrote the field reference in docs/catalog.md\n' : `wrote ${file}\n`,
    );
  }
}
