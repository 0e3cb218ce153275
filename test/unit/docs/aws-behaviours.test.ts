import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// docs/aws-behaviours.md and its pages under docs/aws-behaviours/ are the list reviewers read to judge the local
// cloud: each entry an AWS behaviour, the page that says so, the code that relies on it and the test that pins it.
// These checks keep it from rotting silently.
const root = resolve(import.meta.dirname, '../../..');
const INDEX = 'docs/aws-behaviours.md';
const PAGES = readdirSync(join(root, 'docs/aws-behaviours'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/aws-behaviours/${f}`);

/** The services the pages are grouped by, in the order a reader looks for them. */
const SERVICES = [
  'Image Builder',
  'EC2 AMIs and sharing',
  'EC2 usage reports',
  'SSM Parameter Store',
  'RAM',
  'Organizations',
  'Inspector',
  'EventBridge and Scheduler',
  'Step Functions',
  'Lambda and function URLs',
  'SNS',
  'SQS',
  'DynamoDB',
  'KMS',
  'ECR',
  'Slack',
  'Microsoft Teams',
  'STS and IAM',
];

interface Row {
  page: string;
  line: number;
  service: string;
  behaviour: string;
  source: string;
  code: string;
  test: string;
}

interface Parsed {
  rows: Row[];
  services: string[];
  /** Entries found under a "rows to come" heading (there must be none: no placeholder entries). */
  pendingRows: number[];
  /** Entries without exactly one source, one code and one test item, and table rows (the pages hold none). */
  malformed: number[];
}

const FIELD = /^ {2}- (source|code|test): ?(.*)$/;

/**
 * A page's entries, each with the `##` service heading it is under. An entry is a list item (`- behaviour`, its
 * continued lines indented two spaces) with the sub-items `  - source:`, `  - code:` and `  - test:`, each continued
 * on lines indented four spaces; continued lines join with one space.
 */
function parseBehaviours(markdown: string, page = INDEX): Parsed {
  const parsed: Parsed = { rows: [], services: [], pendingRows: [], malformed: [] };
  let service = '';
  let pending = false;
  let entry: { line: number; behaviour: string; fields: [string, string][] } | undefined;
  const close = () => {
    if (!entry) return;
    const { line, behaviour, fields } = entry;
    const one = (name: string) => fields.filter(([n]) => n === name);
    if (['source', 'code', 'test'].some((n) => one(n).length !== 1) || fields.length !== 3) parsed.malformed.push(line);
    else {
      const [source = '', code = '', test = ''] = ['source', 'code', 'test'].map((n) => one(n)[0]?.[1].trim() ?? '');
      if (pending) parsed.pendingRows.push(line);
      parsed.rows.push({ page, line, service, behaviour: behaviour.trim(), source, code, test });
    }
    entry = undefined;
  };
  let fenced = false;
  markdown.split('\n').forEach((text, i) => {
    const line = i + 1;
    if (text.startsWith('```')) fenced = !fenced;
    if (fenced || text.startsWith('```')) return;
    const heading = /^(#{2,3}) (.+)$/.exec(text);
    if (heading?.[1] && heading[2]) {
      close();
      if (heading[1] === '##') {
        service = heading[2].trim();
        parsed.services.push(service);
        pending = false;
      } else pending = /rows to come$/.test(heading[2].trim());
      return;
    }
    if (text.startsWith('|')) {
      close();
      parsed.malformed.push(line);
      return;
    }
    if (text.startsWith('- ') && service !== '') {
      close();
      entry = { line, behaviour: text.slice(2), fields: [] };
      return;
    }
    if (!entry) return;
    const field = FIELD.exec(text);
    const last = entry.fields.at(-1);
    if (field?.[1]) entry.fields.push([field[1], field[2] ?? '']);
    else if (/^ {4}\S/.test(text) && last) last[1] += ` ${text.trim()}`;
    else if (/^ {2}\S/.test(text) && !last) entry.behaviour += ` ${text.trim()}`;
    else close();
  });
  close();
  return parsed;
}

/** Why a source link is not one the page may cite, or undefined when it may. */
function sourceProblem(url: string, service: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${url} is not a URL`;
  }
  if (parsed.protocol !== 'https:') return `${url} is not https`;
  const host = parsed.hostname;
  if (host === 'docs.aws.amazon.com' || host === 'aws.amazon.com') return undefined;
  if (host === 'github.com' && /^\/[^/]+\/[^/]+\/(issues|pull)\/\d+/.test(parsed.pathname)) return undefined;
  if (host === 'api.slack.com' && service === 'Slack') return undefined;
  if (host === 'learn.microsoft.com' && service === 'Microsoft Teams') return undefined;
  // HTTP's own behaviours (Retry-After) are the RFC's.
  if (host === 'www.rfc-editor.org' && service.startsWith('HTTP')) return undefined;
  return `${url} is neither an AWS page nor a GitHub issue`;
}

/** The Markdown links of a cell, and what is left of it once they are taken out. */
function linksOf(cell: string): { urls: string[]; rest: string } {
  const urls = [...cell.matchAll(/\[[^\]]+\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '');
  return { urls, rest: cell.replace(/\[[^\]]+\]\([^)\s]+\)/g, '') };
}

/** `path` entries of a cell (optionally followed by a quoted test title), and what is left once they are taken out. */
function entriesOf(cell: string): { entries: { path: string; title?: string }[]; rest: string } {
  const pattern = /`([^`]+)`(?:\s*“([^”]+)”)?/g;
  const entries = [...cell.matchAll(pattern)].map((m) => ({ path: m[1] ?? '', ...(m[2] ? { title: m[2] } : {}) }));
  return { entries, rest: cell.replace(pattern, '') };
}

const texts = PAGES.map((page) => ({ page, text: readFileSync(join(root, page), 'utf8') }));
const parsedPages = texts.map(({ page, text }) => parseBehaviours(text, page));
const rows = parsedPages.flatMap((p) => p.rows);
const services = parsedPages.flatMap((p) => p.services);
const at = (pick: (p: Parsed) => number[]) =>
  parsedPages.flatMap((p, i) => pick(p).map((line) => `${PAGES[i]}:${line}`));
const where = (row: Row) => `${row.page}:${row.line}`;

describe(`${INDEX} and its pages`, () => {
  it('links every page of docs/aws-behaviours/ from the index, each opening with what it answers', () => {
    const index = readFileSync(join(root, INDEX), 'utf8');
    expect(PAGES.length).toBeGreaterThanOrEqual(5);
    for (const page of PAGES) {
      expect(index).toContain(`](${page.slice('docs/'.length)})`);
      expect(readFileSync(join(root, page), 'utf8').split('\n')[2], page).toMatch(/^This page answers /);
    }
  });

  it('keeps every line of every page under 400 characters', () => {
    const long = texts.flatMap(({ page, text }) =>
      text.split('\n').flatMap((line, i) => (line.length > 400 ? [`${page}:${i + 1}`] : [])),
    );
    expect(long).toEqual([]);
  });

  it('groups its entries under every service Goldsmith or its local cloud calls, each with entries', () => {
    expect(SERVICES.filter((s) => !services.includes(s))).toEqual([]);
    for (const service of services)
      expect(
        rows.some((r) => r.service === service),
        service,
      ).toBe(true);
    expect(rows.length).toBeGreaterThanOrEqual(80);
  });

  it('has a source, code and test in every entry, a behaviour in each, and no entry under a "rows to come" heading', () => {
    expect(at((p) => p.malformed)).toEqual([]);
    expect(at((p) => p.pendingRows)).toEqual([]);
    expect(rows.filter((r) => r.behaviour.length < 20).map(where)).toEqual([]);
  });

  it('cites in every entry at least one https page of AWS, or a GitHub issue, and nothing but links', () => {
    const problems: string[] = [];
    for (const row of rows) {
      const { urls, rest } = linksOf(row.source);
      if (urls.length === 0) problems.push(`${where(row)}: no source`);
      if (!/^[\s,]*$/.test(rest)) problems.push(`${where(row)}: "${rest.trim()}" in the source is not a link`);
      for (const url of urls) {
        const problem = sourceProblem(url, row.service);
        if (problem) problems.push(`${where(row)}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('names under code only files of the repository that exist, outside test/', () => {
    const problems: string[] = [];
    for (const row of rows) {
      const { entries, rest } = entriesOf(row.code);
      if (entries.length === 0) problems.push(`${where(row)}: no code named`);
      if (!/^[\s,]*$/.test(rest)) problems.push(`${where(row)}: "${rest.trim()}" under code is not a path`);
      for (const { path, title } of entries) {
        if (title) problems.push(`${where(row)}: a test title under code`);
        if (path.startsWith('test/')) problems.push(`${where(row)}: ${path} is a test, not code`);
        if (!existsSync(join(root, path))) problems.push(`${where(row)}: ${path} does not exist`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('names under test "none" or test files that exist, each quoted title one that file holds', () => {
    const problems: string[] = [];
    for (const row of rows) {
      if (row.test === 'none') continue;
      const { entries, rest } = entriesOf(row.test);
      if (entries.length === 0) problems.push(`${where(row)}: neither "none" nor a test`);
      if (!/^[\s;]*$/.test(rest)) problems.push(`${where(row)}: "${rest.trim()}" under test is not a test`);
      for (const { path, title } of entries) {
        if (!path.startsWith('test/')) problems.push(`${where(row)}: ${path} is not under test/`);
        const file = join(root, path);
        if (!existsSync(file)) problems.push(`${where(row)}: ${path} does not exist`);
        else if (title && !readFileSync(file, 'utf8').includes(title))
          problems.push(`${where(row)}: ${path} has no test “${title}”`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the checks of the page', () => {
  it('refuse a source that is not https, not AWS, or Slack outside its own table', () => {
    expect(sourceProblem('http://docs.aws.amazon.com/x.html', 'SNS')).toMatch(/not https/);
    expect(sourceProblem('https://stackoverflow.com/q/1', 'SNS')).toMatch(/neither/);
    expect(sourceProblem('https://github.com/aws/aws-sdk-js-v3/blob/main/README.md', 'SNS')).toMatch(/neither/);
    expect(sourceProblem('https://api.slack.com/methods/chat.postMessage', 'SNS')).toMatch(/neither/);
    expect(sourceProblem('https://api.slack.com/methods/chat.postMessage', 'Slack')).toBeUndefined();
    expect(sourceProblem('https://learn.microsoft.com/en-us/connectors/teams/', 'SNS')).toMatch(/neither/);
    expect(sourceProblem('https://learn.microsoft.com/en-us/connectors/teams/', 'Microsoft Teams')).toBeUndefined();
    expect(sourceProblem('https://github.com/aws/aws-sdk-js-v3/issues/1234', 'SNS')).toBeUndefined();
  });

  it('read an entry placed under a "rows to come" heading, an entry without a test, and a table row as faults', () => {
    const markdown = [
      '## SNS',
      '',
      '- a behaviour long enough',
      '  to count, continued',
      '  - source: [p](https://docs.aws.amazon.com/p.html)',
      '  - code: `core/x.ts`',
      '  - test: `test/a.test.ts` “a title',
      '    continued”',
      '- a behaviour without its test',
      '  - source: [p](https://docs.aws.amazon.com/p.html)',
      '  - code: `core/x.ts`',
      '| a | b | c | d |',
      '### SNS: rows to come',
      '- a placeholder entry',
      '  - source: [p](https://docs.aws.amazon.com/p.html)',
      '  - code: `core/x.ts`',
      '  - test: none',
    ].join('\n');
    const result = parseBehaviours(markdown);
    expect(result.rows.map((r) => r.line)).toEqual([3, 14]);
    expect(result.rows[0]).toMatchObject({
      behaviour: 'a behaviour long enough to count, continued',
      test: '`test/a.test.ts` “a title continued”',
    });
    expect(result.malformed).toEqual([9, 12]);
    expect(result.pendingRows).toEqual([14]);
  });
});
