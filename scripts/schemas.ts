import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectorFindingsRoleTemplate } from '../core/lifecycle/inspector-reader.js';
import { catalogReference, withReference } from './schemas/catalog-reference.js';
import { jsonSchemas, schemaText } from './schemas/generate.js';

// `npm run schemas`: writes docs/schemas/*.schema.json and the field reference of docs/catalog.md from the zod schemas,
// and docs/templates/inspector-findings-role.json (the role a security account grants) from its code.
// test/unit/docs/schemas.test.ts fails while the committed files differ from what this writes.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'docs', 'schemas');
await mkdir(dir, { recursive: true });
for (const [file, schema] of Object.entries(jsonSchemas())) {
  await writeFile(join(dir, file), schemaText(schema));
  process.stdout.write(`wrote docs/schemas/${file}\n`);
}
const page = join(root, 'docs', 'catalog.md');
await writeFile(page, withReference(await readFile(page, 'utf8'), catalogReference()));
process.stdout.write('wrote the field reference in docs/catalog.md\n');
const templates = join(root, 'docs', 'templates');
await mkdir(templates, { recursive: true });
await writeFile(
  join(templates, 'inspector-findings-role.json'),
  `${JSON.stringify(inspectorFindingsRoleTemplate(), null, 2)}\n`,
);
process.stdout.write('wrote docs/templates/inspector-findings-role.json\n');
