import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PREVIOUS_RELEASE } from '../../cli/operator/saved-release.js';
import { testTempDir } from '../helpers/temp-dir.js';
import {
  baseProdRollout,
  baseProdRolloutOf,
  resumeUntil,
  saveDirIn,
  savedMemberBaseline,
  unpack,
} from '../helpers/upgrade-fixture.js';
import { goldsmith } from './saved-run.js';

const LONG = 300_000;

/**
 * The upgrade under the procedure CHANGELOG.md's "Upgrading from 0.2.0" gives: the channels' rollouts paused, the
 * deploy (whose StackSet update replaces every member account's rollout role), the rollouts resumed once it is done.
 * This Goldsmith acts on a cloud 0.2.0 saved only once it is upgraded, so the rehearsal pauses in the first second
 * after the upgrade opened it, before anything of the rollout runs on; the deploy's StackSet operation runs from
 * 08:30 to 09:00 and the rollout's first wave turns healthy at 08:57.
 */
describe('an upgrade with the rollout paused for the deploy, resumed after it', () => {
  it(
    'completes the rollout once resumed, every group refreshed once, on member roles the update replaced',
    async () => {
      const dir = saveDirIn(testTempDir('upgrade-paused-'));
      unpack(dir);

      // The procedure's first step: preflight refuses the upgrade while the rollout moves groups, naming the pause.
      const before = await goldsmith(['preflight', '--local', dir, '--pre-release']);
      expect(before.code).toBe(1);
      expect(before.stdout).toMatch(
        /^MISSING {2}rollouts: base\/prod 1\.0\.0\/2 moves groups .*goldsmith rollout pause base prod --local /m,
      );

      const refused = await baseProdRollout(dir, 'pause', '--reason', 'upgrade');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`saved by Goldsmith ${PREVIOUS_RELEASE}`);
      expect(refused.stderr).toContain(`upgrade it first with "goldsmith simulate --resume ${dir}"`);

      const upgraded = await resumeUntil(dir, '2027-01-22T08:30:01Z');
      expect(upgraded.stderr).toMatch(/member baseline stack set updated: 36 of 36 stack instances/);
      const paused = await baseProdRollout(dir, 'pause', '--reason', 'upgrade');
      expect(paused.code, paused.stderr).toBe(0);
      const ready = await goldsmith(['preflight', '--local', dir, '--pre-release']);
      expect(ready.stdout).toMatch(/^ok {7}rollouts: no rollout moves groups; paused: base\/prod 1\.0\.0\/2/m);
      const during = await resumeUntil(dir, '2027-01-22T09:30:00Z');
      expect(during.code, during.stderr).toBe(0);
      const held = await baseProdRolloutOf(dir);
      expect(held.state).toBe('paused');
      expect(held.waves.map((w) => [w.name, w.state])).toEqual([
        ['canary', 'healthy'],
        ['rest', 'pending'],
      ]);
      const resumed = await baseProdRollout(dir, 'resume', '--reason', 'upgrade done');
      expect(resumed.code, resumed.stderr).toBe(0);
      const after = await resumeUntil(dir, '2027-01-22T12:00:00Z');
      expect(after.code, after.stderr).toBe(0);

      const rollout = await baseProdRolloutOf(dir);
      expect(rollout.state).toBe('completed');
      expect(rollout.waves.map((w) => [w.name, w.state, w.groupsByStatus])).toEqual([
        ['canary', 'healthy', { Successful: 9 }],
        ['rest', 'healthy', { Successful: 9 }],
      ]);
      // The second wave started after the StackSet operation had ended (09:00): on the new roles only.
      expect(Date.parse(rollout.waves[1]?.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse('2027-01-22T09:30:00Z'));
      const baseline = savedMemberBaseline(dir);
      expect(baseline.roles).toHaveLength(12);
      expect(baseline.roles.every((r) => /:role\/goldsmith-local-rollout-[0-9a-f]{8}$/.test(r))).toBe(true);
      for (const grants of Object.values(baseline.grants)) expect(grants).toHaveLength(12);
      // Only the upgrade kept a copy of the save: the resumes after it ran the code that saved it.
      expect(readdirSync(dirname(dir)).sort()).toEqual(['save', `save.${PREVIOUS_RELEASE}.bak`]);
    },
    LONG,
  );
});
