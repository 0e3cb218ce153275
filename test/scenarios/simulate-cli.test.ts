import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../..');

interface Chunk {
  text: string;
  at: number;
}

/** Runs `goldsmith simulate` as a user does (with the flag of its first line and of `npm start`) and keeps each piece of stdout with the time it arrived. */
function simulateCommand(args: string[]): Promise<{ code: number | null; chunks: Chunk[]; exitedAt: number }> {
  return new Promise((resolvePromise) => {
    const child = spawn(
      process.execPath,
      ['--experimental-async-context-frame', join(REPO, 'bin/goldsmith.mjs'), 'simulate', ...args],
      {
        cwd: REPO,
        env: { ...process.env, CI: '1' },
      },
    );
    const chunks: Chunk[] = [];
    child.stdout.on('data', (d) => chunks.push({ text: String(d), at: performance.now() }));
    child.on('close', (code) => resolvePromise({ code, chunks, exitedAt: performance.now() }));
  });
}

describe('goldsmith simulate (human output)', () => {
  let dir: string;
  let run: Awaited<ReturnType<typeof simulateCommand>>;
  const stdout = () => run.chunks.map((c) => c.text).join('');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'goldsmith-simulate-cli-'));
    const scenario = join(dir, 'scenario.json');
    // Two days: a base release on day one and the catalog's own schedules (January's patch build on the 14th).
    writeFileSync(
      scenario,
      JSON.stringify({
        start: '2027-01-13T00:00:00Z',
        until: '2027-01-15T00:00:00Z',
        organization: { accountsPerOu: 1 },
        events: [
          {
            at: '2027-01-13T01:00:00Z',
            kind: 'base-image-release',
            parameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
          },
        ],
      }),
    );
    // With README's --html and simulation.md's --slack, as a reader would add them.
    run = await simulateCommand(['--scenario', scenario, '--html', join(dir, 'report.html'), '--slack']);
  }, 600_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the header, the timeline in time order, then the tables', () => {
    expect(run.code).toBe(0);
    const lines = stdout().split('\n');
    expect(lines[0]).toBe('Goldsmith simulation 2027-01-13 00:00 → 2027-01-15 00:00 (seed 1)');
    const end = lines.indexOf('Builds');
    const timeline = lines.slice(2, end - 1).filter((l) => /^\d{4}-\d\d-\d\d \d\d:\d\d {2}/.test(l));
    expect(timeline.length).toBeGreaterThan(3);
    expect(timeline.map((l) => l.slice(0, 16))).toEqual(timeline.map((l) => l.slice(0, 16)).sort());
    expect(timeline.some((l) => l.includes('build 1.0.0/1 requested (base-image)'))).toBe(true);
  });

  it('prints timeline lines while the run goes on, before the tables at its end', () => {
    const firstLine = run.chunks.find((c) => /\n\d{4}-\d\d-\d\d \d\d:\d\d {2}/.test(`\n${c.text}`));
    const tables = run.chunks.find((c) => c.text.includes('\nBuilds\n'));
    expect(firstLine).toBeDefined();
    expect(tables).toBeDefined();
    expect(firstLine?.at ?? Number.POSITIVE_INFINITY).toBeLessThan(tables?.at ?? 0);
    expect(run.chunks.indexOf(firstLine as Chunk)).toBeLessThan(run.chunks.indexOf(tables as Chunk));
  });

  it('writes the --html page, self-contained, and prints what Slack received after the tables (--slack)', () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('base');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    const text = stdout();
    expect(text).toMatch(/\nWhat Slack received \(\d+ messages\)\n/);
    expect(text.indexOf('\nBuilds\n')).toBeLessThan(text.indexOf('\nWhat Slack received'));
  });
});
