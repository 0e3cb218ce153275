import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../cli/load-catalog.js';
import type { Catalog } from '../../core/config/schema.js';
import { EVERY_SINK } from '../../examples/catalogs/every-option.js';
import { type SimulationResult, simulate } from '../../local/simulator/index.js';
import { isSnapshot, type SavedCloud } from '../../local/simulator/saved-cloud.js';
import type { LocalSession } from '../../local/simulator/session.js';
import { defaultScenarioWindow, REPO_ROOT } from './helpers.js';

// The default scenario's patch week in January (the patch build, its promotions to prod, the approvals), with Teams and
// two signed webhooks configured beside email and Slack: once with every sink up, once with Teams down for the patch
// build's morning (HTTP 503 for 12 hours) and the webhooks answering 429 with Retry-After: 900 for a day.
const START = '2027-01-10T00:00:00Z';
const UNTIL = '2027-01-18T00:00:00Z';
const OUTAGES = [
  { service: 'teams', from: '2027-01-14T02:00:00Z', until: '2027-01-14T14:00:00Z' },
  {
    service: 'webhooks',
    from: '2027-01-14T06:00:00Z',
    until: '2027-01-15T06:00:00Z',
    status: 429,
    retryAfterSeconds: 900,
  },
];
/** The week, run to `until` (its events those of the whole week, so a run saved early and opened goes on the same). */
const week = (outages: unknown[], until = UNTIL) =>
  defaultScenarioWindow({ start: START, until, eventsUntil: UNTIL, outages });

let catalog: Catalog;
let clean: SimulationResult & { session?: LocalSession };
let failing: SimulationResult & { session?: LocalSession };
/** The failing week saved in the middle of the Teams outage (posts parked in the ledger), opened and run to its end. */
let resumed: SimulationResult & { session?: LocalSession };
const SAVED_AT = '2027-01-14T10:00:00.000Z';

beforeAll(async () => {
  const example = await loadCatalogFile(`${REPO_ROOT}goldsmith.config.ts`);
  catalog = {
    ...example,
    notifications: { ...example.notifications, ...EVERY_SINK },
  };
  clean = await simulate(catalog, week([]), REPO_ROOT, { keep: true });
  failing = await simulate(catalog, week(OUTAGES), REPO_ROOT, { keep: true });
  const first = await simulate(catalog, week(OUTAGES, SAVED_AT), REPO_ROOT, { save: true });
  if (!first.saved || !isSnapshot(first.saved)) throw new Error(`no snapshot: ${JSON.stringify(first.saved)}`);
  // Through the disk: what a saved cloud holds is JSON.
  const saved = JSON.parse(JSON.stringify(first.saved)) as SavedCloud;
  resumed = await simulate(catalog, week(OUTAGES), REPO_ROOT, { open: saved, keep: true });
}, 900_000);

afterAll(async () => {
  await clean?.session?.stop();
  await failing?.session?.stop();
  await resumed?.session?.stop();
});

const cloudOf = (r: typeof clean) => {
  const cloud = r.session?.cloud;
  if (!cloud?.teams || !cloud.webhooks) throw new Error('the run kept no cloud with Teams and the webhooks');
  return { teams: cloud.teams, webhooks: cloud.webhooks, slack: cloud.slack };
};

describe('Teams and the signed webhooks in the local cloud', () => {
  it('receive every announcement Slack receives, once each, cards and signatures as Teams and the receivers take them', () => {
    const { teams, webhooks, slack } = cloudOf(clean);
    const ids = teams.cards.map((c) => c.id);

    expect(ids.length).toBeGreaterThan(10);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(slack?.stats.posted);
    expect(teams.stats).toMatchObject({ refused: 0, repeated: 0 });
    for (const r of webhooks.receivers) {
      expect(r.received.map((w) => w.id).sort(), r.name).toEqual([...ids].sort());
      expect(r.stats, r.name).toMatchObject({ refused: 0, repeated: 0 });
    }
  });

  it('lose nothing to an outage or a 429 storm: the same announcements arrive, late, once each', () => {
    const before = cloudOf(clean);
    const after = cloudOf(failing);

    expect(after.teams.stats.failed).toBeGreaterThan(0);
    expect(after.teams.cards.map((c) => c.id).sort()).toEqual(before.teams.cards.map((c) => c.id).sort());
    for (const r of after.webhooks.receivers) {
      expect(r.stats.rateLimited, r.name).toBeGreaterThan(0);
      expect(r.received.map((w) => w.id).sort(), r.name).toEqual(
        before.webhooks
          .receiver(r.name)
          .received.map((w) => w.id)
          .sort(),
      );
    }
  });

  it('deliver what each window held up by the next run after it ends (at most three hours), honouring Retry-After', () => {
    const windows = failing.report.faults.outages.filter((o) => o.service === 'teams' || o.service === 'webhooks');
    expect(windows).toHaveLength(2);
    for (const w of windows) {
      expect(w.callsFailed, w.service).toBeGreaterThan(0);
      expect(w.deferred, w.service).toBeGreaterThan(0);
      expect(Date.parse(w.recoveredAt ?? ''), w.service).toBeLessThanOrEqual(Date.parse(w.until) + 3 * 3_600_000);
    }
  });

  it('go on from a saved cloud: what the save held (cards shown, posts parked) is kept, and nothing is posted twice', () => {
    const straight = cloudOf(failing);
    const again = cloudOf(resumed);
    const cards = (c: ReturnType<typeof cloudOf>) => c.teams.cards.map((k) => `${k.at} ${k.id}`);

    expect(again.teams.cards.filter((c) => c.at < SAVED_AT).length).toBeGreaterThan(0);
    expect(cards(again)).toEqual(cards(straight));
    expect(again.teams.stats.repeated).toBe(0);
    for (const r of again.webhooks.receivers) {
      expect(
        r.received.map((w) => w.id),
        r.name,
      ).toEqual(straight.webhooks.receiver(r.name).received.map((w) => w.id));
    }
  });

  it("are left alone by the doors' auditor: no subscription drift found, none put back", () => {
    for (const r of [clean, failing, resumed]) {
      expect(r.report.notifications.filter((n) => n.event === 'drift-found')).toEqual([]);
    }
  });
});
