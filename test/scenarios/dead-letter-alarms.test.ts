import { beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../local/simulator/index.js';
import { buildLines, patchDayCatalog, run, scenarioBetween } from './helpers.js';

// January's patch build (Thursday 14 January 2027, 03:00 UTC) while Image Builder is down from 02:00 to 08:00: the
// scheduled invocation of start-builds dead-letters. The queue's depth alarm invokes the re-drive; while the outage
// lasts each re-drive fails again, about an hour apart; the first after 08:00 builds.
const catalog = patchDayCatalog();
const OUTAGE = { service: 'imagebuilder', from: '2027-01-14T02:00:00Z', until: '2027-01-14T08:00:00Z' };
// The daily pass fires at midnight of each day after the first: five times before the end.
const PASSES = 5;
const scenario = (outages: (typeof OUTAGE)[]) =>
  scenarioBetween('2027-01-11T00:00:00Z', '2027-01-17T00:00:00Z', { faults: { outages } });

describe('dead letters re-driven on their queue’s depth alarm', () => {
  let clean: SimulationResult;
  let outage: SimulationResult;
  let malformed: SimulationResult;

  beforeAll(async () => {
    clean = await run(catalog, scenario([]));
    outage = await run(catalog, scenario([OUTAGE]));
    // An Image Builder state change on-image-event cannot parse: a permanent failure, dead-lettered on the 12th.
    malformed = await run(
      catalog,
      scenarioBetween('2027-01-11T00:00:00Z', '2027-01-17T00:00:00Z', {
        events: [
          {
            at: '2027-01-12T10:00:00Z',
            event: { source: 'aws.imagebuilder', 'detail-type': 'EC2 Image Builder Image State Change', detail: {} },
          },
        ],
      }),
    );
  }, 600_000);

  it('re-drives the dead-lettered patch build within about an hour of the outage’s end, and leaves nothing', () => {
    expect(buildLines(outage)).toEqual(['base 1.0.0/1 schedule AVAILABLE']);
    const requestedAt = Date.parse(outage.report.builds[0]?.requestedAt ?? '');
    expect(requestedAt).toBeGreaterThan(Date.parse(OUTAGE.until));
    expect(requestedAt - Date.parse(OUTAGE.until)).toBeLessThanOrEqual(70 * 60_000);
    expect(outage.report.faults.redriven).toBeGreaterThan(1);
    // Spaced about an hour apart while it kept failing (the patch build's invocation, and the 06:00 reconciler's):
    // at most a re-drive an hour each for the five hours left of the outage, not one every few minutes.
    expect(outage.report.faults.redriven).toBeLessThanOrEqual(2 * 6);
    expect(outage.report.faults.deadLettersLeft).toBe(0);
    expect(outage.report.consistency).toMatchObject({ ok: true, problems: [] });
  });

  it('reads an empty queue only on the daily pass: once a queue a day, no follow-up looks', () => {
    const receives = clean.report.apiCalls['sqs:ReceiveMessage'] ?? 0;
    expect(receives).toBeGreaterThan(0);
    expect(receives % PASSES).toBe(0);
    expect(receives / PASSES).toBeLessThanOrEqual(20);
    expect(clean.report.apiCalls['scheduler:CreateSchedule'] ?? 0).toBe(0);
    expect(clean.report.faults.redriven).toBe(0);
  });

  it('reads the queue that held the dead letter a few more times, and asks Scheduler for its follow-up looks', () => {
    const extra =
      (outage.report.apiCalls['sqs:ReceiveMessage'] ?? 0) - (clean.report.apiCalls['sqs:ReceiveMessage'] ?? 0);
    expect(extra).toBeGreaterThan(0);
    // Per re-drive: the look its alarm made (the letter, then an empty answer), the look that found it waiting,
    // and their follow-ups (one empty answer each).
    expect(extra).toBeLessThanOrEqual(6 * outage.report.faults.redriven);
    expect(outage.report.apiCalls['scheduler:CreateSchedule'] ?? 0).toBeGreaterThan(0);
  });

  it('leaves a permanent failure for a person, re-reading it only when it reappears twice a day', () => {
    expect(malformed.report.faults.redriven).toBe(0);
    expect(malformed.report.faults.deadLettersLeft).toBe(1);
    expect(malformed.report.apiModel.violations).toEqual([]);
    const extra =
      (malformed.report.apiCalls['sqs:ReceiveMessage'] ?? 0) - (clean.report.apiCalls['sqs:ReceiveMessage'] ?? 0);
    // Under five days with the letter: every twelve hours it reappears, its alarm fires and a look reads it (the
    // letter, then an empty answer) and hides it again, and the follow-up finds the queue empty; never hourly.
    expect(extra).toBeGreaterThan(0);
    expect(extra).toBeLessThanOrEqual(5 * 2 * 3);
    const hides = malformed.report.apiCalls['sqs:ChangeMessageVisibility'] ?? 0;
    expect(hides).toBeGreaterThan(0);
    expect(hides).toBeLessThanOrEqual(5 * 2);
  });
});
