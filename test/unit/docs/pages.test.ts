import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The shape a reader relies on: every page of docs/ says first what it answers and stays short enough to read, no
// line is too long to read, today's figures fit on one page, and the README names every top-level folder.
const root = resolve(import.meta.dirname, '../../..');
const DOCS = readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`);
const text = (file: string) => readFileSync(join(root, file), 'utf8');
const lines = (file: string) => text(file).replace(/\n$/, '').split('\n');

describe('the pages of docs/ and the README', () => {
  it('keep every page of docs/ to 500 lines, docs/performance.md to 200 and README.md to 250', () => {
    expect(DOCS.length).toBeGreaterThan(20);
    expect(DOCS.filter((f) => lines(f).length > 500)).toEqual([]);
    expect(lines('docs/performance.md').length).toBeLessThanOrEqual(200);
    expect(lines('README.md').length).toBeLessThanOrEqual(250);
  });

  it('have no line over 400 characters', () => {
    const long = ['README.md', ...DOCS].flatMap((f) =>
      lines(f).flatMap((line, i) => (line.length > 400 ? [`${f}:${i + 1} (${line.length})`] : [])),
    );
    expect(long).toEqual([]);
  });

  it('open each page of docs/ with a title, then the question it answers', () => {
    const wrong = DOCS.filter((f) => {
      const [title = '', blank, first = ''] = lines(f);
      return !title.startsWith('# ') || blank !== '' || !first.startsWith('This page answers ');
    });
    expect(wrong).toEqual([]);
  });

  it("say in the README's first paragraphs that Goldsmith rolls versions out to member Auto Scaling groups", () => {
    const opening = text('README.md').split('\n## ')[0] ?? '';
    expect(opening).toMatch(/rolls the version out/);
    expect(opening).toMatch(/waves of OUs and\s+accounts/);
    expect(opening).not.toMatch(/not a fleet updater/);
  });

  it("name every top-level folder in the README's table of where things live, and link every page of docs/", () => {
    const readme = text('README.md');
    const table = readme.slice(
      readme.indexOf('## Where things live'),
      readme.indexOf('\n## ', readme.indexOf('## Where things live') + 1),
    );
    const folders = readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
      .map((e) => e.name);
    expect(folders.filter((f) => !table.includes(`\`${f}/\``))).toEqual([]);
    expect(DOCS.filter((f) => !readme.includes(`](${f})`))).toEqual([]);
  });
});
