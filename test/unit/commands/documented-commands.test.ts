import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchOptions } from '../../../bench/options.js';
import { commands } from '../../../cli/commands.js';
import { main } from '../../../cli/main.js';
import { SCHEMAS_ARGUMENTS } from '../../../scripts/schemas/write.js';
import { verifyOptions } from '../../../scripts/verify/args.js';
import { captureOutput } from '../../helpers/output.js';
import { type Documented, documentedCommands } from './documented.js';

// Every command README.md and docs/ write, held to what the code accepts: the goldsmith command and subcommand exist,
// each flag is one its parser knows, a command written out in full parses as written (run with --help appended,
// which parses every argument and acts on none), the files it names exist; each npm script exists with the files it
// runs, and the arguments given to bench, verify, schemas and vitest are ones they take. What each command does when
// run is the business of its own tests.
const ROOT = join(import.meta.dirname, '../../..');
const documented = documentedCommands(ROOT);
const of = (program: Documented['program']) => documented.filter((d) => d.program === program);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/** A word that stands for something the reader fills in (IMAGE, `[--json]`, `(--stage STAGE | --local DIR)`, `"…"`). */
const isPlaceholder = (word: string) => /[[\](){}<>|…]/.test(word) || /^[A-Z][A-Z0-9_.]*$/.test(word);
/** Commands with subcommands, and theirs. */
const SUBCOMMANDS: Record<string, readonly string[]> = {
  rollout: ['status', 'pause', 'resume', 'abort', 'retry'],
  lifecycle: ['release'],
};
/** What docs/performance.md times on purpose: the launcher loading the CLI for a command it does not know. */
const DOCUMENTED_UNKNOWN = 'no-such-command';
/** A line that names no command: `npx goldsmith` alone (the launcher), `goldsmith …` (any command). */
const namesNoCommand = (d: Documented) => d.words[0] === undefined || d.words[0] === '…';

/**
 * The node_modules folder the project's packages are found in: the root's, or the nearest above it, as Node resolves
 * them (Stryker's sandbox, under .stryker-tmp/, has none of its own when the root's node_modules is a link).
 */
function installedModules(): string {
  for (let dir = ROOT; ; dir = dirname(dir)) {
    const modules = join(dir, 'node_modules');
    if (existsSync(join(modules, '.bin')) || dirname(dir) === dir) return modules;
  }
}

