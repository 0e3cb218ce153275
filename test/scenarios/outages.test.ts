import { beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../local/simulator/index.js';
import { buildLines, patchDayCatalog, promotedLines, RECONCILER_PERIOD_MS, run, scenarioBetween } from './helpers.js';

// A base image on January's patch schedule (Thursday 14 January 2027, 03:00 London = 03:00 UTC) through dev and an
// approved prod channel.
const catalog = patchDayCatalog();

// Image Builder down from an hour before the patch build for six hours: the scheduled invocation dead-letters, its
// queue's depth alarm has it re-driven about hourly while the outage lasts, and the build starts with the first
// re-drive after 08:00 (08:14). The dead-letter queue's depth shows without SQS's 15-minute delay for a queue that
// wakes: the daily audit of resource policies (01:00) called it less than six hours before the dead letter came, so
// it was active (a queue idle since the day before would report 15 minutes later, and that re-drive come at 08:29).
// Step Functions is down for two hours from 09:00, so its promotion cannot start; SNS for four hours from 08:00, when
// Image Builder answers again: before the build's request whichever re-drive carries it; DynamoDB for one hour from
// 11:30, when the health gauges run (12:00).
const OUTAGES = [
  { service: 'imagebuilder', from: '2027-01-14T02:00:00Z', until: '2027-01-14T08:00:00Z' },
  { service: 'sfn', from: '2027-01-14T09:00:00Z', until: '2027-01-14T11:00:00Z' },
  { service: 'sns', from: '2027-01-14T08:00:00Z', until: '2027-01-14T12:00:00Z' },
  { service: 'dynamodb', from: '2027-01-14T11:30:00Z', until: '2027-01-14T12:30:00Z' },
];

const scenario = (outages: typeof OUTAGES) =>
  scenarioBetween('2027-01-01T00:00:00Z', '2027-01-20T00:00:00Z', { faults: { outages } });

describe('outages on patch day: Image Builder 6 h, Step Functions 2 h, SNS 4 h, DynamoDB 1 h', () => {
  let clean: SimulationResult;
  let outage: SimulationResult;

  beforeAll(async () => {
    clean = await run(catalog, scenario([]));
    outage = await run(catalog, scenario(OUTAGES));
  }, 900_000);

  it('builds what the clean run builds, and promotes the same versions to the same channels', () => {
    expect(buildLines(outage)).toEqual(buildLines(clean));
    expect(buildLines(clean)).toEqual(['base 1.0.0/1 schedule AVAILABLE']);
    expect(promotedLines(outage)).toEqual(promotedLines(clean));
    expect(promotedLines(clean)).toEqual(['base 1.0.0/1 dev', 'base 1.0.0/1 prod']);
  });

  it('reports each window with the calls it failed, and finishes what it deferred within a reconciler period', () => {
    const windows = outage.report.faults.outages;
    expect(windows.map((w) => w.service)).toEqual(['imagebuilder', 'sfn', 'sns', 'dynamodb']);
    for (const w of windows) {
      expect(w.callsFailed, w.service).toBeGreaterThan(0);
      expect(w.deferred, w.service).toBeGreaterThan(0);
      expect(w.recoveredAt, w.service).not.toBeNull();
      expect(Date.parse(w.recoveredAt ?? '') - Date.parse(w.until), w.service).toBeLessThanOrEqual(
        RECONCILER_PERIOD_MS,
      );
    }
  });

  it('lists every failed call with its operation, error and what handled it', () => {
    const failed = outage.report.faults.failed;
    expect(failed.length).toBe(outage.report.faults.failedCalls);
    expect(failed.some((f) => f.operation === 'imagebuilder:ListImagePipelineImages')).toBe(true);
    expect(failed.find((f) => f.operation === 'imagebuilder:ListImagePipelineImages')?.handledBy).toMatch(
      /^StartBuilds.*Lambda retries the delivery, then dead-letters it; the re-drive invokes it again/,
    );
    expect(failed.find((f) => f.operation.startsWith('imagebuilder:'))).toMatchObject({
      error: 'ServiceUnavailableException',
    });
    expect(clean.report.faults.failed).toEqual([]);
  });

  it('re-drives what the outages dead-lettered and Goldsmith recorded; keeps for a person what failed while the ledger was down', () => {
    const rejected = outage.report.rejectedEvents;
    expect(rejected.length).toBeGreaterThan(0);
    // A handler that fails records the failure in the ledger first; while DynamoDB itself is down (and through
    // Lambda's retries, about three minutes) it cannot, and the re-drive refuses what Goldsmith did not record.
    const ledgerDown = (at: string) =>
      Date.parse(at) >= Date.parse('2027-01-14T11:30:00Z') && Date.parse(at) < Date.parse('2027-01-14T12:34:00Z');
    const unrecorded = rejected.filter((e) => ledgerDown(e.at));
    expect(unrecorded.length).toBeGreaterThan(0);
    expect(outage.report.faults.redriven).toBeGreaterThanOrEqual(rejected.length - unrecorded.length);
    expect(outage.report.faults.deadLettersLeft).toBe(unrecorded.length);
    expect(outage.report.notifications.filter((n) => n.event === 'claim-refused')).toHaveLength(unrecorded.length);
    // Announcements SNS refused were kept and published once it answered: none pending, none lost.
    const { announcements } = outage.report.faults;
    expect(announcements.refused).toBeGreaterThan(0);
    expect(announcements).toMatchObject({ publishedLater: announcements.refused, pending: 0, lost: 0 });
    expect(clean.report.faults.redriven).toBe(0);
  });

  it('ends consistent, with every build intent built and no outcome naming a transient error', () => {
    expect(outage.report.consistency).toMatchObject({ ok: true, problems: [] });
    expect(outage.report.consistency.checks?.['intents-built']).toBeGreaterThan(0);
    expect(outage.report.consistency.checks?.['no-transient-outcomes']).toBe(outage.report.promotions.length);
  });
});
