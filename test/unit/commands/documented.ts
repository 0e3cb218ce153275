import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every Markdown page under `dir` (relative to `root`), its subfolders included, in name order. */
export function markdownUnder(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => `${dir}/${f}`)
    .sort();
}

/** The pages whose commands a reader copies: the README, events/README.md and every page of docs/. */
export const PAGES = ['README.md', 'events/README.md', ...markdownUnder(join(import.meta.dirname, '../../..'), 'docs')];

/** A command as a page writes it: where, the program (`goldsmith`, `npm`, `npx`, `node`), and its words. */
export interface Documented {
  /** `page:line`. */
  readonly where: string;
  readonly program: 'goldsmith' | 'npm' | 'npx' | 'node';
  /** The words after the program, quotes removed (`--reason "change CHG-1042"` is one word). */
  readonly words: readonly string[];
  /** The text as written, from the program on. */
  readonly text: string;
}

/** Code as the reader sees it: each line of a fenced block, and each inline code span, with its line number. */
function codeOf(markdown: string): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  let fenced = false;
  let continued: { line: number; code: string } | undefined;
  markdown.split('\n').forEach((text, i) => {
    if (/^\s*```/.test(text)) {
      fenced = !fenced;
      return;
    }
    if (fenced) {
      // A shell line ending in a backslash goes on on the next; the command is where it starts.
      const code = continued ? `${continued.code} ${text.trim()}` : text;
      const line = continued?.line ?? i + 1;
      continued = code.endsWith('\\') ? { line, code: code.slice(0, -1) } : undefined;
      if (!continued) out.push({ line, code });
      return;
    }
    for (const span of text.matchAll(/`([^`]+)`/g)) out.push({ line: i + 1, code: span[1] ?? '' });
  });
  return out;
}

/** Splits a command line into words as a shell would (quotes grouped and removed), up to a comment or redirection. */
export function wordsOf(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else word = (word ?? '') + ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word = word ?? '';
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if ('#>&;'.includes(ch) && word === undefined) {
      break;
    } else {
      word = (word ?? '') + ch;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * Where a command starts in a piece of code: at its start (after `VAR=value` settings and a `time` wrapper), or
 * after a quote or `&&` (a command inside `sh -c '…'` or a benchmark tool's quotes). A program named inside a
 * sentence of output (`… resumes them with goldsmith resume base --builds`) is prose, not a command to copy.
 */
const START =
  /(?:^\s*(?:[A-Z_]+=\S+\s+)*(?:(?:\/usr\/bin\/)?time(?: -[a-z]+(?: '[^']*')?)?\s+)?|['"]|&&\s+|\$\s+)((?:npx |npm |node )?)(goldsmith(?= [a-z])|npm(?= (?:run|start|test|ci)\b)|npx(?= )|node(?= scripts\/))/g;

/** The quote `code` is inside at `at` (a shell's reading: inside single quotes, a double quote is a character). */
function quoteAt(code: string, at: number): string | undefined {
  let quote: string | undefined;
  for (const ch of code.slice(0, at)) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
  }
  return quote;
}

/** Every command the pages write, in page order. */
export function documentedCommands(root: string): Documented[] {
  const found: Documented[] = [];
  for (const page of PAGES) {
    for (const { line, code } of codeOf(readFileSync(join(root, page), 'utf8'))) {
      for (const match of code.matchAll(START)) {
        const runner = (match[1] ?? '').trim();
        const named = match[2] as string;
        const from = (match.index ?? 0) + match[0].length - named.length;
        // A command inside quotes (`sh -c '…'`) ends at the quote that closes them.
        const inside = quoteAt(code, from);
        let rest = code.slice(from);
        if (inside && rest.includes(inside)) rest = rest.slice(0, rest.indexOf(inside));
        let [head = '', ...words] = wordsOf(rest);
        if (runner === 'npx' || head === 'npx') {
          // `npx goldsmith …` is the goldsmith command, through its launcher.
          if (head === 'npx' && words[0] === 'goldsmith') [head = '', ...words] = words;
          else if (runner === 'npx' && head === 'goldsmith') head = 'goldsmith';
        }
        found.push({ where: `${page}:${line}`, program: head as Documented['program'], words, text: rest.trim() });
      }
    }
  }
  return found;
}