/** The flags of a command as written, without the brackets and parentheses of a synopsis. */
const flagsOf = (words: readonly string[]) =>
  words.flatMap((w) => /^[[(]*(--[a-z][a-z-]*)/.exec(w)?.[1] ?? []).filter((f) => f !== '--help');

const accepted = new Map<string, boolean>();
/**
 * Whether `goldsmith ...prefix FLAG` parses: as a switch, or followed by a value. `--help` last makes the command
 * print its usage once every argument parsed, and do nothing else.
 */
async function accepts(prefix: readonly string[], flag: string): Promise<boolean> {
  const key = `${prefix.join(' ')} ${flag}`;
  const known = accepted.get(key);
  if (known !== undefined) return known;
  let ok = false;
  for (const value of [[], ['x']]) {
    const { code } = await captureOutput(() => main([...prefix, flag, ...value, '--help']));
    if (code === 0) ok = true;
    if (ok) break;
  }
  accepted.set(key, ok);
  return ok;
}

/** The command (and subcommand) alternatives a documented goldsmith line names: `approve|reject`, `pause|abort`. */
function prefixesOf({ words }: Documented): string[][] {
  const [first = '', second = ''] = words;
  return first.split(/[|/]/).map((name) => {
    const subs = SUBCOMMANDS[name];
    if (!subs) return [name];
    const named = second.split('|').filter((s) => subs.includes(s));
    return named.length > 0 ? [name, ...named] : [name];
  });
}

describe('the commands README.md and docs/ write', () => {
  it('are found on every page that has them: the goldsmith command, npm scripts, npx and node', () => {
    expect(of('goldsmith').length).toBeGreaterThan(60);
    expect(of('npm').length).toBeGreaterThan(20);
    expect(of('npx').length).toBeGreaterThan(10);
    const pages = new Set(of('goldsmith').map((d) => d.where.split(':')[0]));
    for (const page of [
      'README.md',
      'docs/operating.md',
      'docs/simulation.md',
      'docs/rollout.md',
      'docs/rollout/failure.md',
      'docs/fleet.md',
    ])
      expect(pages).toContain(page);
    // Prose that quotes output (`goldsmith build: base: builds paused …`) and descriptions (`goldsmith <image> …`)
    // are not commands.
    expect(of('goldsmith').filter((d) => /^[<:]|:$/.test(d.words[0] ?? ''))).toEqual([]);
  });

  it('name goldsmith commands and subcommands that exist', () => {
    const wrong: string[] = [];
    for (const d of of('goldsmith')) {
      if (namesNoCommand(d) || d.words[0] === DOCUMENTED_UNKNOWN) continue;
      for (const [name = '', sub] of prefixesOf(d)) {
        if (name !== 'help' && name !== '--version' && !Object.hasOwn(commands, name))
          wrong.push(`${d.where}: goldsmith ${name}`);
        const subs = SUBCOMMANDS[name];
        const given = d.words[1];
        if (subs && given !== undefined && !isPlaceholder(given) && sub === undefined)
          wrong.push(`${d.where}: goldsmith ${name} ${given}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('give goldsmith commands only flags their parsers accept', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const d of of('goldsmith')) {
      if (namesNoCommand(d) || d.words[0] === DOCUMENTED_UNKNOWN) continue;
      for (const flag of flagsOf(d.words)) {
        checked++;
        const prefixes = prefixesOf(d).filter(([name]) => name !== 'help');
        let ok = false;
        for (const prefix of prefixes) if (await accepts(prefix, flag)) ok = true;
        if (!ok) wrong.push(`${d.where}: goldsmith ${prefixes.map((p) => p.join(' ')).join('|')} ${flag}`);
      }
    }
    expect(checked).toBeGreaterThan(80);
    expect(wrong).toEqual([]);
  });

  it('parse as written where written in full, and name files that exist', async () => {
    const wrong: string[] = [];
    let parsed = 0;
    for (const d of of('goldsmith')) {
      const [first = ''] = d.words;
      if (namesNoCommand(d) || /[|/]/.test(first)) continue;
      for (const file of d.words.filter((w) => /^(?:examples|events|test|docs)\/.*\.(?:json|ts)$/.test(w)))
        if (!existsSync(join(ROOT, file))) wrong.push(`${d.where}: ${file} does not exist`);
      if (d.words.some(isPlaceholder)) continue;
      const { code, stderr } = await captureOutput(() => main([...d.words, '--help']));
      parsed++;
      if (first === DOCUMENTED_UNKNOWN) {
        if (code !== 1 || !stderr.startsWith(`goldsmith: unknown command "${DOCUMENTED_UNKNOWN}"`))
          wrong.push(`${d.where}: goldsmith ${DOCUMENTED_UNKNOWN} should be refused as unknown`);
      } else if (code !== 0) {
        wrong.push(`${d.where}: goldsmith ${d.words.join(' ')}: ${stderr.trim()}`);
      }
    }
    expect(parsed).toBeGreaterThan(40);
    expect(wrong).toEqual([]);
  });

  it('name npm scripts that exist, whose files exist', () => {
    const wrong: string[] = [];
    for (const d of of('npm')) {
      const [verb, name] = d.words;
      // `npm ci` is npm's own; `npm run` alone is a mention of npm, not a script.
      if (verb === 'ci' || (verb === 'run' && name === undefined)) continue;
      const script = verb === 'run' ? (name ?? '') : (verb ?? '');
      const line = pkg.scripts[script];
      if (line === undefined) {
        wrong.push(`${d.where}: npm ${d.words.join(' ')}: no script "${script}" in package.json`);
        continue;
      }
      for (const file of line.split(/\s+/).filter((w) => /\.(?:m?js|ts)$/.test(w)))
        if (!existsSync(join(ROOT, file))) wrong.push(`${d.where}: npm run ${script} runs ${file}, which is missing`);
    }
    expect(wrong).toEqual([]);
  });

  it('give bench, verify and schemas only arguments they accept', () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const d of of('npm')) {
      const [verb, name, dashes, ...args] = d.words;
      if (verb !== 'run' || dashes !== '--') continue;
      let problem: string | undefined;
      if (name === 'bench') {
        const parsed = benchOptions(args);
        problem = 'problem' in parsed ? parsed.problem : undefined;
      } else if (name === 'verify') {
        const parsed = verifyOptions(args);
        problem = 'problem' in parsed ? parsed.problem : undefined;
      } else if (name === 'schemas') {
        problem = args.find((a) => !SCHEMAS_ARGUMENTS.includes(a));
      } else {
        continue;
      }
      checked++;
      if (problem !== undefined) wrong.push(`${d.where}: npm run ${name} -- ${args.join(' ')}: ${problem}`);
    }
    expect(checked).toBeGreaterThanOrEqual(10);
    expect(wrong).toEqual([]);
  });

  it('give vitest (npx vitest, npm test --) projects the config defines and reporters that exist', () => {
    const config = readFileSync(join(ROOT, 'vitest.config.ts'), 'utf8');
    const projects = new Set([...config.matchAll(/\bname: '([a-z-]+)'/g)].map((m) => m[1]));
    expect(projects).toEqual(new Set(['stacks', 'pure', 'cloud', 'scenarios', 'local']));
    const wrong: string[] = [];
    const vitestRuns = [
      ...of('npx').filter((d) => d.words[0] === 'vitest'),
      ...of('npm').filter((d) => d.words[0] === 'test' && d.words[1] === '--'),
    ];
    for (const d of vitestRuns) {
      d.words.forEach((word, i) => {
        if (word === '--project' && !projects.has(d.words[i + 1] ?? '')) wrong.push(`${d.where}: ${d.text}`);
        const reporter = /^--reporter=(\.\/.*)$/.exec(word)?.[1];
        if (reporter && !existsSync(join(ROOT, reporter))) wrong.push(`${d.where}: ${reporter} does not exist`);
        // `test/path/file.test.ts` is testing.md's example of a path.
        if (/^test\/.*\.test\.ts$/.test(word) && word !== 'test/path/file.test.ts' && !existsSync(join(ROOT, word)))
          wrong.push(`${d.where}: ${word} does not exist`);
      });
    }
    expect(vitestRuns.length).toBeGreaterThanOrEqual(5);
    expect(wrong).toEqual([]);
  });

  it('run tools installed by npm ci through npx, and scripts that exist through node', () => {
    const wrong: string[] = [];
    const modules = installedModules();
    for (const d of of('npx')) {
      const [tool = '', sub] = d.words;
      // SST runs this same command to bootstrap the CDK (node_modules/sst/bootstrap.js): npx fetches the CDK's CLI.
      if (tool === 'cdk' && sub === 'bootstrap') continue;
      if (!existsSync(join(modules, '.bin', tool))) wrong.push(`${d.where}: npx ${tool} is not installed`);
      if (tool === 'sst' && !existsSync(join(modules, `sst/cli/commands/${sub}.js`)))
        wrong.push(`${d.where}: sst has no command ${sub}`);
    }
    for (const d of of('node')) {
      const [file = ''] = d.words;
      if (!existsSync(join(ROOT, file))) wrong.push(`${d.where}: node ${file}: no such file`);
    }
    expect(of('node').length).toBeGreaterThanOrEqual(1);
    expect(wrong).toEqual([]);
  });
});
