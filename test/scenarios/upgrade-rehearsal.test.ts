import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { codeDigest } from '../../cli/operator/saved-identity.js';
import { PREVIOUS_RELEASE } from '../../cli/operator/saved-release.js';
import { GOLDSMITH_VERSION } from '../../core/release/index.js';
import type { SavedDeployment } from '../../local/snapshot/deployment.js';
import { rollbackProblems } from '../../local/snapshot/rollback.js';
import type { SavedStepFunctions } from '../../local/stepfunctions/engine.js';
import type { StatesDefinition } from '../../local/stepfunctions/localize.js';
import { inFlight, outcomesOf, PIECES, type RehearsalOutcomes } from '../../scripts/release/upgrade-outcomes.js';
import { captureOutput } from '../helpers/output.js';
import { testTempDir } from '../helpers/temp-dir.js';
import { FIXTURE, fieldsAt, REPO, rewriteSave, type Saved, type State, unpack } from '../helpers/upgrade-fixture.js';

const LONG = 300_000;

const stateIn = (dir: string) => JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as State;
const recorded = JSON.parse(readFileSync(join(FIXTURE, 'outcomes.json'), 'utf8')) as RehearsalOutcomes;

/** The cloud the previous release saved, upgraded to this code and run on to the fixture's `until`: the command's result. */
async function upgradeAndGoOn(dir: string) {
  return captureOutput(() =>
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
}

interface SavedCloudFile {
  stepFunctions: SavedStepFunctions;
  deployment?: SavedDeployment;
}
const cloudIn = (dir: string, state: State) =>
  JSON.parse(gunzipSync(readFileSync(join(dir, state.cloud.file))).toString('utf8')) as SavedCloudFile;

describe('an upgrade rehearsed on a cloud the previous release saved mid-quarter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'upgrade-rehearsal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // The upgrade runs once, for the first test that needs it; a failure of it fails each of those tests with its cause
  // (no test of the file is skipped for it, and the refusal below does not depend on it).
  let upgrade: Promise<{ before: State; run: Awaited<ReturnType<typeof upgradeAndGoOn>> }> | undefined;
  const upgraded = () =>
    (upgrade ??= (async () => {
      unpack(dir);
      const before = stateIn(dir);
      return { before, run: await upgradeAndGoOn(dir) };
    })());

  it(
    'upgrades it to this code and runs on: every piece of work in flight ends as it did without the upgrade, and the audit passes',
    async () => {
      const { before, run } = await upgraded();
      // Saved by the previous release's code, not this: without an upgrade, no command of this Goldsmith would open it.
      expect(before.identity.code).not.toBe(codeDigest());
      expect(inFlight(before.snapshot.ledger)).toEqual(recorded.inFlight);
      expect(Object.values(recorded.inFlight).every((s) => /^(waiting|running)/.test(s))).toBe(true);

      expect(run.stderr).toMatch(
        new RegExp(
          `^upgraded the saved cloud from Goldsmith ${recorded.release} to ${GOLDSMITH_VERSION}: \\d+ functions on this code .*; 4 running executions kept on the definitions they started on`,
          'm',
        ),
      );
      // The ledger the previous release wrote, every item without a format, brought to this release's format.
      expect(run.stderr).toMatch(
        /migrations: ledger records to format 2: ([1-9]\d*) items read, \1 brought to format 2$/m,
      );
      expect(run.code).toBe(0);
      expect((JSON.parse(run.stdout) as { consistency: { ok: boolean } }).consistency.ok).toBe(true);

      const after = stateIn(dir);
      expect(outcomesOf(after.snapshot.ledger)).toEqual(recorded.outcomes);
      expect(Object.keys(recorded.outcomes)).toEqual(PIECES.map((p) => p.what));
      expect(recorded.audit).toBe('ok');
      // Saved again by this Goldsmith: its code and release, and the definitions its running executions keep.
      expect(after.identity).toMatchObject({ code: codeDigest(), release: GOLDSMITH_VERSION });
      const cloud = cloudIn(dir, after);
      expect(cloud.deployment?.release).toBe(GOLDSMITH_VERSION);
      const running = cloud.stepFunctions.running.map((r) => r.executionArn).sort();
      expect(Object.keys(cloud.stepFunctions.runningOn ?? {}).sort()).toEqual(running);
    },
    LONG,
  );

  it(
    `rehearses a rollback to ${PREVIOUS_RELEASE} as far as this checkout can: the work this code left running calls only functions ${PREVIOUS_RELEASE} deploys, with the same handlers`,
    async () => {
      await upgraded();
      const cloud = cloudIn(dir, stateIn(dir));
      const { stepFunctions: sfn, deployment } = cloud;
      const older = JSON.parse(gunzipSync(readFileSync(join(FIXTURE, 'deployment.json.gz'))).toString('utf8'));
      const running = sfn.running.map((r) => {
        const digest = sfn.runningOn?.[r.executionArn] ?? '';
        const execution = sfn.executions.find((e) => e.executionArn === r.executionArn);
        return {
          stateMachineArn: execution?.stateMachineArn ?? '',
          definition: sfn.definitions?.[digest] as StatesDefinition,
        };
      });
      expect(running.length).toBeGreaterThan(0);
      expect(deployment && rollbackProblems(deployment, older as SavedDeployment, running)).toEqual([]);
    },
    LONG,
  );

  it(
    "upgrades that cloud again once this release's code moves on, from the deployment and definitions it recorded",
    async () => {
      await upgraded();
      const copy = testTempDir('upgrade-again-');
      cpSync(dir, copy, { recursive: true });
      // No deployment.json: the save this code wrote carries its deployment.
      rmSync(join(copy, 'deployment.json'));
      const state = JSON.parse(readFileSync(join(copy, 'state.json'), 'utf8')) as State;
      state.identity.code = 'f'.repeat(64);
      writeFileSync(join(copy, 'state.json'), JSON.stringify(state));

      const again = await captureOutput(() => main(['simulate', '--resume', copy, '--until', '2027-01-27T00:00:00Z']));

      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(
        new RegExp(
          `^upgraded the saved cloud from Goldsmith ${GOLDSMITH_VERSION} to ${GOLDSMITH_VERSION}: .*state machines 0 updated, 2 unchanged, 0 added, 0 removed; [1-9]\\d* running executions kept`,
          'm',
        ),
      );
    },
    LONG,
  );

  it('refuses to upgrade a save of the previous release that lacks the deployment it ran on, saying how to write it', async () => {
    const copy = testTempDir('upgrade-no-deployment-');
    unpack(copy);
    rmSync(join(copy, 'deployment.json'));
    const before = readFileSync(join(copy, 'state.json'), 'utf8');

    const refused = await captureOutput(() => main(['simulate', '--resume', copy]));

    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `goldsmith simulate: ${copy} was saved by Goldsmith ${PREVIOUS_RELEASE}, whose saves do not record what they ran on (the state machine definitions its running executions keep): write it beside the save with "npm run release:deployment -- --root <a checkout of ${PREVIOUS_RELEASE}> --into ${copy}", then resume\n`,
    );
    expect(readFileSync(join(copy, 'state.json'), 'utf8')).toBe(before);
  });
});

