import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const REPO = join(import.meta.dirname, '../..');
/** The cloud the previous release saved (scripts/release/upgrade-fixture.ts writes it when a release is cut). */
const FIXTURE = join(REPO, 'test/fixtures/upgrade', PREVIOUS_RELEASE);
const LONG = 300_000;

type Ledger = Record<string, unknown>[];
interface State {
  identity: { code: string; release?: string };
  snapshot: { ledger: Ledger };
  cloud: { file: string };
}

/** Unpacks the cloud the previous release saved into `dir`, as `simulate --save` left it. */
function unpack(dir: string): void {
  for (const name of readdirSync(FIXTURE)) {
    const data = readFileSync(join(FIXTURE, name));
    if (name.startsWith('cloud-')) writeFileSync(join(dir, name), data);
    else if (name.endsWith('.json.gz')) writeFileSync(join(dir, name.slice(0, -3)), gunzipSync(data));
  }
}

/** An object as a save writes it (local/snapshot/plain-state.ts): its fields under `$o`. */
type Saved = { $o: Record<string, unknown> };

/** The saved fields of the object at `path` under `root`. */
function fieldsAt(root: unknown, ...path: string[]): Record<string, unknown> {
  let at = root as Saved;
  for (const key of path) at = at.$o[key] as Saved;
  return at.$o;
}

/**
 * Changes the cloud saved in `dir` as `change` says, and the deployment written beside it, as if the release that
 * saved it had had other templates: the file is renamed by its new digest, as a save names it.
 */
function rewriteSave(dir: string, change: (cloud: { fakes: Saved }, deployment: SavedDeployment) => void): void {
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as State & { cloud: { sha256: string } };
  const cloud = JSON.parse(gunzipSync(readFileSync(join(dir, state.cloud.file))).toString('utf8'));
  const deployment = JSON.parse(readFileSync(join(dir, 'deployment.json'), 'utf8')) as SavedDeployment;
  change(cloud, deployment);
  const data = gzipSync(JSON.stringify(cloud));
  const sha256 = createHash('sha256').update(data).digest('hex');
  rmSync(join(dir, state.cloud.file));
  state.cloud = { file: `cloud-${sha256.slice(0, 16)}.json.gz`, sha256 };
  writeFileSync(join(dir, state.cloud.file), data);
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
  writeFileSync(join(dir, 'deployment.json'), JSON.stringify(deployment));
}

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
  let run: Awaited<ReturnType<typeof upgradeAndGoOn>>;
  let before: State;
  beforeAll(async () => {
    unpack(dir);
    before = stateIn(dir);
    run = await upgradeAndGoOn(dir);
  }, LONG);

  it('upgrades it to this code and runs on: every piece of work in flight ends as it did without the upgrade, and the audit passes', () => {
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
  });

  it(`rehearses a rollback to ${PREVIOUS_RELEASE} as far as this checkout can: the work this code left running calls only functions ${PREVIOUS_RELEASE} deploys, with the same handlers`, () => {
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
  });

  it(
    "upgrades that cloud again once this release's code moves on, from the deployment and definitions it recorded",
    async () => {
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
          `^upgraded the saved cloud from Goldsmith ${GOLDSMITH_VERSION} to ${GOLDSMITH_VERSION}: .*state machines 0 updated, 2 unchanged, 0 added; [1-9]\\d* running executions kept`,
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
      // another definition of the rollout state machine (a comment: the running rollout's path is the same).
      rewriteSave(dir, (cloud, deployment) => {
        const ssm = fieldsAt(cloud.fakes, 'ssm');
        ssm.params = { $map: (ssm.params as { $map: [string, unknown][] }).$map.filter(([k]) => k !== PARAMETER) };
        const bus = fieldsAt(cloud.fakes, 'bus', 'options');
        const rules = (bus.rules as Saved[]).filter((r) => r.$o.name !== RULE);
        bus.rules = rules;
        changedRule = String(rules[0]?.$o.name);
        if (rules[0]) rules[0].$o.pattern = { $o: { source: ['goldsmith.older'] } };
        const rollout = Object.keys(deployment.stateMachines).find((arn) => arn.includes('Rollout')) ?? '';
        const definition = deployment.stateMachines[rollout] as StatesDefinition;
        deployment.stateMachines[rollout] = { ...definition, Comment: 'the saved release' };
      });

      const { code, stderr } = await upgradeAndGoOn(dir);

      expect(code).toBe(0);
      expect(stderr).toMatch(
        /state machines 1 updated, 1 unchanged, 0 added; 4 running executions kept on the definitions they started on \(1 of them differ from the new\); rules 1 added, 1 changed, 0 removed; parameters 1 added, 0 changed;/,
      );
      expect(changedRule).not.toBe('');
      const after = stateIn(dir);
      expect(outcomesOf(after.snapshot.ledger)).toEqual(recorded.outcomes);
    },
    LONG,
  );
});
