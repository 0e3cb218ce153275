import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../cli/load-catalog.js';
import type { Catalog } from '../../core/config/schema.js';
import { type SimulationResult, simulate } from '../../local/simulator/index.js';
import { isSnapshot, type SavedCloud } from '../../local/simulator/saved-cloud.js';
import { type Scenario, scenarioSchema } from '../../local/simulator/scenario.js';
import type { CloudSnapshot } from '../../local/simulator/snapshot.js';
import { catalogOf, defaultScenario, REPO_ROOT } from './helpers.js';
import { threeWaveCatalog, threeWaveScenario } from './rollout-catalog.js';

const LONG = 600_000;
const SAVED_AT = '2027-01-01T12:00:00.000Z';
const UNTIL = '2027-01-02T06:00:00.000Z';

/**
 * The default catalog's first day: a build of base that fails (Image Builder's walk on the clock, its events on the
 * bus), one whose promotion is in its dev soak at the save (a running execution), then after the save another build,
 * with the fleets checking their pointers and the stacks' schedules running throughout.
 */
const scenario = (until: string) =>
  defaultScenario({
    until,
    events: [
      { at: '2027-01-01T00:30:00Z', kind: 'build-fails', image: 'base', reason: 'component failed', count: 1 },
      { at: '2027-01-01T01:00:00Z', kind: 'build', image: 'base', reason: 'first, fails' },
      { at: '2027-01-01T03:00:00Z', kind: 'build', image: 'base', reason: 'in soak at the save' },
      { at: '2027-01-01T13:00:00Z', kind: 'build', image: 'base', reason: 'after the save' },
    ],
  });

/** What a person reads of a cloud: the ledger, pointers, builds, AMIs and executions. */
const shown = (s: CloudSnapshot | undefined) => s && { ...s, at: undefined };

/** A run saved at `savedAt`, its save opened in a fresh cloud and run on to `until`, and the straight run to it. */
interface SavedAndStraight {
  first: SimulationResult;
  saved: SavedCloud;
  resumed: SimulationResult;
  straight: SimulationResult;
}

async function saveOpenAndRunStraight(
  catalog: Catalog,
  scenarioUntil: (until: string) => Scenario,
  savedAt: string,
  until: string,
): Promise<SavedAndStraight> {
  const first = await simulate(catalog, scenarioUntil(savedAt), REPO_ROOT, { save: true });
  if (!first.saved || !isSnapshot(first.saved)) throw new Error(`no snapshot: ${JSON.stringify(first.saved)}`);
  // Through the disk: what a saved cloud holds is JSON.
  const saved = JSON.parse(JSON.stringify(first.saved)) as SavedCloud;
  const resumed = await simulate(catalog, scenarioUntil(until), REPO_ROOT, { open: saved, snapshot: true });
  const straight = await simulate(catalog, scenarioUntil(until), REPO_ROOT, { snapshot: true });
  return { first, saved, resumed, straight };
}

describe('a saved cloud opened in a fresh one goes on as the straight run does', () => {
  let straight: SimulationResult;
  let first: SimulationResult;
  let saved: SavedCloud;
  let resumed: SimulationResult;

  beforeAll(async () => {
    const catalog = await loadCatalogFile(`${REPO_ROOT}goldsmith.config.ts`);
    ({ first, saved, resumed, straight } = await saveOpenAndRunStraight(catalog, scenario, SAVED_AT, UNTIL));
  }, LONG);

  it('is saved whole at the instant the run stopped, with its pending work as data', () => {
    expect(saved.at).toBe(SAVED_AT);
    // The scenario's later build, as data: the fleets' checks and the schedules' runs after the save are armed by
    // the open, from the scenario, up to its new end.
    expect(saved.pending).toContainEqual(expect.objectContaining({ kind: 'scenario event', label: 'scenario build' }));
  });

  it('opened and run on, it holds the same ledger, pointers, builds, AMIs and executions as the straight run', () => {
    expect(resumed.snapshot?.builds.length).toBe(3);
    expect(saved.stepFunctions.running.length).toBeGreaterThan(0);
    expect(shown(resumed.snapshot)).toEqual(shown(straight.snapshot));
  });

  it('replays nothing: the two halves run exactly the straight run’s clock items', () => {
    expect(first.run.steps + resumed.run.steps).toBe(straight.run.steps);
  });

  it('reports the whole run, as the straight run does', () => {
    expect(resumed.timeline).toEqual(straight.timeline);
    expect(resumed.report.builds).toEqual(straight.report.builds);
  });
});

/**
 * Five days of the default catalog with a fifth of its AWS calls throttled and a tenth failed at random: the base
 * image's release builds base, and its promotions, cascades and schedules make calls whose faults the seeded stream
 * decides, each retried by the SDK after a backoff drawn from the same stream.
 */
const faulty = (until: string) =>
  scenarioSchema.parse({
    start: '2027-01-01T00:00:00Z',
    until,
    organization: { accountsPerOu: 1 },
    approvals: 'none',
    faults: { throttleRate: 0.2, errorRate: 0.1 },
    seed: 3,
    events: [
      {
        at: '2027-01-01T01:00:00Z',
        kind: 'base-image-release',
        parameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
      },
    ],
  });

