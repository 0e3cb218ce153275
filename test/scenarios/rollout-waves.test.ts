import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { type SimulationResult, simulate } from '../../local/simulator/index.js';
import { captureOutput } from '../helpers/output.js';
import { catalogOf, REPO_ROOT, scenarioBetween } from './helpers.js';
import { CANARY, rolloutNotes, threeWaveCatalog, threeWaveScenario } from './rollout-catalog.js';

/**
 * Prod rolls out in three waves: a canary account, then one OU, then the other (two accounts each). Every prod account
 * runs a fleet whose groups follow the rollout; the teams launched on the first version, and the second version's
 * promotion to prod rolls them over, wave after wave.
 */
const catalog = threeWaveCatalog();
// 1.0.0/1 reaches prod before any group exists; the teams launch on it; 1.0.0/2 is the one rolled out.
const scenario = (faults: Record<string, unknown> = {}) => threeWaveScenario('2027-01-04T00:00:00Z', [], faults);
const V2 = '1.0.0/2';

type Report = SimulationResult['report'];
const notesOfV2 = (report: Report) => rolloutNotes(report, V2);

describe('a promotion to prod rolls out in waves, on the local cloud', () => {
  const goldsmith = (args: string[]) => captureOutput(() => main(args));
  let root: string;
  let cloud: string;
  let report: Report;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'goldsmith-rollout-'));
    cloud = join(root, 'cloud');
    writeFileSync(join(root, 'catalog.json'), JSON.stringify(catalog));
    writeFileSync(join(root, 'scenario.json'), JSON.stringify(scenario()));
    const config = ['--config', join(root, 'catalog.json'), '--scenario', join(root, 'scenario.json')];
    const out = await goldsmith(['simulate', ...config, '--save', cloud, '--json']);
    report = JSON.parse(out.stdout) as Report;
  }, 300_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('starts the waves in order, each once the one before is healthy (its refreshes Successful and baked)', () => {
    expect(notesOfV2(report).map((n) => n.subject)).toEqual([
      `base ${V2}: prod rollout wave 1/3 (canary) started`,
      `base ${V2}: prod rollout wave 1/3 (canary) healthy`,
      `base ${V2}: prod rollout wave 2/3 (wave-1) started`,
      `base ${V2}: prod rollout wave 2/3 (wave-1) healthy`,
      `base ${V2}: prod rollout wave 3/3 (rest) started`,
      `base ${V2}: prod rollout wave 3/3 (rest) healthy`,
      `base ${V2}: prod rollout completed`,
    ]);
    const at = (subject: string) => Date.parse(notesOfV2(report).find((n) => n.subject.endsWith(subject))?.at ?? '');
    const promoted = report.promotions.find(
      (p) => p.version === V2 && p.channel === 'prod' && p.outcome === 'promoted',
    );
    expect(at('(canary) started')).toBeGreaterThanOrEqual(Date.parse(promoted?.at ?? ''));
    // Each wave's refreshes bake 30 minutes before the next wave starts.
    expect(at('(wave-1) started') - at('(canary) started')).toBeGreaterThanOrEqual(30 * 60_000);
    expect(at('(rest) started') - at('(wave-1) started')).toBeGreaterThanOrEqual(30 * 60_000);
  });

  it('ends with every instance of the opted-in groups on the new version', () => {
    const days = report.fleet?.shares.find((s) => s.channel === 'prod')?.days ?? [];
    expect(days.at(-1)?.instances).toEqual({ [V2]: 10 });
  });

  it("passes the end-of-run audit: only opted-in groups refreshed, no wave before the previous one's end", () => {
    expect(report.consistency.problems).toEqual([]);
    expect(report.consistency.checks?.['rollout-opt-in-only']).toBeGreaterThanOrEqual(5);
    expect(report.consistency.checks?.['rollout-wave-order']).toBeGreaterThanOrEqual(4);
  });

  it('history tells each wave of the rollout', async () => {
    const { stdout } = await goldsmith(['history', 'base', '--local', cloud]);
    expect(stdout).toMatch(/1\.0\.0\/2 +prod +rollout wave 1\/3 \(canary\) started: 1 group in 1 account/);
    expect(stdout).toMatch(/1\.0\.0\/2 +prod +rollout wave 2\/3 \(wave-1\) started: 2 groups in 2 account/);
    expect(stdout).toMatch(/1\.0\.0\/2 +prod +rollout completed: 3 wave\(s\), 5 groups refreshed/);
  });

  it('the first version, promoted before any group follows prod, ends with nothing to refresh (info), never a halt', async () => {
    // 1.0.0/1 reached prod before the teams launched: no wave had a group that follows prod.
    // One announcement, rollout-completed (info): no rollout-halted (critical).
    expect(rolloutNotes(report, '1.0.0/1').map((n) => `${n.event}: ${n.subject}`)).toEqual([
      'rollout-completed: base 1.0.0/1: prod rollout completed',
    ]);
    const { stdout } = await goldsmith(['history', 'base', '--local', cloud]);
    const first = stdout.split('\n').filter((l) => /1\.0\.0\/1 +prod +rollout wave/.test(l));
    expect(first.map((l) => l.replace(/^.*rollout /, ''))).toEqual([
      'wave 1/3 (canary): no ready group follows base/prod — nothing to refresh',
      'wave 2/3 (wave-1): no ready group follows base/prod — nothing to refresh',
      'wave 3/3 (rest): no ready group follows base/prod — nothing to refresh',
    ]);
    expect(stdout).toMatch(
      /1\.0\.0\/1 +prod +rollout completed: 3 wave\(s\), 0 groups refreshed: nothing to refresh: no group in any wave follows base\/prod/,
    );
    expect(stdout).not.toMatch(/1\.0\.0\/1 +prod +rollout halted/);
    const status = await goldsmith(['rollout', 'status', 'base', 'prod', '--version', '1.0.0/1', '--local', cloud]);
    expect(status.stdout).toContain('\n  wave 1/3 (canary): no ready group follows base/prod — nothing to refresh (');
  });

  it("status shows how the channel's last rollout ended, once it completed", async () => {
    const { code, stdout } = await goldsmith(['status', '--local', cloud]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/\n +rollout 1\.0\.0\/2: completed 2027-01-03 \d\d:\d\d, 3 waves, 5 groups refreshed\n/);
  });

  it('fleet counts the groups the rollout refreshed on the new version, though the last usage reports predate it', async () => {
    const { code, stdout } = await goldsmith(['fleet', '--local', cloud, '--json']);
    expect(code).toBe(0);
    const fleet = JSON.parse(stdout) as {
      images: { versions: { version: string; standing: string }[] }[];
      channels: { channel: string; ou: string; standings: Record<string, unknown> }[];
    };
    const standings = fleet.images.flatMap((i) => i.versions.map((v) => `${v.version} ${v.standing}`));
    expect(standings).toContain(`${V2} current`);
    expect(standings.filter((s) => !s.endsWith('current'))).toEqual([]);
    const prod = fleet.channels.filter((r) => r.channel === 'prod');
    expect(prod.length).toBeGreaterThan(0);
    expect(prod.map((r) => `${r.ou} ${Object.keys(r.standings).join(',')}`)).toEqual(
      prod.map((r) => `${r.ou} current`),
    );
  });
});

