import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { codeDigest } from '../../cli/operator/saved-identity.js';
import { GOLDSMITH_VERSION } from '../../core/release/index.js';
import type { SavedStepFunctions } from '../../local/stepfunctions/engine.js';
import { inFlight, outcomesOf, PIECES, type RehearsalOutcomes } from '../../scripts/release/upgrade-outcomes.js';
import { captureOutput } from '../helpers/output.js';
import { testTempDir } from '../helpers/temp-dir.js';

const REPO = join(import.meta.dirname, '../..');
const FIXTURE = join(REPO, 'test/fixtures/upgrade/0.2.0');
const LONG = 300_000;

type Ledger = Record<string, unknown>[];
interface State {
  identity: { code: string; release?: string };
  snapshot: { ledger: Ledger };
  cloud: { file: string };
}

/** The cloud 0.2.0 saved, unpacked into a temporary folder as `simulate --save` left it. */
function unpacked(): string {
  const dir = testTempDir('upgrade-rehearsal-');
  for (const name of readdirSync(FIXTURE)) {
    const data = readFileSync(join(FIXTURE, name));
    if (name.startsWith('cloud-')) writeFileSync(join(dir, name), data);
    else if (name.endsWith('.json.gz')) writeFileSync(join(dir, name.slice(0, -3)), gunzipSync(data));
  }
  return dir;
}

const stateIn = (dir: string) => JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as State;
const recorded = JSON.parse(readFileSync(join(FIXTURE, 'outcomes.json'), 'utf8')) as RehearsalOutcomes;

describe('an upgrade rehearsed on a cloud the previous release saved mid-quarter', () => {
  it(
    'upgrades it to this code and runs on: every piece of work in flight ends as it did without the upgrade, and the audit passes',
    async () => {
      const dir = unpacked();
      const before = stateIn(dir);
      // Saved by 0.2.0's code, not this: without an upgrade, no command of this Goldsmith would open it.
      expect(before.identity.code).not.toBe(codeDigest());
      expect(inFlight(before.snapshot.ledger)).toEqual(recorded.inFlight);
      expect(Object.values(recorded.inFlight).every((s) => /^(waiting|running)/.test(s))).toBe(true);

      const { code, stdout, stderr } = await captureOutput(() =>
        main([
          'simulate',
          '--resume',
          dir,
          '--config',
          join(REPO, 'examples/catalogs/example-rollout.ts'),
          '--until',
          recorded.until,
          '--json',
        ]),
      );
      expect(stderr).toMatch(
        new RegExp(
          `^upgraded the saved cloud from Goldsmith ${recorded.release} to ${GOLDSMITH_VERSION}: \\d+ functions on this code .*; 4 running executions kept on the definitions they started on`,
          'm',
        ),
      );
      expect(code).toBe(0);
      expect((JSON.parse(stdout) as { consistency: { ok: boolean } }).consistency.ok).toBe(true);

      const after = stateIn(dir);
      expect(outcomesOf(after.snapshot.ledger)).toEqual(recorded.outcomes);
      expect(Object.keys(recorded.outcomes)).toEqual(PIECES.map((p) => p.what));
      expect(recorded.audit).toBe('ok');
      // Saved again by this Goldsmith: its code and release, and the definitions its running executions keep.
      expect(after.identity).toMatchObject({ code: codeDigest(), release: GOLDSMITH_VERSION });
      const cloud = JSON.parse(gunzipSync(readFileSync(join(dir, after.cloud.file))).toString('utf8')) as {
        stepFunctions: SavedStepFunctions;
        deployment?: { release: string };
      };
      expect(cloud.deployment?.release).toBe(GOLDSMITH_VERSION);
      const running = cloud.stepFunctions.running.map((r) => r.executionArn).sort();
      expect(Object.keys(cloud.stepFunctions.runningOn ?? {}).sort()).toEqual(running);
    },
    LONG,
  );
});
