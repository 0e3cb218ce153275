import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkoutIdentity } from '../../cli/checkout.js';
import { versionReport } from '../../core/release/changelog.js';
import { GOLDSMITH_VERSION, isPreRelease } from '../../core/release/index.js';
import { REPO, saveDirIn, unpack } from '../helpers/upgrade-fixture.js';
import { goldsmith } from './saved-run.js';

/**
 * `goldsmith preflight --local DIR` rehearses the upgrade's operator steps (core/release/steps.ts) on a saved cloud:
 * the previous release's fixture, saved with base 1.0.0/2's rollout to prod between its waves.
 */

const CATALOG = join(REPO, 'examples/catalogs/example-rollout.ts');
const line = (stdout: string, name: string) => stdout.split('\n').find((l) => l.slice(9).startsWith(`${name}:`));

describe('goldsmith preflight --local on a cloud the previous release saved with a rollout moving groups', () => {
  // The save inside a temp folder of its own: the upgrade keeps its copy beside it (`save.<release>.bak`).
  const root = mkdtempSync(join(tmpdir(), 'preflight-upgrade-'));
  const dir = saveDirIn(root);
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let unpacked = false;
  const saved = () => {
    if (!unpacked) unpack(dir);
    unpacked = true;
    return dir;
  };

  it('refuses the pre-release and the rollout, naming the pause, without credentials or a change to the save', async () => {
    const before = readFileSync(join(saved(), 'state.json'));
    const run = await goldsmith(['preflight', '--local', dir]);
    expect(run.code).toBe(1);
    expect(line(run.stdout, 'release')).toBe(
      `ok       release: saved at 2027-01-22T08:30:00.000Z: the cloud in ${dir} runs 0.2.0: deploying ${GOLDSMITH_VERSION} upgrades it`,
    );
    // main's checkout is a pre-release; the release's commit, as CHANGELOG names it, is not.
    const release = versionReport(checkoutIdentity()).release;
    expect(line(run.stdout, 'pre-release')).toSatisfy((l: string | undefined) =>
      release
        ? l?.startsWith(`ok       pre-release: this checkout is release ${GOLDSMITH_VERSION} (commit `) === true
        : isPreRelease(GOLDSMITH_VERSION)
          ? l ===
            `MISSING  pre-release: this checkout is ${GOLDSMITH_VERSION}, a pre-release (code between two releases): deploy a release (CHANGELOG names its commit) or pass --pre-release`
          : l?.startsWith(`MISSING  pre-release: version ${GOLDSMITH_VERSION} but HEAD `) === true,
    );
    expect(line(run.stdout, 'rollouts')).toMatch(
      new RegExp(
        `^MISSING  rollouts: base/prod 1\\.0\\.0/2 moves groups \\(wave 1/2 \\(canary\\)\\): goldsmith rollout pause base prod --local ${dir} --reason "upgrade" \\(in a checkout of Goldsmith 0\\.2\\.0, whose code saved it`,
      ),
    );
    // What needs an AWS account is not checked, and says so.
    expect(line(run.stdout, 'account')).toMatch(/^unknown {2}account: a saved cloud has no AWS account: /);
    expect(line(run.stdout, 'service control policy for the upgrade')).toMatch(
      /^unknown {2}service control policy for the upgrade: 0\.3\.0 needs BusPoliciesOnlyByTheDeployment, DoorPoliciesOnlyByTheDeployment, PointersOnlyByGoldsmith \(ssm:DeleteParameters\), .*TaskTokensOnlyByGoldsmith, .*: a saved cloud has no organization/,
    );
    expect(line(run.stdout, 'alerts to expect')).toMatch(/^ok {7}alerts to expect: expect critical drift-found/);
    expect(run.stdout.endsWith('not ready: fix what is MISSING above\n')).toBe(true);
    expect(readFileSync(join(dir, 'state.json'))).toEqual(before);
  });

  it('refuses --stage with --local', async () => {
    const run = await goldsmith(['preflight', '--local', saved(), '--stage', 'prod']);
    expect(run).toMatchObject({
      code: 1,
      stderr: 'goldsmith preflight: --stage and --local are exclusive: a deployed stage, or a saved local cloud\n',
    });
  });

  it('upgraded to this code, refuses the rollout until `rollout pause … --local DIR`, then passes', async () => {
    const resumed = await goldsmith([
      'simulate',
      '--resume',
      saved(),
      '--config',
      CATALOG,
      '--until',
      '2027-01-22T08:31:00Z',
      '--json',
    ]);
    expect(resumed.code).toBe(0);
    // Saved now by this code, which acts on it; as if its stage still ran 0.2.0, whose upgrade pauses rollouts.
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { identity: { release?: string } };
    state.identity.release = '0.2.0';
    writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
    const refused = await goldsmith(['preflight', '--local', dir, '--pre-release']);
    expect(refused.code).toBe(1);
    expect(refused.stdout.split('\n').filter((l) => l.startsWith('MISSING'))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^MISSING  rollouts: base/prod 1\\.0\\.0/2 moves groups \\(wave 1/2 \\(canary\\)\\): goldsmith rollout pause base prod --local ${dir} --reason "upgrade" — pause first: `,
        ),
      ),
    ]);

    const pause = await goldsmith(['rollout', 'pause', 'base', 'prod', '--local', dir, '--reason', 'upgrade']);
    expect(pause.code).toBe(0);
    const passed = await goldsmith(['preflight', '--local', dir, '--pre-release', '--json']);
    expect(passed.code).toBe(0);
    const report = JSON.parse(passed.stdout) as { ready: boolean; local: string; checks: { name: string }[] };
    expect(report).toMatchObject({ ready: true, local: dir });
    expect(report.checks).toContainEqual({
      name: 'rollouts',
      status: 'ok',
      detail: `no rollout moves groups; paused: base/prod 1.0.0/2 (after the deploy: goldsmith rollout resume IMAGE CHANNEL --local ${dir})`,
    });
  }, 300_000);
});
