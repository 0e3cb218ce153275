import { describe, expect, it } from 'vitest';
import config from '../../vitest.config.js';

interface Project {
  test: { name: string; include: string[]; exclude?: string[]; isolate?: boolean; setupFiles?: string[] };
}
const projects = (config.test?.projects ?? []) as Project[];
const project = (name: string) => {
  const found = projects.find((p) => p.test.name === name);
  if (!found) throw new Error(`no project ${name}`);
  return found.test;
};

describe('the projects of vitest.config.ts', () => {
  it('runs the scenario files in a shared worker whose files fail if they leave a cloud running', () => {
    const scenarios = project('scenarios');
    expect(scenarios.isolate).toBe(false);
    expect(scenarios.setupFiles).toEqual(['test/setup-shared-cloud.ts']);
    expect(scenarios.include).toContain('test/scenarios/quarter.test.ts');
    expect(scenarios.include.length).toBeGreaterThan(30);
    expect(scenarios.include.every((f) => f.startsWith('test/scenarios/'))).toBe(true);
    // A spy (vi.spyOn) is restored by the setup after the file: shared. A prototype's method replaced: a process of
    // its own.
    expect(scenarios.include).toContain('test/scenarios/outside-changes.test.ts');
    expect(scenarios.include).not.toContain('test/scenarios/determinism.test.ts');
    expect(project('cloud').setupFiles).toEqual(['test/setup-shared-cloud.ts']);
  });

  it('leaves the scenario files of the shared project out of the isolated one', () => {
    const local = project('local');
    for (const file of project('scenarios').include) expect(local.exclude).toContain(file);
    expect(local.exclude).not.toContain('test/scenarios/serve.test.ts');
  });
});