describe('a cloud that throttles and fails AWS calls at random, saved and opened, goes on as the straight run', () => {
  const FAULTY_UNTIL = '2027-01-06T00:00:00.000Z';
  // A promotion waiting on its task token, and the organization's id the container asked for on the day before.
  const FAULTY_SAVED_AT = '2027-01-03T00:00:00.000Z';
  let straight: SimulationResult;
  let saved: SavedCloud;
  let resumed: SimulationResult;

  beforeAll(async () => {
    const catalog = await loadCatalogFile(`${REPO_ROOT}goldsmith.config.ts`);
    ({ saved, resumed, straight } = await saveOpenAndRunStraight(catalog, faulty, FAULTY_SAVED_AT, FAULTY_UNTIL));
  }, LONG);

  it('is saved as a snapshot, with the answers its Lambda container holds', () => {
    expect(saved.stepFunctions.running.length).toBeGreaterThan(0);
    expect(saved.container.organizationRef).toMatchObject({ id: expect.stringMatching(/^o-/) });
  });

  it('reports the same timeline, calls, faults and outcomes as the straight run', () => {
    expect(straight.report.faults.injected).toBeGreaterThan(50);
    expect(resumed.timeline).toEqual(straight.timeline);
    expect(resumed.report.apiCalls).toEqual(straight.report.apiCalls);
    expect(resumed.report.faults).toEqual(straight.report.faults);
    expect(resumed.report.builds).toEqual(straight.report.builds);
    expect(resumed.report.promotions).toEqual(straight.report.promotions);
    expect(shown(resumed.snapshot)).toEqual(shown(straight.snapshot));
  });

  it('counts the whole run’s DynamoDB requests and model-checked calls, as the straight run does', () => {
    // The saved part's report read the ledger after it stopped; those reads are not the run's.
    expect(resumed.report.callPlan?.dynamo.byOperation['dynamodb:Query']).toBeGreaterThan(0);
    expect(resumed.report.callPlan?.dynamo).toEqual(straight.report.callPlan?.dynamo);
    expect(resumed.report.cost).toEqual(straight.report.cost);
    // The saved part's requests and responses checked against AWS's models are carried in the save and counted on.
    expect(saved.apiModel?.requests).toBeGreaterThan(0);
    expect(resumed.report.apiModel).toEqual(straight.report.apiModel);
  });
});

describe('a throttled cloud saved a day after a promotion warmed its clients goes on as the straight run', () => {
  // The staging promotion of 01-14 04:52 made the container's first Parameter Store calls in eu-west-1; the next
  // day's dev promotion writes its pointer in three regions at once, and one write is throttled.
  const WARM_UNTIL = '2027-01-15T04:00:00.000Z';
  const WARM_SAVED_AT = '2027-01-15T03:00:00.000Z';
  const throttled = (until: string) =>
    scenarioSchema.parse({
      ...(JSON.parse(readFileSync(`${REPO_ROOT}examples/scenarios/slack-approval.json`, 'utf8')) as object),
      events: [],
      faults: { throttleRate: 0.3, errorRate: 0.05 },
      until,
    });
  let saved: SavedCloud;
  let resumed: SimulationResult;
  let straight: SimulationResult;

  beforeAll(async () => {
    const catalog = await loadCatalogFile(`${REPO_ROOT}goldsmith.config.ts`);
    ({ saved, resumed, straight } = await saveOpenAndRunStraight(catalog, throttled, WARM_SAVED_AT, WARM_UNTIL));
  }, LONG);

  it('holds the clients that had sent a request, and draws the fault stream in the straight run’s order once opened', () => {
    expect(saved.container.clients).toContainEqual(expect.objectContaining({ service: 'ssm', region: 'eu-west-1' }));
    expect(resumed.report.faults).toEqual(straight.report.faults);
    expect(resumed.report.apiCalls).toEqual(straight.report.apiCalls);
    expect(resumed.timeline).toEqual(straight.timeline);
  });
});

describe('a throttled rollout saved between its waves goes on as the straight run', () => {
  const ROLLOUT_UNTIL = '2027-01-04T00:00:00.000Z';
  // The canary healthy, wave-1 refreshing: the rollout's clients act in the member accounts as their role.
  const ROLLOUT_SAVED_AT = '2027-01-02T23:30:00.000Z';
  const rollout = (until: string) =>
    scenarioSchema.parse({ ...threeWaveScenario(ROLLOUT_UNTIL, [], { throttleRate: 0.2 }), until });
  let saved: SavedCloud;
  let resumed: SimulationResult;
  let straight: SimulationResult;

  beforeAll(async () => {
    const catalog = catalogOf(threeWaveCatalog());
    ({ saved, resumed, straight } = await saveOpenAndRunStraight(catalog, rollout, ROLLOUT_SAVED_AT, ROLLOUT_UNTIL));
  }, LONG);

  it('holds the member roles the container assumed, and assumes none of them again once opened', () => {
    expect(Object.keys(saved.container.memberCredentials).length).toBeGreaterThan(0);
    expect(Object.keys(saved.container.rolloutRoles ?? {}).length).toBeGreaterThan(0);
    expect(resumed.report.apiCalls['sts:AssumeRole']).toBe(straight.report.apiCalls['sts:AssumeRole']);
    expect(resumed.report.apiCalls).toEqual(straight.report.apiCalls);
    expect(resumed.report.faults).toEqual(straight.report.faults);
    expect(resumed.timeline).toEqual(straight.timeline);
  });
});

describe('a save that cannot be a snapshot', () => {
  let fallback: string | undefined;

  beforeAll(async () => {
    const catalog = await loadCatalogFile(`${REPO_ROOT}goldsmith.config.ts`);
    const run = await simulate(catalog, defaultScenario({ until: '2027-01-01T02:00:00Z', events: [] }), REPO_ROOT, {
      keep: true,
    });
    const session = run.session;
    if (!session) throw new Error('simulate kept no cloud');
    try {
      session.cloud.clock.after(60_000, 'a closure of this process', () => undefined);
      const save = await session.save();
      fallback = isSnapshot(save) ? undefined : save.reason;
    } finally {
      await session.stop();
    }
  }, LONG);

  it('names the pending item it could not write down', () => {
    expect(fallback).toBe('the save held "a closure of this process", which a snapshot cannot hold yet');
  });
});
