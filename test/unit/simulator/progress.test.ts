import { describe, expect, it } from 'vitest';
import { progressLine, wantsProgress } from '../../../local/simulator/progress.js';

const DAY = 86_400_000;
const YEAR = 365 * DAY;

describe('wantsProgress', () => {
  it('shows progress for a year-long run on a terminal', () => {
    expect(wantsProgress({ json: false, isTTY: true, env: {}, spanMs: YEAR })).toBe(true);
  });

  it('stays quiet under --json, when stderr is not a terminal, in CI and for a quarter', () => {
    expect(wantsProgress({ json: true, isTTY: true, env: {}, spanMs: YEAR })).toBe(false);
    expect(wantsProgress({ json: false, isTTY: false, env: {}, spanMs: YEAR })).toBe(false);
    expect(wantsProgress({ json: false, isTTY: true, env: { CI: 'true' }, spanMs: YEAR })).toBe(false);
    expect(wantsProgress({ json: false, isTTY: true, env: {}, spanMs: 90 * DAY })).toBe(false);
  });
});

describe('progressLine', () => {
  it('prints the simulated date, counts and an ETA extrapolated from wall time, at most every interval', () => {
    const written: string[] = [];
    let wall = 0;
    const p = progressLine((t) => written.push(t), { everyMs: 500, wallNow: () => wall });
    const start = Date.parse('2027-01-01T00:00:00Z');
    const until = start + 100 * DAY;
    wall = 1000;
    p.tick({ now: start + 25 * DAY, start, until, builds: 12, promotions: 30 });
    wall = 1200;
    p.tick({ now: start + 26 * DAY, start, until, builds: 13, promotions: 31 });
    p.done();
    expect(written).toHaveLength(2);
    expect(written[0]).toBe('\r2027-01-26  25%  builds 12  promotions 30  ETA 3 s   ');
    expect(written[1]).toBe('\n');
  });

  it('erases its line for other output and draws it again at the next tick', () => {
    const written: string[] = [];
    let wall = 0;
    const p = progressLine((t) => written.push(t), { everyMs: 500, wallNow: () => wall });
    const start = Date.parse('2027-01-01T00:00:00Z');
    const tick = { now: start + DAY, start, until: start + 100 * DAY, builds: 1, promotions: 0 };
    wall = 1000;
    p.tick(tick);
    p.interrupt();
    p.interrupt();
    wall = 1100;
    p.tick(tick);
    expect(written.map((w) => w.slice(0, 12))).toEqual(['\r2027-01-02 ', '\r\x1b[2K', '\r2027-01-02 ']);
  });

  it('writes nothing, not even a newline, when it never ticked', () => {
    const written: string[] = [];
    progressLine((t) => written.push(t)).done();
    expect(written).toEqual([]);
  });
});
