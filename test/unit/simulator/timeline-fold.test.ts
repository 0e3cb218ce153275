import { describe, expect, it } from 'vitest';
import { renderRepeats } from '../../../cli/simulate-output.js';
import type { DeadLetter } from '../../../local/simulator/invoke.js';
import { buildTimeline } from '../../../local/simulator/timeline.js';
import { foldRepeats, RepeatFolder, repeatedOutcomes } from '../../../local/simulator/timeline-fold.js';
import { emptyReport } from '../../fixtures/report.js';

const WATCH = 'arn:aws:lambda:us-east-1:123456789012:function:WatchBaseImagesA1B2C3D4';

/** An SSM outage as the simulator saw it: the base-image watch dead-lettered every quarter hour, then recovered. */
function outageDeadLetters(n: number): DeadLetter[] {
  return Array.from({ length: n }, (_, i) => {
    const at = new Date(Date.parse('2027-01-14T00:03:00Z') + i * 900_000).toISOString();
    const later = new Date(Date.parse(at) + 1_800_000).toISOString();
    return {
      at,
      target: WATCH,
      reason: 'InternalServerError: An error occurred on the server side.',
      errorType: 'InternalServerError',
      errorMessage: 'An error occurred on the server side.',
      event: { watch: 'base-images' },
      requestId: `r${i}`,
      recovered: { at: later, by: 'schedule WatchBaseImagesSchedule' },
    };
  });
}

const timelineOf = (deadLetters: DeadLetter[]) => buildTimeline(emptyReport({}), [], [], deadLetters, [], ['dev']);

describe('the timeline of an outage', () => {
  it('prints the first dead letter and the first recovery once, and counts the rest', () => {
    const folder = new RepeatFolder();
    const printed = timelineOf(outageDeadLetters(6))
      .map((e) => folder.push(e))
      .filter((l) => l !== undefined);
    expect(printed.map((l) => l.text.split(':')[0])).toEqual([
      'dead-lettered',
      'recovered by a later delivery (schedule WatchBaseImagesSchedule)',
    ]);
    expect(folder.repeats().map((r) => [r.times, r.last])).toEqual([
      [5, '2027-01-14T01:18:00.000Z'],
      [5, '2027-01-14T01:48:00.000Z'],
    ]);
  });

  it("lists them under 'Repeated outcomes' with how many more times and until when", () => {
    const folder = new RepeatFolder();
    for (const e of timelineOf(outageDeadLetters(3))) folder.push(e);
    const section = renderRepeats(folder);
    expect(section).toContain('Repeated outcomes (printed once above)');
    expect(section).toContain('the re-drive will retry it (a transient failure) — and 2 more times (last 2027-01-14)');
    expect(section).toContain('dead-lettered at 2027-01-14 00:03 — and 2 more times (last 2027-01-14)');
  });

  it('says the same in the HTML timeline and the JSON report', () => {
    const timeline = timelineOf(outageDeadLetters(4));
    const html = foldRepeats(timeline);
    expect(html).toHaveLength(2);
    expect(html[0]?.text).toMatch(/— and 3 more times \(last 2027-01-14\)$/);
    const folder = new RepeatFolder();
    for (const e of timeline) folder.push(e);
    expect(repeatedOutcomes(folder).map((r) => [r.text, r.times, r.versions])).toEqual([
      [timeline[0]?.text, 3, []],
      [timeline.find((e) => e.kind === 'recovered')?.text, 3, []],
    ]);
  });

  it('keeps a different function or error as a line of its own', () => {
    const [first, second] = outageDeadLetters(2);
    if (!first || !second) throw new Error('two dead letters expected');
    const other = { ...second, target: WATCH.replace('WatchBaseImages', 'StartBuilds'), recovered: undefined };
    const { recovered: _none, ...unrecovered } = first;
    expect(foldRepeats(timelineOf([unrecovered, other]))).toHaveLength(2);
  });
});
