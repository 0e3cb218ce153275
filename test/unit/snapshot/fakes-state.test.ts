import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../../cli/load-catalog.js';
import type { Catalog } from '../../../core/config/schema.js';
import { SINKS } from '../../../core/notifications/sinks.js';
import { startLocalCloud } from '../../../local/simulator/cloud.js';
import type { LocalCloud } from '../../../local/simulator/cloud-types.js';
import { simulate } from '../../../local/simulator/index.js';
import type { Scenario } from '../../../local/simulator/scenario.js';
import { type CloudSnapshot, snapshotOf } from '../../../local/simulator/snapshot.js';
import { exportFakes, importFakes, statefulParts } from '../../../local/snapshot/fakes-state.js';
import type { PlainState } from '../../../local/snapshot/plain-state.js';
import { type StreamPositions, seekStreams, streamPositions } from '../../../local/snapshot/streams.js';
import { defaultScenario, REPO_ROOT } from '../../scenarios/helpers.js';

/** Half a day of the default catalog: a build of base, its promotion through dev and test, fleets launching. */
const scenario: Scenario = defaultScenario({
  until: '2027-01-01T12:00:00Z',
  events: [{ at: '2027-01-01T01:00:00Z', kind: 'build', image: 'base', reason: 'round trip' }],
});

/** What the read commands show of a cloud, without the ledger (DynamoDB is saved on its own). */
const shown = (s: CloudSnapshot) => ({ pointers: s.pointers, builds: s.builds, amis: s.amis });

describe("every fake's state, saved and written into a fresh cloud", () => {
  let catalog: Catalog;
  let saved: PlainState;
  let savedShown: ReturnType<typeof shown>;
  let savedNames: string[];
  let savedStreams: StreamPositions;
  let startStreams: StreamPositions;
  let fresh: LocalCloud | undefined;

  beforeAll(async () => {
    catalog = await loadCatalogFile(`${REPO_ROOT}goldsmith.config.ts`);
    const run = await simulate(catalog, scenario, REPO_ROOT, { keep: true });
    const session = run.session;
    if (!session) throw new Error('simulate kept no cloud');
    try {
      // Through the disk: what a saved cloud holds is JSON.
      saved = JSON.parse(JSON.stringify(exportFakes(session.cloud))) as PlainState;
      savedShown = shown(await snapshotOf(session.cloud));
      savedNames = Object.keys(statefulParts(session.cloud));
      savedStreams = streamPositions(session.cloud);
    } finally {
      await session.stop();
    }
    fresh = await startLocalCloud(catalog, scenario, REPO_ROOT);
    startStreams = streamPositions(fresh);
    importFakes(fresh, saved);
    seekStreams(fresh, savedStreams);
  }, 600_000);
  afterAll(async () => {
    await fresh?.stop();
  });

  it('saves every fake, and each holds the same state once written into the fresh one', () => {
    expect(savedShown.builds.length).toBeGreaterThan(0);
    expect(Object.keys((saved as { $o: object }).$o)).toEqual(savedNames);
    expect(exportFakes(fresh as LocalCloud)).toEqual(saved);
  });

  it("saves each configured sink's stand-in under the name its sink declares (core/notifications/sinks.ts)", () => {
    const cloud = fresh as LocalCloud;
    const declared = SINKS.filter((s) => s.standIn && s.announces(catalog.notifications));

    expect(declared.length).toBeGreaterThan(0);
    for (const sink of declared) expect(statefulParts(cloud)[sink.standIn ?? '']).toBe(cloud.sinkStandIns[sink.key]);
    expect(savedNames).toEqual(expect.arrayContaining(declared.map((s) => s.standIn)));
  });

  it("goes on drawing from where the saved cloud's random streams stood (repeated deliveries drew from theirs)", () => {
    expect(savedStreams.duplicates).not.toBe(startStreams.duplicates);
    expect(streamPositions(fresh as LocalCloud)).toEqual(savedStreams);
  });

  it('shows the same builds, AMIs and channel pointers as the saved cloud did', async () => {
    expect(shown(await snapshotOf(fresh as LocalCloud))).toEqual(savedShown);
  });

  it("in an upgrade, keeps the call tallies this release counts and the saved release's lacked", () => {
    // As a release before the per-caller tallies saved its cloud: `stats` without `callsByCaller`.
    const older = JSON.parse(JSON.stringify(saved)) as { $o: { stats: { $o: Record<string, unknown> } } };
    delete older.$o.stats.$o.callsByCaller;
    const cloud = fresh as LocalCloud;
    importFakes(cloud, older as PlainState, { keepNewFields: true });
    expect(cloud.installed.stats.callsByCaller).toBeTypeOf('object');
    expect(cloud.installed.stats.attempts).toBe((saved as typeof older).$o.stats.$o.attempts);
    // Opening a save of this release's own is exact: a field it did not hold goes.
    importFakes(cloud, older as PlainState);
    expect(cloud.installed.stats.callsByCaller).toBeUndefined();
  });
});
