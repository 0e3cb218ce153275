import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
// Generated trees: Stryker's sandbox copies the repository (its links point into a copy without docs/), reports hold no docs.
const SKIP = new Set(['node_modules', '.git', '.sst', 'cdk.out', 'dist', 'coverage', '.stryker-tmp', 'reports']);

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
}

function anchorsIn(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6} (.+)$/gm)) if (m[1]) anchors.add(anchorOf(m[1]));
  return anchors;
}

/** Every `[text](target)` and `![alt](target)` outside code fences, with its line. */
function linksIn(markdown: string): { target: string; line: number }[] {
  const links: { target: string; line: number }[] = [];
  let fenced = false;
  markdown.split('\n').forEach((text, i) => {
    if (text.trimStart().startsWith('```')) fenced = !fenced;
    if (fenced) return;
    for (const m of text.replace(/`[^`]*`/g, '').matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)) {
      if (m[1]) links.push({ target: m[1], line: i + 1 });
    }
  });
  return links;
}

const pages = async () =>
  (await filesUnder(root)).filter((f) => f.endsWith('.md') && !relative(root, f).startsWith('local/models'));

describe('documentation links', () => {
  it('every relative link of every Markdown file names a file that exists, and every anchor a heading', async () => {
    const broken: string[] = [];
    for (const page of await pages()) {
      const markdown = await readFile(page, 'utf8');
      for (const { target, line } of linksIn(markdown)) {
        if (/^[a-z]+:/i.test(target)) continue;
        const [path = '', anchor] = target.split('#');
        const file = path === '' ? page : resolve(dirname(page), path);
        const where = `${relative(root, page)}:${line} → ${target}`;
        if (!existsSync(file)) {
          broken.push(`${where} (no such file)`);
          continue;
        }
        if (anchor && file.endsWith('.md') && !anchorsIn(await readFile(file, 'utf8')).has(anchor)) {
          broken.push(`${where} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('the README links every page of docs/, those in its subfolders included', async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const linked = new Set(linksIn(readme).map((l) => l.target.split('#')[0]));
    const docs = (await readdir(join(root, 'docs'), { recursive: true })).filter((f) => f.endsWith('.md'));
    expect(docs.length).toBeGreaterThan(20);
    expect(docs.filter((f) => !linked.has(`docs/${f}`))).toEqual([]);
  });

  it('no file of the repository refers to a document outside it', async () => {
    const outside: string[] = [];
    for (const file of await filesUnder(root)) {
      if (!/\.(md|ts|mts|js|mjs|json|ya?ml)$/.test(file) || relative(root, file) === 'package-lock.json') continue;
      if (relative(root, file).startsWith('local/models/')) continue;
      const text = await readFile(file, 'utf8');
      // A path that climbs out of the repository to a document, or the contract file that used to live outside it.
      const found = text.match(/\.\.\/shared\/|CONTRACTS\.md|(?<![\w.])(\.\.\/){2,}[\w-]+\.md\b/g);
      if (found && relative(root, file) !== relative(root, join(import.meta.dirname, 'links.test.ts'))) {
        outside.push(`${relative(root, file)}: ${[...new Set(found)].join(', ')}`);
      }
    }
    expect(outside).toEqual([]);
  });
});
