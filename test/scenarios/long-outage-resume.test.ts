import { beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../local/simulator/index.js';
import { buildLines, patchDayCatalog, promotedLines, run, scenarioBetween } from './helpers.js';

// January's patch build (Thursday 14 January 2027, 03:00 UTC, AVAILABLE 03:52) goes to dev at once and to prod after
// ops-lead's approval (approvals: auto). Promotion steps wait transient errors out over the default 24 h horizon.
const catalog = patchDayCatalog();

const DAY = 24 * 3_600_000;
const RAM_DOWN_FROM = '2027-01-14T03:30:00Z';

/** RAM down from before the build is available for `days` days: dev's Publish cannot share its pointer. */
const ramDownFor = (days: number) => ({
  service: 'ram',
  from: RAM_DOWN_FROM,
  until: new Date(Date.parse(RAM_DOWN_FROM) + days * DAY).toISOString(),
});

const scenario = (outages: ReturnType<typeof ramDownFor>[]) =>
  scenarioBetween('2027-01-13T00:00:00Z', '2027-01-25T00:00:00Z', { faults: { outages } });

let clean: SimulationResult;
const outages = new Map<number, SimulationResult>();

beforeAll(async () => {
  clean = await run(catalog, scenario([]));
  for (const days of [5.5, 8.5]) outages.set(days, await run(catalog, scenario([ramDownFor(days)])));
}, 900_000);

describe.each([5.5, 8.5])('RAM down for %s days from before the patch build is available', (days) => {
  let outage: SimulationResult;

  beforeAll(() => {
    outage = outages.get(days) as SimulationResult;
  });

  it('promotes what the clean run promotes, with no operator', () => {
    expect(buildLines(outage)).toEqual(buildLines(clean));
    expect(promotedLines(clean)).toEqual(['base 1.0.0/1 dev', 'base 1.0.0/1 prod']);
    expect(promotedLines(outage)).toEqual(promotedLines(clean));
    const told = outage.report.notifications.map((n) => n.event);
    expect(told).not.toContain('aborted');
    expect(told.filter((e) => e === 'resumed')).toHaveLength(outage.report.faults.paused[0]?.resumes ?? -1);
  });

  it('is resumed by the reconciler, further apart each time, and once RAM answers the next resumption finishes it', () => {
    const [pause] = outage.report.faults.paused;
    // Paused again after each resumption while RAM stayed down; resumed every time, never left for an operator.
    expect(pause).toMatchObject({ image: 'base', version: '1.0.0/1', channel: 'dev', status: 'resumed' });
    expect(pause?.resumes).toBeGreaterThanOrEqual(4);
    const [window] = outage.report.faults.outages;
    expect(window?.callsFailed).toBeGreaterThan(0);
    expect(window?.recoveredAt).not.toBeNull();
    const dev = outage.report.promotions.find((p) => p.channel === 'dev');
    expect(Date.parse(dev?.at ?? '')).toBeGreaterThan(Date.parse(window?.until ?? ''));
    // At most a day after its latest pause, plus the reconciler's period, plus the resumed step's own time.
    expect(Date.parse(window?.recoveredAt ?? '') - Date.parse(window?.until ?? '')).toBeLessThan(
      DAY + DAY / 4 + DAY / 24,
    );
    expect(outage.report.consistency).toMatchObject({ ok: true, problems: [] });
  });
});
