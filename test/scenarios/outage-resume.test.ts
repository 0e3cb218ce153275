import { beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../local/simulator/index.js';
import { buildLines, patchDayCatalog, promotedLines, RECONCILER_PERIOD_MS, run, scenarioBetween } from './helpers.js';

// January's patch build (Thursday 14 January 2027, 03:00 UTC, AVAILABLE 03:52) goes to dev at once and asks ops-lead
// for prod, who approves an hour later (approvals: auto). Promotion steps wait transient errors out for an hour.
const catalog = patchDayCatalog({ resilience: { retryHorizon: '1h' } });

// Step Functions is down from before the approval until after the next reconciler run has tried to deliver it.
const SFN_DOWN = { service: 'sfn', from: '2027-01-14T04:00:00Z', until: '2027-01-14T06:30:00Z' };
// EC2 is down from before the build is available until well past the one-hour retry horizon of dev's Share.
const EC2_DOWN = { service: 'ec2', from: '2027-01-14T03:30:00Z', until: '2027-01-14T06:45:00Z' };

const scenario = (outages: (typeof SFN_DOWN)[]) =>
  scenarioBetween('2027-01-13T00:00:00Z', '2027-01-16T00:00:00Z', { faults: { outages } });

let clean: SimulationResult;
let sfnDown: SimulationResult;
let ec2Down: SimulationResult;

beforeAll(async () => {
  clean = await run(catalog, scenario([]));
  sfnDown = await run(catalog, scenario([SFN_DOWN]));
  ec2Down = await run(catalog, scenario([EC2_DOWN]));
}, 900_000);

describe('an approval given while Step Functions is down', () => {
  let outage: SimulationResult;

  beforeAll(() => {
    outage = sfnDown;
  });

  it('is recorded at once and promotes prod as the clean run does, named after the approver', () => {
    expect(buildLines(outage)).toEqual(buildLines(clean));
    expect(promotedLines(outage)).toEqual(promotedLines(clean));
    expect(promotedLines(clean)).toEqual(['base 1.0.0/1 dev', 'base 1.0.0/1 prod']);
    const prod = outage.report.promotions.find((p) => p.channel === 'prod');
    expect(prod).toMatchObject({ outcome: 'promoted', by: 'ops-lead' });
    // The approver's answer is announced when given, not when Step Functions finally takes it.
    const approved = outage.report.notifications.find((n) => n.event === 'approved');
    expect(Date.parse(approved?.at ?? '')).toBeLessThan(Date.parse(SFN_DOWN.until));
  });

  it('is delivered by the first reconciler run after the window, which the report shows', () => {
    const [window] = outage.report.faults.outages;
    expect(window).toMatchObject({ service: 'sfn', deferred: 1 });
    expect(window?.callsFailed).toBeGreaterThan(0);
    const recovered = Date.parse(window?.recoveredAt ?? '');
    expect(recovered).toBeGreaterThan(Date.parse(SFN_DOWN.until));
    expect(recovered - Date.parse(SFN_DOWN.until)).toBeLessThanOrEqual(RECONCILER_PERIOD_MS);
    const prod = outage.report.promotions.find((p) => p.channel === 'prod');
    expect(Date.parse(prod?.at ?? '')).toBe(recovered);
    expect(outage.report.faults.failed.map((f) => f.operation)).toContain('sfn:SendTaskSuccess');
    expect(outage.report.consistency).toMatchObject({ ok: true, problems: [] });
  });
});

describe('a promotion step still failing at the end of its retry horizon', () => {
  it('pauses, is resumed by the reconciler, and promotes what the clean run promotes', () => {
    expect(buildLines(ec2Down)).toEqual(buildLines(clean));
    expect(promotedLines(ec2Down)).toEqual(promotedLines(clean));
    expect(ec2Down.report.promotions.map((p) => p.outcome)).toEqual(['promoted', 'promoted']);
    expect(ec2Down.report.faults.paused).toEqual([
      expect.objectContaining({ image: 'base', version: '1.0.0/1', channel: 'dev', status: 'resumed', resumes: 1 }),
    ]);
    const told = ec2Down.report.notifications.map((n) => `${n.event} ${n.channel}`);
    expect(told.indexOf('paused dev')).toBeGreaterThan(-1);
    expect(told.indexOf('resumed dev')).toBeGreaterThan(told.indexOf('paused dev'));
    expect(told).not.toContain('aborted dev');
  });

  it('finishes the paused step within a reconciler period of the window, and ends consistent', () => {
    const [window] = ec2Down.report.faults.outages;
    expect(window?.callsFailed).toBeGreaterThan(0);
    expect(window?.recoveredAt).not.toBeNull();
    expect(Date.parse(window?.recoveredAt ?? '') - Date.parse(EC2_DOWN.until)).toBeLessThanOrEqual(
      RECONCILER_PERIOD_MS,
    );
    const pausedAt = Date.parse(ec2Down.report.faults.paused[0]?.pausedAt ?? '');
    expect(pausedAt).toBeLessThan(Date.parse(EC2_DOWN.until));
    expect(ec2Down.report.consistency).toMatchObject({ ok: true, problems: [] });
    expect(ec2Down.report.consistency.checks?.['no-transient-outcomes']).toBe(2);
  });
});
