import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../cli/load-catalog.js';
import { type SimulationResult, simulate } from '../../local/simulator/index.js';
import type { TimelineEntry } from '../../local/simulator/timeline.js';
import { REPO_ROOT, scenarioBetween } from './helpers.js';

// `goldsmith simulate` prints the timeline as the run goes, reading it every 200 ms of wall time: a slow or busy
// machine may read it at any step of the clock. Read at each step while Publish runs, no line may arrive behind a
// read that took everything before a later time as final: a day of the example catalog, a base release, its build,
// and its promotion to dev the next day (Publish takes the outcome's time when it starts and records it after its
// read-backs, which wait on the clock).
describe('the timeline streamed while a simulation runs, read at each step of the clock while a promotion publishes', () => {
  let result: SimulationResult;
  const streamed: { entries: TimelineEntry[]; when: string }[] = [];

  beforeAll(async () => {
    const catalog = await loadCatalogFile(`${REPO_ROOT}goldsmith.config.ts`);
    const scenario = scenarioBetween('2027-01-13T00:00:00Z', '2027-01-14T02:00:00Z', {
      events: [
        {
          at: '2027-01-13T01:00:00Z',
          kind: 'base-image-release',
          parameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
        },
      ],
    });
    result = await simulate(catalog, scenario, REPO_ROOT, {
      onTimeline: (entries, when) => streamed.push({ entries, when }),
      // Every step of the promotion's minutes: its Publish starts at 01:52 and waits on the clock for its read-backs.
      timelineAfter: (now) => now >= Date.parse('2027-01-14T01:45:00Z'),
    });
  }, 300_000);

  it('hands on every line in time order while the run goes, none behind a read that took its time as final', () => {
    const lines = (s: { entries: TimelineEntry[] }[]) => s.flatMap((x) => x.entries.map((e) => `${e.at} ${e.text}`));
    expect(lines(result.timeline.map((e) => ({ entries: [e] })))).toContain(
      '2027-01-14T01:52:00.000Z 1.0.0/1 promoted to dev',
    );
    expect(streamed.filter((s) => s.when === 'late')).toEqual([]);
    expect(result.run.streamed?.late).toBe(0);
    // The build's lines and the promotion's are printed while the run goes, not at its end.
    expect(result.run.streamed?.live).toBeGreaterThanOrEqual(3);
    expect(streamed.flatMap((s) => s.entries)).toEqual(result.timeline);
  });
});
