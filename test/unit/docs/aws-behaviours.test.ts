import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// docs/aws-behaviours.md is the list reviewers read to judge the local cloud: each row an AWS behaviour, the page
// that says so, the code that relies on it and the test that pins it. These checks keep it from rotting silently.
const root = resolve(import.meta.dirname, '../../..');
const PAGE = 'docs/aws-behaviours.md';

/** The services the page is grouped by, in the order a reader looks for them. */
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
  'STS and IAM',
];

interface Row {
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
  /** Table rows found under a "rows to come" heading (there must be none: no placeholder rows). */
  pendingRows: number[];
  /** Table rows that do not have exactly four cells. */
  malformed: number[];
}

/** The page's tables: one row per behaviour, with the `##` service heading it is under. */
function parseBehaviours(markdown: string): Parsed {
  const parsed: Parsed = { rows: [], services: [], pendingRows: [], malformed: [] };
  let service = '';
  let pending = false;
  markdown.split('\n').forEach((text, i) => {
    const line = i + 1;
    const heading = /^(#{2,3}) (.+)$/.exec(text);
    if (heading?.[1] && heading[2]) {
      if (heading[1] === '##') {
        service = heading[2].trim();
        parsed.services.push(service);
        pending = false;
      } else pending = /rows to come$/.test(heading[2].trim());
      return;
    }
    if (!text.startsWith('|')) return;
    // Cells split on unescaped pipes; the first and last split are the outer borders.
    const cells = text.split(/(?<!\\)\|/).slice(1, -1);
    if (cells.length !== 4) {
      parsed.malformed.push(line);
      return;
    }
    const [behaviour = '', source = '', code = '', test = ''] = cells.map((c) => c.trim());
    if (behaviour === 'behaviour' || /^-+$/.test(behaviour)) return;
    if (pending) parsed.pendingRows.push(line);
    parsed.rows.push({ line, service, behaviour, source, code, test });
  });
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

const page = readFileSync(join(root, PAGE), 'utf8');
const parsed = parseBehaviours(page);
const where = (row: Row) => `${PAGE}:${row.line}`;

describe(PAGE, () => {
  it('groups its rows under every service Goldsmith or its local cloud calls, each with rows', () => {
    expect(SERVICES.filter((s) => !parsed.services.includes(s))).toEqual([]);
    for (const service of parsed.services)
      expect(
        parsed.rows.some((r) => r.service === service),
        service,
      ).toBe(true);
    expect(parsed.rows.length).toBeGreaterThanOrEqual(80);
  });

  it('has four cells in every row, a behaviour in each, and no row under a "rows to come" heading', () => {
    expect(parsed.malformed).toEqual([]);
    expect(parsed.pendingRows).toEqual([]);
    expect(parsed.rows.filter((r) => r.behaviour.length < 20).map(where)).toEqual([]);
  });

  it('cites in every row at least one https page of AWS, or a GitHub issue, and nothing but links', () => {
    const problems: string[] = [];
    for (const row of parsed.rows) {
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

  it('names in the code column only files of the repository that exist, outside test/', () => {
    const problems: string[] = [];
    for (const row of parsed.rows) {
      const { entries, rest } = entriesOf(row.code);
      if (entries.length === 0) problems.push(`${where(row)}: no code named`);
      if (!/^[\s,]*$/.test(rest)) problems.push(`${where(row)}: "${rest.trim()}" in the code column is not a path`);
      for (const { path, title } of entries) {
        if (title) problems.push(`${where(row)}: a test title in the code column`);
        if (path.startsWith('test/')) problems.push(`${where(row)}: ${path} is a test, not code`);
        if (!existsSync(join(root, path))) problems.push(`${where(row)}: ${path} does not exist`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('names in the test column "none" or test files that exist, each quoted title one that file holds', () => {
    const problems: string[] = [];
    for (const row of parsed.rows) {
      if (row.test === 'none') continue;
      const { entries, rest } = entriesOf(row.test);
      if (entries.length === 0) problems.push(`${where(row)}: neither "none" nor a test`);
      if (!/^[\s;]*$/.test(rest)) problems.push(`${where(row)}: "${rest.trim()}" in the test column is not a test`);
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
    expect(sourceProblem('https://github.com/aws/aws-sdk-js-v3/issues/1234', 'SNS')).toBeUndefined();
  });

  it('read a row placed under a "rows to come" heading, and a row with a cell too many, as faults', () => {
    const markdown = [
      '## SNS',
      '| behaviour | source | code that depends on it | test that pins it |',
      '|---|---|---|---|',
      '| a behaviour long enough to count | [p](https://docs.aws.amazon.com/p.html) | `core/x.ts` | none |',
      '| a | b | c | d | e |',
      '### SNS: rows to come',
      '| a placeholder row | [p](https://docs.aws.amazon.com/p.html) | `core/x.ts` | none |',
    ].join('\n');
    const result = parseBehaviours(markdown);
    expect(result.rows.map((r) => r.line)).toEqual([4, 7]);
    expect(result.malformed).toEqual([5]);
    expect(result.pendingRows).toEqual([7]);
  });
});
