import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSchemas } from '../../../scripts/schemas/write.js';
import { testTempDir } from '../../helpers/temp-dir.js';

const REPO = join(import.meta.dirname, '../../..');

/** `npm run schemas [-- ARGS]` as package.json runs it. */
function schemas(args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/schemas.ts', ...args], {
    cwd: REPO,
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run schemas (scripts/schemas.ts)', () => {
  it('-- --check finds the committed schemas and field reference up to date, and writes nothing', () => {
    const { code, stdout } = schemas(['--check']);

    expect(code).toBe(0);
    expect(stdout).toBe(
      'up to date: docs/schemas/catalog.schema.json, docs/schemas/scenario.schema.json, ' +
        'docs/schemas/report.schema.json, docs/catalog.md, docs/templates/inspector-findings-role.json, ' +
        'docs/security/scp-policy.md, docs/security/scp-policy-2.md, docs/reference/cli.md, docs/reference/cli-acting.md, ' +
        'docs/reference/iam.md\n',
    );
  }, 120_000);

  it('refuses an argument it does not know, naming it', () => {
    expect(schemas(['--chek'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'npm run schemas: unknown argument "--chek"\nusage: npm run schemas [-- --check]\n',
    });
  });

  it('writes every schema and the field reference where they are missing or stale, and check mode names them', async () => {
    const root = testTempDir('goldsmith-schemas-');
    mkdirSync(join(root, 'docs'));
    const page = readFileSync(join(REPO, 'docs/catalog.md'), 'utf8');
    const stalePage = page.replace(/\| `organization\.id` \|[^\n]*\n/, '');
    writeFileSync(join(root, 'docs/catalog.md'), stalePage);

    const checked = await writeSchemas(root, { check: true });
    expect(checked.stale).toEqual(checked.files);
    expect(existsSync(join(root, 'docs/schemas'))).toBe(false);
    expect(readFileSync(join(root, 'docs/catalog.md'), 'utf8')).toBe(stalePage);

    await writeSchemas(root);
    expect(readFileSync(join(root, 'docs/catalog.md'), 'utf8')).toBe(page);
    for (const file of ['catalog', 'scenario', 'report']) {
      const written = readFileSync(join(root, `docs/schemas/${file}.schema.json`), 'utf8');
      expect(written).toBe(readFileSync(join(REPO, `docs/schemas/${file}.schema.json`), 'utf8'));
    }
    expect((await writeSchemas(root, { check: true })).stale).toEqual([]);
  });
});
