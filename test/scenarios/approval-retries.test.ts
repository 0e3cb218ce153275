import { beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../local/simulator/index.js';
import { buildLines, patchDayCatalog, promotedLines, run, scenarioBetween } from './helpers.js';

// base on January's patch schedule (Thursday 14 January 2027, 03:00 UTC) through dev and a prod approved by
// ops-lead: built at 03:00, in dev at 03:52, approval asked at once for prod. Three days around that morning: once
// clean, once with SNS down from just before the approval is asked until 06:00 (the links cannot go out: the
// RequestApproval task fails and Step Functions retries it with a new task token for two hours), once with half of
// every AWS call failing with a server error.
const catalog = patchDayCatalog();
const SNS_DOWN = { service: 'sns', from: '2027-01-14T03:50:00Z', until: '2027-01-14T06:00:00Z' };
const scenario = (faults: Record<string, unknown>) =>
  scenarioBetween('2027-01-13T00:00:00Z', '2027-01-16T00:00:00Z', { faults, seed: 3 });

const requested = (r: SimulationResult) =>
  r.report.notifications.filter((n) => n.event === 'approval-requested').map((n) => `${n.subject} ${n.channel}`);

describe('a retried approval request recognizes its own earlier request', () => {
  let clean: SimulationResult;
  let snsDown: SimulationResult;
  let halfFailing: SimulationResult;

  beforeAll(async () => {
    clean = await run(catalog, scenario({}));
    snsDown = await run(catalog, scenario({ outages: [SNS_DOWN] }));
    halfFailing = await run(catalog, scenario({ errorRate: 0.5 }));
  }, 600_000);

  it('an SNS outage on the approval morning: builds and promotes what the clean run does, asking once', () => {
    expect(buildLines(clean)).toEqual(['base 1.0.0/1 schedule AVAILABLE']);
    expect(promotedLines(clean)).toEqual(['base 1.0.0/1 dev', 'base 1.0.0/1 prod']);
    expect(buildLines(snsDown)).toEqual(buildLines(clean));
    expect(promotedLines(snsDown)).toEqual(promotedLines(clean));
    expect(snsDown.report.promotions.every((p) => p.outcome === 'promoted')).toBe(true);
    // The outage really failed the request's calls, and the prod approval came after it.
    const [window] = snsDown.report.faults.outages;
    expect(window?.callsFailed).toBeGreaterThan(0);
    const prod = snsDown.report.promotions.find((p) => p.channel === 'prod');
    expect(Date.parse(prod?.at ?? '')).toBeGreaterThan(Date.parse(SNS_DOWN.until));
    // One request, announced once, however many attempts it took.
    expect(requested(snsDown)).toEqual(requested(clean));
    expect(requested(clean)).toHaveLength(1);
    expect(snsDown.report.consistency).toMatchObject({ ok: true, problems: [] });
  });

  it('half of every AWS call failing: builds and promotes what the clean run does', () => {
    expect(halfFailing.report.faults.injected).toBeGreaterThan(50);
    expect(buildLines(halfFailing)).toEqual(buildLines(clean));
    expect(promotedLines(halfFailing)).toEqual(promotedLines(clean));
    expect(halfFailing.report.promotions.every((p) => p.outcome === 'promoted')).toBe(true);
    expect(requested(halfFailing)).toEqual(requested(clean));
    expect(halfFailing.report.consistency).toMatchObject({ ok: true, problems: [] });
  });
});
