import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { codeDigest } from '../../cli/operator/saved-identity.js';
import { PREVIOUS_RELEASE } from '../../cli/operator/saved-release.js';
import { rolloutRoleNameOfStack } from '../../core/names.js';
import { GOLDSMITH_VERSION } from '../../core/release/index.js';
import type { RolloutRecord } from '../../core/rollout/record.js';
import type { SavedDeployment } from '../../local/snapshot/deployment.js';
import { rollbackProblems } from '../../local/snapshot/rollback.js';
import type { SavedStepFunctions } from '../../local/stepfunctions/engine.js';
import type { StatesDefinition } from '../../local/stepfunctions/localize.js';
import {
  type EffectsReport,
  effectsOf,
  inFlight,
  outcomesOf,
  PIECES,
  type RehearsalOutcomes,
} from '../../scripts/release/upgrade-outcomes.js';
import { captureOutput } from '../helpers/output.js';
import { testTempDir } from '../helpers/temp-dir.js';
import {
  FIXTURE,
  fieldsAt,
  REPO,
  rewriteSave,
  type Saved,
  type State,
  saveDirIn,
  savedMemberBaseline,
  unpack,
} from '../helpers/upgrade-fixture.js';

const LONG = 300_000;

/** Each file of `dir` (not its subdirectories) by name, as its bytes' digest. */
const filesIn = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => [
        e.name,
        createHash('sha256')
          .update(readFileSync(join(dir, e.name)))
          .digest('hex'),
      ]),
  );

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

/** The saved Image Builder pipelines, as the cloud file writes them (local/snapshot/plain-state.ts). */
interface PipelinesState {
  $o: { imagebuilder: { $o: { pipelines: { $map: [string, { $o: Record<string, unknown> }][] } } } };
}

interface SavedCloudFile {
  stepFunctions: SavedStepFunctions;
  deployment?: SavedDeployment;
}
const cloudIn = (dir: string, state: State) =>
  JSON.parse(gunzipSync(readFileSync(join(dir, state.cloud.file))).toString('utf8')) as SavedCloudFile;

/** The untouched save of the previous release, unpacked here and upgraded by `upgraded` (removed after the file). */
const root = mkdtempSync(join(tmpdir(), 'upgrade-rehearsal-'));
const dir = saveDirIn(root);
afterAll(() => rmSync(root, { recursive: true, force: true }));
// The upgrade runs once, for the first test that needs it, in either describe block; a failure of it fails each of
// those tests with its cause (no test of the file is skipped for it, and the refusal below does not depend on it).
let upgrade:
  | Promise<{ before: State; files: Record<string, string>; run: Awaited<ReturnType<typeof upgradeAndGoOn>> }>
  | undefined;
const upgraded = () =>
  (upgrade ??= (async () => {
    unpack(dir);
    const before = stateIn(dir);
    const files = filesIn(dir);
    return { before, files, run: await upgradeAndGoOn(dir) };
  })());

