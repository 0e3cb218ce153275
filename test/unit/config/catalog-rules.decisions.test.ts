import { describe, expect, it } from 'vitest';
import { parseComponentDocument } from '../../../core/config/awstoe.js';
import { exampleFiles, problemsAfter } from './helpers.js';

const doc = (name: string, phases: readonly string[], extra = '') => `name: ${name}
schemaVersion: 1.0
${extra}phases:
${phases.map((p) => `  - name: ${p}\n    steps:\n      - name: Run\n        action: ExecuteBash\n        inputs:\n          commands: [ "true" ]\n`).join('')}`;

describe('component files: where they may be', () => {
  it('refuses an absolute path, whatever it ends with', () => {
    expect(problemsAfter((c) => c.images.base.components.push({ file: '/etc/agents.yml' }))).toEqual([
      `images.base.components[2].file: "/etc/agents.yml" must be a relative path inside the catalog's folder`,
    ]);
  });
});

describe('component files: the phase a test component runs', () => {
  const files = exampleFiles({
    'components/tests/host.yml': doc('host-check', ['container-host-test']),
    'components/tests/mixed.yml': doc('mixed-check', ['build', 'test']),
    'components/tests/build-only.yml': doc('build-only', ['build']),
  });

  it('takes a container-host-test phase as the test of a container image, not of an AMI', () => {
    expect(
      problemsAfter((c) => (c.images['web-runtime'].tests = [{ file: 'components/tests/host.yml' }]), files),
    ).toEqual([]);
    expect(problemsAfter((c) => c.images.base.tests.push({ file: 'components/tests/host.yml' }), files)).toEqual([
      'images.base.tests[1].file: components/tests/host.yml has no test phase, so it would do nothing as a test component',
    ]);
  });

  it('names both phases a container test may have when it has neither', () => {
    expect(
      problemsAfter((c) => (c.images['web-runtime'].tests = [{ file: 'components/tests/build-only.yml' }]), files),
    ).toEqual([
      'images.web-runtime.tests[0].file: components/tests/build-only.yml has no test or container-host-test phase, so it would do nothing as a test component',
    ]);
  });

  it('takes a test component that has a test phase among others', () => {
    expect(problemsAfter((c) => c.images.base.tests.push({ file: 'components/tests/mixed.yml' }), files)).toEqual([]);
  });
});

describe('component files: parameters', () => {
  it('says the document declares none when a parameter is given to one without parameters', () => {
    expect(problemsAfter((c) => (c.images.base.components[1].parameters = { Level: '2' }))).toEqual([
      'images.base.components[1].parameters.Level: not a parameter of components/base-agents.yml (it declares none)',
    ]);
  });
});

describe('image kinds', () => {
  it('takes a container image built on a catalog container image', () => {
    expect(
      problemsAfter((c) => {
        c.images['web-app'] = {
          ...structuredClone(c.images['web-runtime']),
          parent: { image: 'web-runtime', channel: 'staging' },
          repository: 'golden/web-app',
        };
      }),
    ).toEqual([]);
  });
});

describe('monthly schedules in a daylight-saving zone', () => {
  it('reports a malformed time once, as malformed, without reading it as an hour and minute', () => {
    for (const at of ['102:30', '02:300']) {
      expect(
        problemsAfter(
          (c) => (c.images.base.schedule = { ...c.images.base.schedule, at, timezone: 'America/New_York' }),
        ),
        at,
      ).toEqual(['images.base.schedule.at: must be a time of day like "03:00"']);
    }
  });
});

describe('resilience.retryHorizon bounds', () => {
  it('takes exactly an hour and exactly a week', () => {
    for (const horizon of ['1h', '60m', '1w', '168h']) {
      expect(
        problemsAfter((c) => (c.resilience = { retryHorizon: horizon })),
        horizon,
      ).toEqual([]);
    }
  });
});

describe('parseComponentDocument', () => {
  it('refuses a parameter entry that declares two parameters at once', () => {
    const extra = 'parameters:\n  - A:\n      type: string\n    B:\n      type: string\n';
    expect(parseComponentDocument(doc('two', ['build'], extra))).toEqual({
      ok: false,
      problems: ['parameters[0]: each parameter is one "Name: { type, default, description }" entry'],
    });
  });

  it('reports the first line of a YAML error whole', () => {
    const parsed = parseComponentDocument('name: [unclosed\n');
    expect(parsed.ok).toBe(false);
    const [problem] = parsed.ok ? [] : parsed.problems;
    expect(problem).toMatch(/^not valid YAML: \S.{10,}$/);
    expect(problem).not.toContain('\n');
  });
});
