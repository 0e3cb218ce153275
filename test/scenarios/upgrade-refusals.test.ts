import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { functionsCalled } from '../../local/snapshot/rollback.js';
import type { StatesDefinition } from '../../local/stepfunctions/localize.js';
import { captureOutput } from '../helpers/output.js';
import { testTempDir } from '../helpers/temp-dir.js';
import { REPO, rewriteSave, unpack } from '../helpers/upgrade-fixture.js';

const CATALOG = join(REPO, 'examples/catalogs/example-rollout.ts');
const LONG = 120_000;

/** A catalog file beside `dir`: the rehearsal's, changed as `change` (TypeScript over `base`) says. */
function otherCatalog(dir: string, change: string): string {
  symlinkSync(join(REPO, 'components'), join(dir, 'components'));
  const file = join(dir, 'other.ts');
  writeFileSync(file, `import base from ${JSON.stringify(CATALOG)};\nexport default ${change};\n`);
  return file;
}

const resume = (dir: string, config = CATALOG) =>
  captureOutput(() => main(['simulate', '--resume', dir, '--config', config, '--until', '2027-01-26T00:00:00Z']));

describe('an upgrade refuses what the saved work cannot survive, before anything runs', () => {
  it(
    'refuses another catalog than the one the cloud was saved with, naming that file and each difference',
    async () => {
      const dir = testTempDir('upgrade-catalog-');
      unpack(dir);
      const other = otherCatalog(
        testTempDir('upgrade-catalog-file-'),
        `{ ...base, images: { ...base.images, base: { ...base.images.base, version: '1.1.0' } }, channels: base.channels.filter((c) => c.name !== 'dev') }`,
      );
      const before = readFileSync(join(dir, 'state.json'), 'utf8');

      const { code, stdout, stderr } = await resume(dir, other);

      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr.split('\n')).toHaveLength(2);
      expect(stderr).toContain(
        `${dir} was saved with the catalog ${CATALOG}; the one given, ${other}, differs from it`,
      );
      expect(stderr).toContain('catalog.images.base.version: saved "1.0.0", given "1.1.0"');
      expect(stderr).toMatch(/catalog\.channels: saved \[.*, given \[/);
      expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe(before);
    },
    LONG,
  );

  it(
    'refuses a deployment that removes a function a running execution will call, naming the execution',
    async () => {
      const dir = testTempDir('upgrade-removed-');
      unpack(dir);
      // As if the saved release's rollout had called a function this code no longer deploys.
      rewriteSave(dir, (_cloud, deployment) => {
        const rollout = Object.keys(deployment.stateMachines).find((arn) => arn.includes('Rollout')) ?? '';
        const definition = deployment.stateMachines[rollout] as StatesDefinition;
        const called = [...functionsCalled(definition)][0] ?? '';
        const gone = called.replace(/function:[^:]+$/, 'function:goldsmith-retired');
        deployment.stateMachines[rollout] = JSON.parse(JSON.stringify(definition).replaceAll(called, gone));
        deployment.functions[gone] = 'functions/retired.handler';
      });

      const { code, stdout, stderr } = await resume(dir);

      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toMatch(
        /^goldsmith simulate: this upgrade removes functions that 1 running execution of the saved cloud will call \(execution \S+ of \S*Rollout\S* calls goldsmith-retired\): each would fail at that task; let it finish with Goldsmith 0\.2\.0 \(or stop it\), then upgrade\n$/,
      );
    },
    LONG,
  );

  it('says a --resume directory that does not exist does not', async () => {
    const missing = join(testTempDir('upgrade-missing-'), 'nowhere');
    const { code, stdout, stderr } = await captureOutput(() => main(['simulate', '--resume', missing]));
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toBe(
      `goldsmith simulate: ${missing} does not exist: give the directory a saved local cloud is in\n`,
    );
  });
});