describe('an alarm in the canary halts the rollout, on the local cloud', () => {
  let result: SimulationResult;

  beforeAll(async () => {
    // The canary's alarm fires while its refresh runs (the promotion to prod is at 22:52) and stays for hours.
    const alarms = [{ at: '2027-01-02T22:00:00Z', account: CANARY, alarm: 'app-5xx', for: '6h' }];
    result = await simulate(
      catalogOf(catalog),
      scenarioBetween('2027-01-01T00:00:00Z', '2027-01-04T00:00:00Z', scenario({ alarms })),
      REPO_ROOT,
    );
  }, 300_000);

  it("rolls the canary's refreshes back and starts no later wave, announcing the halt and the rollback once", () => {
    expect(notesOfV2(result.report).map((n) => n.subject)).toEqual([
      `base ${V2}: prod rollout wave 1/3 (canary) started`,
      `base ${V2}: prod rollout halted at wave 1/3 (canary)`,
      `base ${V2}: prod rollout wave 1/3 (canary) rolled back`,
    ]);
  });

  it("leaves every group on the version its team launched: the canary's rolled back, the others never refreshed", () => {
    const moved = (result.fleets?.events ?? []).filter((e) => e.by === 'rollout');
    expect(moved.every((e) => e.account === CANARY)).toBe(true);
    const days = result.report.fleet?.shares.find((s) => s.channel === 'prod')?.days ?? [];
    expect(days.at(-1)?.instances).toEqual({ '1.0.0/1': 10 });
    expect(result.report.consistency.problems).toEqual([]);
  });
});

