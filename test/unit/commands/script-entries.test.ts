import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDSMITH_NODE_FLAGS } from '../../../bench/goldsmith-process.js';
import { benchOptions } from '../../../bench/options.js';
import { testTempDir } from '../../helpers/temp-dir.js';

const REPO = join(import.meta.dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/**
 * `npm run NAME -- ARGS` as package.json writes it: its `node` line run with this Node (the Node 22 npm puts first on
 * the PATH), from the repository's root, as npm does.
 */
function npmRun(name: string, args: string[], cwd = REPO) {
  const [node, ...line] = (pkg.scripts[name] ?? '').split(' ');
  if (node !== 'node') throw new Error(`npm run ${name} is no longer a node command: ${pkg.scripts[name]}`);
  const result = spawnSync(process.execPath, [...line, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// The scripts whose full run takes minutes (the benchmarks, the bundle report, verify), started as package.json
// starts them with the part that does no work: each one's modules load and its arguments parse.
describe('the npm scripts that take minutes, started for their dry part', () => {
  it('npm run bench -- --only quarter --list: the benchmarks load, and the quarter runs with the request floor', () => {
    // docs/performance.md: "--only quarter" measures the request floor beside the run.
    expect(npmRun('bench', ['--only', 'quarter', '--list'])).toMatchObject({ code: 0, stdout: 'floor\nquarter\n' });
  });

  it("npm run bench's options: every part by default, in the order they run; a part it does not know refused", () => {
    expect(benchOptions(['--list'])).toMatchObject({
      parts: ['bundle', 'floor', 'quarter', 'simulation', 'saved-cloud', 'sharing', 'organization'],
      list: true,
      runs: 5,
      months: 12,
    });
    expect(benchOptions(['--only', 'simulation', '--months', '2'])).toMatchObject({ parts: ['simulation'], months: 2 });
    const wrong = benchOptions(['--only', 'quater']);
    expect('problem' in wrong && wrong.problem).toMatch(
      /^--only: must be "bundle", .*got "quater"\nusage: npm run bench -- /,
    );
    expect(benchOptions(['--months', '0'])).toEqual({
      problem: expect.stringMatching(/^--months: must be a whole number ≥ 1, got "0"\n/),
    });
    expect(benchOptions(['--only', 'organization', '--accounts-per-ou', '4'])).toMatchObject({ accountsPerOu: 4 });
    expect(benchOptions(['--accounts-per-ou', '2.5'])).toEqual({
      problem: expect.stringMatching(/^--accounts-per-ou: must be a whole number ≥ 1, got "2\.5"\n/),
    });
  });

  it('npm run bundle -- --help and npm run verify -- --help: the scripts load and print their usage', () => {
    expect(npmRun('bundle', ['--help'])).toMatchObject({
      code: 0,
      stdout: 'usage: npm run bundle -- [--json] [--config FILE] [--runs N] [--keep]\n',
    });
    expect(npmRun('verify', ['--help'])).toMatchObject({
      code: 0,
      stdout: 'usage: npm run verify [-- --year] (npm test adds --suite-on-stdin-end)\n',
    });
    // A mistyped --year runs nothing (it ran every check without the year).
    expect(npmRun('verify', ['--yaer'])).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "npm run verify: Unknown option '--yaer'\nusage: npm run verify [-- --year] (npm test adds --suite-on-stdin-end)\n",
    });
  });
});

describe('node scripts/lock-platform-packages.mjs (README: after any npm install)', () => {
  it('finds nothing to add to the committed lock, and leaves it byte for byte as it was', () => {
    const dir = testTempDir('goldsmith-lock-');
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(join(REPO, 'scripts/lock-platform-packages.mjs'), join(dir, 'scripts/lock-platform-packages.mjs'));
    const lock = readFileSync(join(REPO, 'package-lock.json'), 'utf8');
    writeFileSync(join(dir, 'package-lock.json'), lock);

    const result = spawnSync(process.execPath, ['scripts/lock-platform-packages.mjs'], { cwd: dir, encoding: 'utf8' });

    expect(result.status).toBe(0);
    expect(result.stdout).toBe('package-lock.json: 0 platform package entries added\n');
    expect(readFileSync(join(dir, 'package-lock.json'), 'utf8')).toBe(lock);
  });
});

describe("the Node flags of goldsmith's simulations", () => {
  // A simulation run by `npx goldsmith` (the launcher), `npm start`, `npm run goldsmith` or the benchmark's quarter runs
  // on the same Node settings, so that the benchmark times what a person runs (bin/goldsmith.mjs says what each does).
  it("are the launcher's, bin/goldsmith.mjs's first line, npm start's, npm run goldsmith's, npm run bench's and its quarter's", () => {
    const firstLine = (file: string) => readFileSync(join(REPO, file), 'utf8').split('\n')[0] ?? '';
    const launcher = readFileSync(join(REPO, 'bin/launcher/goldsmith.sh'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('exec node '));
    const flags = (line: string) =>
      line.split(' ').filter((word) => word.startsWith('--') && !word.startsWith('--max-old'));
    expect(launcher).toHaveLength(1);
    expect(flags(launcher[0] ?? '')).toEqual([...GOLDSMITH_NODE_FLAGS]);
    expect(flags(firstLine('bin/goldsmith.mjs'))).toEqual([...GOLDSMITH_NODE_FLAGS]);
    expect(flags(firstLine('bin/bench.mjs'))).toEqual([...GOLDSMITH_NODE_FLAGS]);
    for (const name of ['start', 'goldsmith', 'bench'])
      expect([name, flags(pkg.scripts[name] ?? '')]).toEqual([name, [...GOLDSMITH_NODE_FLAGS]]);
    expect(GOLDSMITH_NODE_FLAGS).toContain('--max-semi-space-size=64');
  });
});
