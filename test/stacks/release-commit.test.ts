import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, getStack } from 'sst/constructs';
import { describe, expect, it } from 'vitest';
import sstConfig from '../../sst.config.js';
import { GOLDSMITH_STACKS } from '../../stacks/app.js';
import { writeSstTypesTo } from '../../stacks/sst-types.js';
import { gitIn } from '../helpers/git-history.js';
import { ensureProject, REPO_ROOT } from './helpers.js';
import { synthesized } from './release-helpers.js';

type Outputs = Record<string, { Value?: unknown }> | undefined;

describe('the commit a deployment records beside its release', () => {
  it("sst.config.ts records the checkout's HEAD on every stack (output GoldsmithCommit)", async () => {
    await ensureProject();
    const outdir = mkdtempSync(join(tmpdir(), 'goldsmith-test-synth-'));
    try {
      writeSstTypesTo(outdir);
      const app = new App({ mode: 'deploy', stage: 'test', name: 'goldsmith', region: 'us-east-1' }, { outdir });
      // As `sst build` and `sst deploy` run it: the app's stacks defined by sst.config.ts itself.
      await sstConfig.stacks(app);
      const assembly = app.synth();
      const head = gitIn(REPO_ROOT, ['rev-parse', 'HEAD']).toString().trim();
      const commits = GOLDSMITH_STACKS.map((fn) => {
        const stack = getStack(fn);
        const outputs = assembly.getStackArtifact(stack.artifactId).template.Outputs as Outputs;
        return [stack.stackName, outputs?.GoldsmithCommit?.Value];
      });
      expect(commits).toEqual(commits.map(([name]) => [name, head]));
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 120_000);

  it('an in-process synthesis that names no commit (the local cloud, the tests) records "unknown"', async () => {
    const stacks = await synthesized();
    const commits = stacks.map(({ stack, template }) => [stack, (template.Outputs as Outputs)?.GoldsmithCommit?.Value]);
    expect(commits).toEqual(stacks.map(({ stack }) => [stack, 'unknown']));
  }, 120_000);
});