/** The figures of the upgrade's line on stderr (local/snapshot/upgrade.ts), by name. */
function figuresOf(stderr: string) {
  const m =
    /functions on this code \((\d+) added, (\d+ removed[^)]*\)?)\), state machines (\d+) updated, (\d+) unchanged, (\d+) added, (\d+ removed(?: \([^)]*\))?); (\d+) running executions kept on the definitions they started on \((\d+) of them differ from the new\); rules (\d+) added, (\d+) changed, (\d+) removed; parameters (\d+) added, (\d+) changed; queues (\d+) added; secrets (\d+) added;/.exec(
      stderr,
    );
  if (!m) throw new Error(`no upgrade line in: ${stderr}`);
  const n = (i: number) => Number(m[i]);
  return {
    addedFunctions: n(1),
    removedFunctions: m[2],
    updatedMachines: n(3),
    unchangedMachines: n(4),
    addedMachines: n(5),
    removedMachines: m[6],
    running: n(7),
    differ: n(8),
    addedRules: n(9),
    changedRules: n(10),
    removedRules: n(11),
    addedParameters: n(12),
    changedParameters: n(13),
    addedQueues: n(14),
    addedSecrets: n(15),
  };
}

describe('an upgrade deploys the new templates into the saved cloud', () => {
  it(
    'creates what the saved release lacked, updates what it had otherwise, and keeps running executions on their definitions',
    async () => {
      const dir = testTempDir('upgrade-deploy-');
      unpack(dir);
      const RULE = 'CodeArtifactReleaseRule4AB01503';
      const PARAMETER = 'us-east-1|/goldsmith-release/local';
      let changedRule = '';
      // As if the saved release had had no release parameter, no CodeArtifact rule, another pattern on one rule and
      // another definition of the promotion state machine, which this release leaves as 0.2.0 had it (a comment: the
      // running promotions' path is the same).
      rewriteSave(dir, (cloud, deployment) => {
        const ssm = fieldsAt(cloud.fakes, 'ssm');
        ssm.params = { $map: (ssm.params as { $map: [string, unknown][] }).$map.filter(([k]) => k !== PARAMETER) };
        const bus = fieldsAt(cloud.fakes, 'bus', 'options');
        const rules = (bus.rules as Saved[]).filter((r) => r.$o.name !== RULE);
        bus.rules = rules;
        changedRule = String(rules[0]?.$o.name);
        if (rules[0]) rules[0].$o.pattern = { $o: { source: ['goldsmith.older'] } };
        const promotion = Object.keys(deployment.stateMachines).find((arn) => !arn.includes('Rollout')) ?? '';
        const definition = deployment.stateMachines[promotion] as StatesDefinition;
        deployment.stateMachines[promotion] = { ...definition, Comment: 'the saved release' };
        // A function and a state machine this code no longer deploys, which no running execution calls.
        const [region, account] = promotion.split(':').slice(3, 5);
        deployment.functions[`arn:aws:lambda:${region}:${account}:function:goldsmith-retired`] =
          'functions/retired.handler';
        deployment.stateMachines[`arn:aws:states:${region}:${account}:stateMachine:RetiredMachine`] = definition;
      });

      const { code, stderr } = await upgradeAndGoOn(dir);

      expect(code).toBe(0);
      // What the rewrite took away or changed, on top of what this release deploys over 0.2.0's own save (its new
      // functions, rules, queues and parameters: the same upgrade of the untouched save).
      const plain = testTempDir('upgrade-plain-');
      unpack(plain);
      const base = figuresOf((await upgradeAndGoOn(plain)).stderr);
      expect(figuresOf(stderr)).toEqual({
        ...base,
        removedFunctions: '1 removed (goldsmith-retired)',
        updatedMachines: base.updatedMachines + 1,
        unchangedMachines: base.unchangedMachines - 1,
        removedMachines: '1 removed (RetiredMachine)',
        // Every running execution now differs from the new: the rollout's by this release, the promotions' by the rewrite.
        differ: base.running,
        addedRules: base.addedRules + 1,
        changedRules: base.changedRules + 1,
        addedParameters: base.addedParameters + 1,
        changedParameters: base.changedParameters - 1,
      });
      expect(base).toMatchObject({ removedFunctions: '0 removed', removedMachines: '0 removed', running: 4 });
      expect(changedRule).not.toBe('');
      const after = stateIn(dir);
      expect(outcomesOf(after.snapshot.ledger)).toEqual(recorded.outcomes);
    },
    LONG,
  );
});
