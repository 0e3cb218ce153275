import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCHEMAS_ARGUMENTS, writeSchemas } from './schemas/write.js';

// `npm run schemas`: writes docs/schemas/*.schema.json and the field reference of docs/catalog.md from the zod
// schemas, docs/templates/inspector-findings-role.json from its code, docs/reference/cli.md and
// docs/reference/cli-acting.md from the commands' --help, and docs/reference/iam.md from the stacks synthesized from examples/catalogs/every-option.ts.
// `npm run schemas -- --check` writes nothing and exits 1 naming each file that differs (what
// test/unit/docs/schemas.test.ts, test/unit/docs/cli-reference.test.ts and test/stacks/iam-reference.test.ts fail on).
const USAGE = 'usage: npm run schemas [-- --check]';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const unknown = args.find((a) => !SCHEMAS_ARGUMENTS.includes(a));
if (unknown !== undefined) {
  process.stderr.write(`npm run schemas: unknown argument "${unknown}"\n${USAGE}\n`);
  process.exitCode = 1;
} else {
  const check = args.includes('--check');
  const written = await writeSchemas(root, { check });
  // The IAM reference synthesizes the stacks (seconds): loaded only here. SST loads AWS SDK v2, whose end-of-support
  // notice on load says nothing about a dry run.
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';
  const [{ writeIamReference }, { default: catalog }] = await Promise.all([
    import('./schemas/iam-reference.js'),
    import('../examples/catalogs/every-option.js'),
  ]);
  const iam = await writeIamReference(root, catalog, { check });
  const files = [...written.files, iam.file];
  const stale = [...written.stale, ...(iam.stale ? [iam.file] : [])];
  if (check) {
    if (stale.length === 0) process.stdout.write(`up to date: ${files.join(', ')}\n`);
    for (const file of stale) process.stdout.write(`stale: ${file} (npm run schemas rewrites it)\n`);
    process.exitCode = stale.length === 0 ? 0 : 1;
  } else {
    for (const file of files) {
      process.stdout.write(
        file === 'docs/catalog.md' ? 'wrote the field reference in docs/catalog.md\n' : `wrote ${file}\n`,
      );
    }
  }
}