describe('an operator pauses the rollout during the canary and resumes it later, through the operator endpoint', () => {
  let result: SimulationResult;
  const PAUSE = '2027-01-02T23:00:00Z';
  const RESUME = '2027-01-03T06:00:00Z';

  beforeAll(async () => {
    const request = (action: string, reason?: string) => ({
      action,
      image: 'base',
      channel: 'prod',
      ...(reason !== undefined && { reason }),
    });
    const base = scenario();
    const events = [
      ...base.events,
      { at: PAUSE, kind: 'operator', request: request('rollout-pause', 'watching the canary overnight') },
      { at: RESUME, kind: 'operator', request: request('rollout-resume') },
    ];
    result = await simulate(
      catalogOf(catalog),
      scenarioBetween('2027-01-01T00:00:00Z', '2027-01-04T00:00:00Z', { ...base, events }),
      REPO_ROOT,
    );
  }, 300_000);

  it('lets the running canary finish, starts no wave while paused, and goes on after the resume', () => {
    const notes = notesOfV2(result.report);
    expect(notes.map((n) => n.subject)).toEqual([
      `base ${V2}: prod rollout wave 1/3 (canary) started`,
      `base ${V2}: prod rollout paused at wave 1/3 (canary)`,
      `base ${V2}: prod rollout wave 1/3 (canary) healthy`,
      `base ${V2}: prod rollout resumed at wave 1/3 (canary)`,
      `base ${V2}: prod rollout wave 2/3 (wave-1) started`,
      `base ${V2}: prod rollout wave 2/3 (wave-1) healthy`,
      `base ${V2}: prod rollout wave 3/3 (rest) started`,
      `base ${V2}: prod rollout wave 3/3 (rest) healthy`,
      `base ${V2}: prod rollout completed`,
    ]);
    const started = notes.find((n) => n.subject.endsWith('(wave-1) started'));
    expect(Date.parse(started?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(RESUME));
    expect((result.operator ?? []).map((o) => o.status)).toEqual([200, 200]);
  });
});

describe('a revocation during the rollout supersedes it, on the local cloud', () => {
  let result: SimulationResult;

  beforeAll(async () => {
    const base = scenario();
    // The canary is healthy at 23:27 and wave-1 refreshes until about 00:02: revoked in between.
    const revoke = { at: '2027-01-02T23:40:00Z', kind: 'revoke', image: 'base', version: V2, reason: 'a bad openssl' };
    result = await simulate(
      catalogOf(catalog),
      scenarioBetween('2027-01-01T00:00:00Z', '2027-01-04T00:00:00Z', { ...base, events: [...base.events, revoke] }),
      REPO_ROOT,
    );
  }, 300_000);

  it('starts no later wave and puts every group it reached back on the version it ran before', () => {
    expect(notesOfV2(result.report).map((n) => n.subject)).toEqual([
      `base ${V2}: prod rollout wave 1/3 (canary) started`,
      `base ${V2}: prod rollout wave 1/3 (canary) healthy`,
      `base ${V2}: prod rollout wave 2/3 (wave-1) started`,
    ]);
    const days = result.report.fleet?.shares.find((s) => s.channel === 'prod')?.days ?? [];
    expect(days.at(-1)?.instances).toEqual({ '1.0.0/1': 10 });
    expect(result.report.consistency.problems).toEqual([]);
  });
});
