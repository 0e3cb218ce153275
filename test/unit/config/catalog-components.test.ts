import { describe, expect, it } from 'vitest';
import { exampleFiles, problemsAfter } from './helpers.js';

const doc = (name: string, phase = 'build', extra = '') => `name: ${name}
schemaVersion: 1.0
${extra}phases:
  - name: ${phase}
    steps:
      - name: Run
        action: ExecuteBash
        inputs:
          commands: [ "true" ]
`;

describe('parseCatalog component rules', () => {
  it('reports a component file that does not exist', () => {
    expect(problemsAfter((c) => c.images.base.components.push({ file: 'components/missing.yml' }))).toEqual([
      'images.base.components[2].file: file not found: components/missing.yml',
    ]);
  });

  it('reports a component file that is not YAML', () => {
    const files = exampleFiles({ 'components/broken.yml': 'name: [unclosed\n' });

    const problems = problemsAfter((c) => c.images.base.components.push({ file: 'components/broken.yml' }), files);

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^images\.base\.components\[2\]\.file: components\/broken\.yml is not a valid AWSTOE document: not valid YAML: /,
    );
  });

  it('reports each AWSTOE problem inside the document', () => {
    const text = `name: broken
schemaVersion: 2.0
phases:
  - name: deploy
    steps:
      - name: Run
`;
    const files = exampleFiles({ 'components/broken.yml': text });

    const problems = problemsAfter((c) => c.images.base.components.push({ file: 'components/broken.yml' }), files);

    expect(problems).toEqual([
      'images.base.components[2].file: components/broken.yml is not a valid AWSTOE document: schemaVersion: must be 1.0',
      'images.base.components[2].file: components/broken.yml is not a valid AWSTOE document: phases[0].name: must be one of build, validate, test, container-host-test',
      'images.base.components[2].file: components/broken.yml is not a valid AWSTOE document: phases[0].steps[0].action: is required',
    ]);
  });

  it('reports a build component without a build phase', () => {
    const files = exampleFiles({ 'components/check.yml': doc('check', 'validate') });

    expect(problemsAfter((c) => c.images.base.components.push({ file: 'components/check.yml' }), files)).toEqual([
      'images.base.components[2].file: components/check.yml has no build phase, so it would do nothing as a build component',
    ]);
  });

  it('reports a test component without a test phase', () => {
    expect(problemsAfter((c) => c.images.base.tests.push({ file: 'components/base-agents.yml' }))).toEqual([
      'images.base.tests[1].file: components/base-agents.yml has no test phase, so it would do nothing as a test component',
    ]);
  });

  it('reports a parameter the document does not declare', () => {
    expect(problemsAfter((c) => (c.images.hardened.components[0].parameters = { Lvl: '2' }))).toEqual([
      'images.hardened.components[0].parameters.Lvl: not a parameter of components/cis-hardening.yml (it declares: Level)',
    ]);
  });

  it('reports a declared parameter without a default that is not given', () => {
    const extra = 'parameters:\n  - Version:\n      type: string\n';
    const files = exampleFiles({ 'components/versioned.yml': doc('versioned', 'build', extra) });

    expect(problemsAfter((c) => c.images.base.components.push({ file: 'components/versioned.yml' }), files)).toEqual([
      'images.base.components[2].parameters: missing "Version": components/versioned.yml declares it without a default',
    ]);
  });

  it('reports two files that declare the same component name', () => {
    const files = exampleFiles({ 'components/copy.yml': doc('goldsmith-base-agents') });

    expect(problemsAfter((c) => c.images.app.components.push({ file: 'components/copy.yml' }), files)).toEqual([
      'images.app.components[1].file: component name "goldsmith-base-agents" is also used by components/base-agents.yml; component names must be unique',
    ]);
  });

  it('allows two images to use the same file', () => {
    expect(problemsAfter((c) => c.images.app.components.push({ file: 'components/base-agents.yml' }))).toEqual([]);
  });

  it('rejects a path that leaves the catalog folder', () => {
    expect(problemsAfter((c) => c.images.base.components.push({ file: '../secrets.yml' }))).toEqual([
      `images.base.components[2].file: "../secrets.yml" must be a relative path inside the catalog's folder`,
    ]);
  });

  it("reports a broken file's own problems once, however many images use it", () => {
    const files = exampleFiles({ 'components/base-agents.yml': undefined });

    const problems = problemsAfter((c) => c.images.app.components.push({ file: 'components/base-agents.yml' }), files);

    expect(problems).toEqual(['images.base.components[1].file: file not found: components/base-agents.yml']);
  });
});
