import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { seededRandom } from '../local/fakes/common.js';

/**
 * The files that cost the most (their simulations run in beforeAll, or they replay a saved cloud per command), the
 * dearest first, as measured in docs/testing.md and docs/performance.md ("`npm test`"): the scenario files by their
 * wall time in a shared worker, the others by the last full run's. Two workers share the run: a file like these
 * started last is the run's tail, one core busy for minutes while the other waits. vitest orders files by the
 * durations it cached from the last run, and by file size when it has none (a fresh clone, CI); neither puts these
 * first on a fresh clone, so they go first here, then every other file in vitest's own order.
 */
export const SLOWEST_FIRST = [
  'test/scenarios/cost-steady.test.ts',
  'test/scenarios/quarter.test.ts',
  'test/scenarios/serve.test.ts',
  'test/scenarios/triggers.test.ts',
  'test/scenarios/default-scenario.test.ts',
  'test/scenarios/rollout-waves.test.ts',
  'test/scenarios/saved-seed.test.ts',
  'test/scenarios/lifecycle-policies.test.ts',
  'test/scenarios/rollout-retention-hold.test.ts',
  'test/scenarios/fleets.test.ts',
  'test/scenarios/operator-cli.test.ts',
  'test/scenarios/acting-sequence.test.ts',
  'test/scenarios/simulate-cli.test.ts',
  'test/scenarios/compliance.test.ts',
  'test/scenarios/lifecycle.test.ts',
  'test/scenarios/fleet-rollout-groups.test.ts',
  'test/scenarios/paused-status.test.ts',
  'test/scenarios/long-outage-resume.test.ts',
  'test/scenarios/organization-changes.test.ts',
  'test/scenarios/server-errors.test.ts',
  'test/scenarios/ledger-outage-hours.test.ts',
  'test/unit/simulator/synth-worker.test.ts',
  'test/integration/attack-identity.test.ts',
  'test/integration/attack-resource-doors.test.ts',
  'test/integration/approval-doors.test.ts',
  'test/unit/simulator/synth-cache.test.ts',
];

/**
 * `files` with the SLOWEST_FIRST files leading their project, in that order, and the projects ordered by their
 * dearest file (the project holding the first of SLOWEST_FIRST first), the rest in vitest's order. vitest queues
 * each project's files together and a worker of a shared project is kept for the next file only if it is of the same
 * project, so projects are not interleaved; vitest's own order puts them by name, which would start a project of
 * cheap files before the scenario files.
 */
export function slowestFirst(files: readonly TestSpecification[], root: string): TestSpecification[] {
  const rank = (spec: TestSpecification) => {
    const index = SLOWEST_FIRST.indexOf(relative(root, spec.moduleId));
    return index < 0 ? SLOWEST_FIRST.length : index;
  };
  const vitestOrder = [...new Set(files.map((spec) => spec.project.name))];
  const dearest = new Map<string, number>();
  for (const spec of files) {
    dearest.set(spec.project.name, Math.min(dearest.get(spec.project.name) ?? SLOWEST_FIRST.length, rank(spec)));
  }
  const projectRank = (name: string) => (dearest.get(name) ?? SLOWEST_FIRST.length) * vitestOrder.length;
  const projectOrder = (name: string) => projectRank(name) + vitestOrder.indexOf(name);
  return files
    .map((spec, position) => ({ spec, position }))
    .sort(
      (a, b) =>
        projectOrder(a.spec.project.name) - projectOrder(b.spec.project.name) ||
        rank(a.spec) - rank(b.spec) ||
        a.position - b.position,
    )
    .map(({ spec }) => spec);
}

/**
 * `files` shuffled within each project by `seed` (the local cloud's seeded generator, then Fisher–Yates, from the
 * files in path order), the projects in the order they come: the same seed and files, the same order. How a shared
 * project is shown not to depend on the order of its files.
 */
export function shuffledWithinProjects(files: readonly TestSpecification[], seed: number): TestSpecification[] {
  const random = seededRandom(seed);
  const projects = [...new Set(files.map((spec) => spec.project.name))];
  return projects.flatMap((name) => {
    // By path first: the order the files come in (vitest's cached durations) must not change the draw.
    const own = files
      .filter((spec) => spec.project.name === name)
      .sort((a, b) => (a.moduleId < b.moduleId ? -1 : a.moduleId > b.moduleId ? 1 : 0));
    for (let i = own.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [own[i], own[j]] = [own[j] as TestSpecification, own[i] as TestSpecification];
    }
    return own;
  });
}

/**
 * The dearest files first; with GOLDSMITH_SHUFFLE_FILES=SEED, every project's files in an order drawn from SEED
 * instead, each file's tests in their written order. (vitest's `--sequence.shuffle` shuffles files only with its
 * own sequencer, which this one replaces, and shuffles the tests of each file too, which files whose tests are
 * the steps of one story cannot take.)
 */
export default class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = slowestFirst(await super.sort(files), this.ctx.config.root);
    const seed = process.env.GOLDSMITH_SHUFFLE_FILES;
    if (seed === undefined) return sorted;
    if (!/^\d+$/.test(seed)) throw new Error(`GOLDSMITH_SHUFFLE_FILES must be a whole number (a seed), not "${seed}"`);
    return shuffledWithinProjects(sorted, Number(seed));
  }
}