describe('an upgrade rehearsed on a cloud the previous release saved mid-quarter', () => {
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
      const report = JSON.parse(run.stdout) as EffectsReport;
      expect(report.consistency).toMatchObject({ ok: true, problems: [] });

      const after = stateIn(dir);
      expect(outcomesOf(after.snapshot.ledger)).toEqual(recorded.outcomes);
      // Not only the records: their effects. Every build, of every kind of image (web-runtime's are container
      // images), AVAILABLE in Image Builder and in the ledger; web-runtime's scheduled revocation carried out to its
      // announcement; no dead letter left unrecovered.
      const effects = effectsOf(report, after.snapshot.ledger);
      expect(Object.keys(effects.builds)).toContain('web-runtime 1.0.0/4');
      for (const [build, states] of Object.entries(effects.builds))
        expect(states, build).toEqual({ imageBuilder: 'AVAILABLE', ledger: 'AVAILABLE' });
      expect(effects.revocations).toEqual({
        'web-runtime 1.0.0/1': {
          revokedAt: '2027-01-25T12:00',
          announcedAt: '2027-01-25T12:00',
          announcementPending: false,
        },
      });
      expect(effects.unrecoveredDeadLetters).toEqual([]);
      expect(report.consistency.checks).toMatchObject({ 'revocations-carried-out': 1 });
      expect(report.consistency.checks?.['dead-letters-recovered']).toBe(report.rejectedEvents.length);
      expect(Object.keys(recorded.outcomes)).toEqual(PIECES.map((p) => p.what));
      expect(recorded.audit).toBe('ok');
      // Saved again by this Goldsmith: its code and release, and the definitions its running executions keep.
      expect(after.identity).toMatchObject({ code: codeDigest(), release: GOLDSMITH_VERSION });
      const cloud = cloudIn(dir, after);
      expect(cloud.deployment?.release).toBe(GOLDSMITH_VERSION);
      // Image Builder's pipelines carry the recipe 0.2.0's fake did not keep (GetImage answers it for every build).
      const fakes = (cloud as unknown as { fakes: PipelinesState }).fakes;
      for (const [arn, p] of fakes.$o.imagebuilder.$o.pipelines.$map)
        expect(p.$o, arn).toMatchObject({
          parentImage: expect.any(String),
          componentArns: expect.arrayContaining([expect.any(String)]),
        });
      const running = cloud.stepFunctions.running.map((r) => r.executionArn).sort();
      expect(Object.keys(cloud.stepFunctions.runningOn ?? {}).sort()).toEqual(running);
    },
    LONG,
  );

  it(
    'keeps the save as the previous release left it beside it, byte for byte, and says where and how to put it back',
    async () => {
      const { files, run } = await upgraded();
      const copy = `${dir}.${PREVIOUS_RELEASE}.bak`;
      expect(run.stderr).toContain(
        `kept the save as Goldsmith ${PREVIOUS_RELEASE} left it in ${copy}: to undo this upgrade, remove ${dir} and rename ${copy} to ${dir}\n`,
      );
      expect(filesIn(copy)).toEqual(files);
      expect(filesIn(dir)).not.toEqual(files);
    },
    LONG,
  );

  it(
    "updates the member baseline's stack set under the rollout between waves: every account's rollout role replaced by its per-instance name, its grant made again, and the rollout completes as recorded",
    async () => {
      const { run } = await upgraded();
      const saved = testTempDir('upgrade-baseline-before-');
      unpack(saved);
      const before = savedMemberBaseline(saved);
      const after = savedMemberBaseline(dir);
      expect(run.stderr).toMatch(
        /; member baseline stack set updated: 36 of 36 stack instances, 12 rollout roles replaced, over 30 virtual minutes;/,
      );
      // One UpdateStackSet over every instance, from the save's instant, 25 % of each Region's 12 accounts at most and
      // a 10 % failure tolerance (two at a time), the Regions in parallel: six rounds of a grant's 5-minute settling.
      const savedAt = Date.parse((stateIn(saved) as State & { savedAt: string }).savedAt);
      expect(after.operations.at(-1)).toEqual({
        kind: 'update-stack-set',
        startedAt: savedAt,
        finishedAt: savedAt + 30 * 60_000,
        created: 0,
        deleted: 0,
        outdated: 0,
        updated: 36,
      });
      const accounts = [...new Set(before.instances.map((i) => i.account))].sort();
      expect(accounts).toHaveLength(12);
      expect(before.roles).toEqual(accounts.map((a) => `arn:aws:iam::${a}:role/goldsmith-local-rollout`));
      // Each account's role now bears the name of one of its instances' stacks (the one in the role's Region), and
      // the plain one is deleted.
      for (const account of accounts) {
        const names = after.instances
          .filter((i) => i.account === account)
          .map(
            (i) => `arn:aws:iam::${account}:role/${rolloutRoleNameOfStack('goldsmith-local-rollout', i.stackId ?? '')}`,
          );
        const roles = after.roles.filter((r) => r.split(':')[4] === account);
        expect(roles).toHaveLength(1);
        expect(names).toContain(roles[0]);
        expect(roles[0]).toMatch(/:role\/goldsmith-local-rollout-[0-9a-f]{8}$/);
      }
      expect(after.deletedRoles.sort()).toEqual(before.roles);
      // One grant per account in each Region, made again with the factory's account as retiring principal: the
      // 0.2.0 grant, without one, retired once the new one had settled.
      for (const [region, grants] of Object.entries(after.grants)) {
        expect(before.grants[region]?.map((g) => g.account).sort(), region).toEqual(accounts);
        expect(before.grants[region]?.every((g) => g.retiringPrincipal === undefined)).toBe(true);
        expect(grants.map((g) => g.account).sort(), region).toEqual(accounts);
        expect(grants.every((g) => g.retiringPrincipal === 'arn:aws:iam::123456789012:root')).toBe(true);
      }
      expect(Object.keys(after.grants).sort()).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
      // Without a pause, the rollout's second wave starts at 08:57 while the last accounts' roles are replaced
      // (until 09:00), and completes as 0.2.0's own run did (outcomes.json): 9 + 9 groups Successful.
      const status = await captureOutput(() => main(['rollout', 'status', 'base', 'prod', '--local', dir, '--json']));
      const waves = (JSON.parse(status.stdout) as { rollout: RolloutRecord }).rollout.waves;
      expect(waves.map((w) => [w.name, w.state, w.startedAt, w.endedAt, w.groupsByStatus])).toEqual([
        ['canary', 'healthy', '2027-01-22T07:52:10.500Z', '2027-01-22T08:57:10.500Z', { Successful: 9 }],
        ['rest', 'healthy', '2027-01-22T08:57:10.500Z', '2027-01-22T10:02:10.500Z', { Successful: 9 }],
      ]);
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
      const copy = saveDirIn(testTempDir('upgrade-again-'));
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
      const rewritten = saveDirIn(testTempDir('upgrade-deploy-'));
      unpack(rewritten);
      const RULE = 'CodeArtifactReleaseRule4AB01503';
      const PARAMETER = 'us-east-1|/goldsmith-release/local';
      let changedRule = '';
      // As if the saved release had had no release parameter, no CodeArtifact rule, another pattern on one rule and
      // another definition of the promotion state machine (a comment: the running promotions' path is the same), which
      // this release updates anyway (Publish's payload carries its attempt).
      rewriteSave(rewritten, (cloud, deployment) => {
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

      const { code, stderr } = await upgradeAndGoOn(rewritten);

      expect(code).toBe(0);
      // What the rewrite took away or changed, on top of what this release deploys over 0.2.0's own save (its new
      // functions, rules, queues and parameters: the same upgrade of the untouched save, the one the tests above read).
      const base = figuresOf((await upgraded()).run.stderr);
      expect(figuresOf(stderr)).toEqual({
        ...base,
        removedFunctions: '1 removed (goldsmith-retired)',
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
      const after = stateIn(rewritten);
      expect(outcomesOf(after.snapshot.ledger)).toEqual(recorded.outcomes);
    },
    LONG,
  );
});
