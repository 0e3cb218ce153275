import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(new URL('../../', import.meta.url).pathname);

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Top-level folders of the repository that a module imports, by relative import specifier. */
function importedFolders(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers.map((s) => relative(ROOT, resolve(ROOT, file, '..', s)).split('/')[0]!);
}

/** The page that states the rule below. */
const RULE_PAGE = 'docs/architecture.md';

describe(`the one-way import rule (${RULE_PAGE})`, () => {
  it('is stated in the page this test names', () => {
    expect(readFileSync(join(ROOT, RULE_PAGE), 'utf8').replace(/\s+/g, ' ')).toContain('Imports run one way');
  });

  it.each(['core', 'aws', 'functions', 'stacks', 'events'])(
    'keeps %s/ free of the local cloud and the CLI',
    (folder) => {
      const offenders = sources(folder).filter((f) => importedFolders(f).some((d) => d === 'local' || d === 'cli'));
      expect(offenders).toEqual([]);
    },
  );

  it('keeps core/ pure: it imports only core/ and events/, and no AWS SDK', () => {
    const offenders = sources('core').filter((f) => {
      const text = readFileSync(join(ROOT, f), 'utf8');
      return importedFolders(f).some((d) => d !== 'core' && d !== 'events') || /from ['"]@aws-sdk\//.test(text);
    });
    expect(offenders).toEqual([]);
  });

  it('keeps functions/ free of stacks/ (names both share live in core/)', () => {
    const offenders = sources('functions').filter((f) => importedFolders(f).includes('stacks'));
    expect(offenders).toEqual([]);
  });

  it('calls the AWS SDK only from aws/ (functions and stacks go through it)', () => {
    const offenders = sources('functions').filter((f) =>
      /from ['"]@aws-sdk\/client-/.test(readFileSync(join(ROOT, f), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
