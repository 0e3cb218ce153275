import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectorFindingsRoleTemplate } from '../../../core/lifecycle/inspector-reader.js';
import { catalogReference, withReference } from '../../../scripts/schemas/catalog-reference.js';
import { jsonSchemas, schemaText } from '../../../scripts/schemas/generate.js';

const root = resolve(import.meta.dirname, '../../..');

describe('the committed JSON Schemas and catalog reference', () => {
  for (const [file, schema] of Object.entries(jsonSchemas())) {
    it(`docs/schemas/${file} is the one generated from the zod schema (npm run schemas)`, async () => {
      const committed = await readFile(join(root, 'docs/schemas', file), 'utf8');
      expect(committed).toBe(schemaText(schema));
    });
  }

  it("docs/catalog.md's field table is the one generated from the catalog schema (npm run schemas)", async () => {
    const page = await readFile(join(root, 'docs/catalog.md'), 'utf8');
    expect(page).toBe(withReference(page, catalogReference()));
  });

  it('docs/templates/inspector-findings-role.json is the one generated from its code (npm run schemas)', async () => {
    const committed = await readFile(join(root, 'docs/templates/inspector-findings-role.json'), 'utf8');
    expect(JSON.parse(committed)).toEqual(inspectorFindingsRoleTemplate());
  });

  it('the field table lists every field of the catalog, nested ones included', () => {
    const table = catalogReference();
    for (const path of ['organization.id', 'images.<name>.retention.deprecateAfter', 'channels[].targets.exclude.ous'])
      expect(table).toContain(`| \`${path}\` |`);
    expect(table).toMatch(/\| `images\.<name>\.retention\.keep` \| integer \| `3` \| ≥ 1, ≤ 100 \|/);
  });

  it('writes a pattern with alternatives as it is, its | escaped for the Markdown table', () => {
    const table = catalogReference();
    expect(table).toContain('| pattern `^([01]\\d\\|2[0-3]):[0-5]\\d$` |');
    expect(table).not.toContain('¦');
  });

  it('the scenario schema names every event kind the simulator accepts', () => {
    const text = JSON.stringify(jsonSchemas()['scenario.schema.json']);
    for (const kind of ['base-image-release', 'package-release', 'approve', 'revoke', 'let-expire', 'cve'])
      expect(text).toContain(`"const":"${kind}"`);
  });
});
