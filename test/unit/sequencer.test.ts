import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestSpecification } from 'vitest/node';
import { SLOWEST_FIRST, shuffledWithinProjects, slowestFirst } from '../sequencer.js';

const REPO = join(import.meta.dirname, '../..');

/** What the sequencer reads of a test file's specification: its path and its project. */
const spec = (file: string, project: string) =>
  ({ moduleId: join(REPO, file), project: { name: project } }) as unknown as TestSpecification;
const names = (specs: TestSpecification[]) =>
  specs.map((s) => `${s.project.name}:${s.moduleId.slice(REPO.length + 1)}`);

describe('the order of a test run (test/sequencer.ts)', () => {
  it('names only test files that exist, each once', () => {
    expect(SLOWEST_FIRST.filter((file) => !existsSync(join(REPO, file)))).toEqual([]);
    expect(new Set(SLOWEST_FIRST).size).toBe(SLOWEST_FIRST.length);
  });

  it("starts the dearest files first within their project, keeping vitest's order for the rest and the projects", () => {
    const inVitestOrder = [
      spec('test/unit/a.test.ts', 'local'),
      spec('test/scenarios/acting-sequence.test.ts', 'local'),
      spec('test/unit/b.test.ts', 'local'),
      spec('test/scenarios/serve.test.ts', 'local'),
      spec('test/unit/c.test.ts', 'pure'),
      spec('test/stacks/x.test.ts', 'stacks'),
    ];
    expect(names(slowestFirst(inVitestOrder, REPO))).toEqual([
      'local:test/scenarios/serve.test.ts',
      'local:test/scenarios/acting-sequence.test.ts',
      'local:test/unit/a.test.ts',
      'local:test/unit/b.test.ts',
      'pure:test/unit/c.test.ts',
      'stacks:test/stacks/x.test.ts',
    ]);
  });

  it('starts the project that holds the dearest file first, without interleaving projects', () => {
    // vitest's order: projects by name, so `cloud` and its cheap files before the scenario files.
    const inVitestOrder = [
      spec('test/unit/cheap.test.ts', 'cloud'),
      spec('test/integration/attack-identity.test.ts', 'cloud'),
      spec('test/unit/a.test.ts', 'local'),
      spec('test/scenarios/acting-sequence.test.ts', 'local'),
      spec('test/unit/c.test.ts', 'pure'),
      spec('test/scenarios/quarter.test.ts', 'scenarios'),
      spec('test/scenarios/cost-steady.test.ts', 'scenarios'),
    ];
    expect(names(slowestFirst(inVitestOrder, REPO))).toEqual([
      'scenarios:test/scenarios/cost-steady.test.ts',
      'scenarios:test/scenarios/quarter.test.ts',
      'local:test/scenarios/acting-sequence.test.ts',
      'local:test/unit/a.test.ts',
      'cloud:test/integration/attack-identity.test.ts',
      'cloud:test/unit/cheap.test.ts',
      'pure:test/unit/c.test.ts',
    ]);
  });

  it("with GOLDSMITH_SHUFFLE_FILES, draws each project's order from the seed alone, keeping the projects apart", () => {
    const files = [
      ...['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((n) => spec(`test/unit/${n}.test.ts`, 'cloud')),
      spec('test/unit/p.test.ts', 'pure'),
      spec('test/unit/q.test.ts', 'pure'),
    ];
    const once = names(shuffledWithinProjects(files, 7));
    // The same seed, the same order, whatever order the files came in; another seed, another order.
    expect(
      names(
        shuffledWithinProjects(
          [...files].reverse().sort((a, b) => a.project.name.localeCompare(b.project.name)),
          7,
        ),
      ),
    ).toEqual(once);
    expect(names(shuffledWithinProjects(files, 8))).not.toEqual(once);
    expect(once.slice(0, 8).every((n) => n.startsWith('cloud:'))).toBe(true);
    expect([...once].sort()).toEqual(names(files).sort());
    expect(once.slice(0, 8)).not.toEqual(names(files).slice(0, 8));
  });
});
