import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { replayProblems, type SavedState } from '../../cli/operator/saved-state.js';
import { socketOf } from '../../cli/operator/served.js';
import { savedWeek } from '../fixtures/saved-week.js';
import { type CommandOutput, captureOutput } from '../helpers/output.js';

const REPO = join(import.meta.dirname, '../..');
const LONG = 300_000;

/**
 * `goldsmith serve --local A` keeps the saved cloud A running; every acting command on A is answered by it, while
 * the same commands on B, a copy of A, replay as without a server. Both must answer alike and save alike.
 */
let root: string;
let served: string;
let replayed: string;
let server: ChildProcess;
let serverLog = '';

const goldsmith = (args: string[]): Promise<CommandOutput> => captureOutput(() => main(args));
const stateOf = (dir: string): SavedState => JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as SavedState;

/** Runs an acting command on `dir` with --json; returns the endpoint's answer (exit code 0 asserted). */
async function act(dir: string, args: string[]): Promise<unknown> {
  const { code, stdout, stderr } = await goldsmith([...args, '--local', dir, '--json']);
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout);
}

/** The two saved clouds hold the same decisions, pointers and instant. */
function expectSame(): void {
  const a = stateOf(served);
  const b = stateOf(replayed);
  expect(a.savedAt).toBe(b.savedAt);
  expect(replayProblems(a.snapshot, b.snapshot)).toEqual([]);
  expect(replayProblems(b.snapshot, a.snapshot)).toEqual([]);
  expect(a.snapshot.pointers).toEqual(b.snapshot.pointers);
  expect(a.scenario).toEqual(b.scenario);
}

const servedLines = () => serverLog.split('\n').filter((l) => l.startsWith('served '));

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'goldsmith-serve-'));
  served = join(root, 'served');
  replayed = join(root, 'replayed');
  // The same saved cloud as operator-cli.test.ts's, made once per run.
  const saved = await savedWeek(root, served);
  expect(saved.code).toBe(0);
  cpSync(served, replayed, { recursive: true });
  server = spawn(process.execPath, [join(REPO, 'bin/goldsmith.mjs'), 'serve', '--local', served, '--idle', '300'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  server.stderr?.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    server.stderr?.on('data', (chunk: string) => {
      serverLog += chunk;
      if (serverLog.includes('serving ')) resolve();
    });
    server.on('exit', (code) => reject(new Error(`goldsmith serve exited (${code}): ${serverLog}`)));
  });
}, LONG);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (served) expect(existsSync(socketOf(served))).toBe(false);
  if (root) rmSync(root, { recursive: true, force: true });
}, LONG);

describe('goldsmith serve --local DIR', () => {
  it(
    'answers an approval without a replay, exactly as the replay answers and saves it',
    async () => {
      const args = ['approve', 'web-runtime', 'prod', '--as', 'ops-lead', '--reason', 'CHG-1'];
      const a = await act(served, args);
      const b = await act(replayed, args);
      expect(a).toEqual(b);
      expect(a).toMatchObject({ ok: true, result: { version: '1.0.0/1', by: 'ops-lead', reason: 'CHG-1' } });
      expect(servedLines()).toEqual([expect.stringMatching(/^served approve \(200\) in \d+ ms$/)]);
      expectSame();
    },
    LONG,
  );

  it(
    'answers the next command on the state the last one saved: a manual build',
    async () => {
      const a = await act(served, ['build', 'hardened', '--reason', 'manual test']);
      const b = await act(replayed, ['build', 'hardened', '--reason', 'manual test']);
      expect(a).toEqual(b);
      expect(servedLines()).toHaveLength(2);
      expectSame();
    },
    LONG,
  );

  it(
    'does not act on a saved cloud that changed under it: it replays what is saved now, then acts',
    async () => {
      // The saved state rewritten (as simulate --resume or a command run elsewhere would): its digest changes.
      writeFileSync(join(served, 'state.json'), JSON.stringify(stateOf(served)));
      writeFileSync(join(replayed, 'state.json'), JSON.stringify(stateOf(replayed)));
      const args = ['build', 'app', '--reason', 'after a change'];
      const a = await act(served, args);
      const b = await act(replayed, args);
      expect(a).toEqual(b);
      expect(serverLog).toContain('opened the saved cloud again (saved at ');
      expect(servedLines()).toHaveLength(3);
      expectSame();
    },
    LONG,
  );

  it(
    'answers a refusal alike, saves nothing, and answers the next command from the saved state again',
    async () => {
      const before = readFileSync(join(served, 'state.json'), 'utf8');
      // A refusal the endpoint answers (no precheck of the CLI covers resume), so the server is asked.
      const refuse = ['resume', 'base', '1.0.0/1', '--reason', 'nothing paused it'];
      const a = await goldsmith([...refuse, '--local', served]);
      const b = await goldsmith([...refuse, '--local', replayed]);
      expect(a.code).toBe(1);
      expect([a.code, a.stderr]).toEqual([b.code, b.stderr]);
      expect(a.stderr).toContain('the promotion of base 1.0.0/1 never paused');
      expect(readFileSync(join(served, 'state.json'), 'utf8')).toBe(before);
      expect(serverLog).toMatch(/served resume \(404\) in \d+ ms/);

      const next = ['build', 'hardened', '--reason', 'after the refusal'];
      expect(await act(served, next)).toEqual(await act(replayed, next));
      expect(servedLines().at(-1)).toMatch(/^served build \(200\)/);
      expectSame();
    },
    LONG,
  );

  it(
    'refuses a second server on the same saved cloud',
    () => {
      const second = spawnSync(process.execPath, [join(REPO, 'bin/goldsmith.mjs'), 'serve', '--local', served], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(second.status).toBe(1);
      expect(second.stderr).toContain('is already served');
      expect(existsSync(socketOf(served))).toBe(true);
    },
    LONG,
  );

  it(
    'saves only one of two commands run at once on a saved cloud, and says so for the other',
    async () => {
      const run = (reason: string) =>
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const child = spawn(
            process.execPath,
            [join(REPO, 'bin/goldsmith.mjs'), 'build', 'base', '--reason', reason, '--local', replayed],
            { stdio: ['ignore', 'ignore', 'pipe'] },
          );
          let stderr = '';
          child.stderr?.setEncoding('utf8');
          child.stderr?.on('data', (chunk: string) => {
            stderr += chunk;
          });
          child.on('exit', (code) => resolve({ code, stderr }));
        });
      const [a, b] = await Promise.all([run('first at once'), run('second at once')]);
      expect([a.code, b.code].sort()).toEqual([0, 1]);
      const refused = a.code === 1 ? a : b;
      expect(refused.stderr).toContain('changed while this command ran');
      const saved = JSON.stringify(stateOf(replayed).scenario);
      // Exactly the one that said it was done is in the saved cloud.
      expect([saved.includes('first at once'), saved.includes('second at once')]).toEqual([a.code === 0, b.code === 0]);
      expect(existsSync(join(replayed, '.state.lock'))).toBe(false);
    },
    LONG,
  );
});
