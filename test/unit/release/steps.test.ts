import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDSMITH_VERSION, parseVersion } from '../../../core/release/index.js';
import { type OperatorStep, RELEASE_STEPS, stepsBetween } from '../../../core/release/steps.js';

const CHANGELOG = readFileSync(join(import.meta.dirname, '..', '..', '..', 'CHANGELOG.md'), 'utf8');

const kinds = (deployed: string | undefined, checkout: string) =>
  stepsBetween(deployed, checkout).map((d) => `${d.release} ${d.step.kind}`);

describe('the operator steps an upgrade takes (core/release/steps.ts)', () => {
  const ALL_030 = [
    '0.3.0 pause-rollouts',
    '0.3.0 scp',
    '0.3.0 expect-alerts',
    '0.3.0 after-deploy',
    '0.3.0 after-deploy',
    '0.3.0 after-deploy',
  ];

  it("counts 0.3.0's steps from 0.2.0 to 0.3.0, and to the pre-release heading there", () => {
    expect(kinds('0.2.0', '0.3.0')).toEqual(ALL_030);
    expect(kinds('0.2.0', '0.3.0-dev')).toEqual(ALL_030);
    expect(kinds('0.2.0', '0.4.0')).toEqual(ALL_030);
  });

  it('counts none for the same release, a later one, or a checkout that does not reach 0.3.0', () => {
    expect(kinds('0.3.0', '0.3.0')).toEqual([]);
    expect(kinds('0.3.0', '0.3.1')).toEqual([]);
    expect(kinds('0.1.0', '0.2.0')).toEqual([]);
    expect(kinds('0.2.0', '0.2.1-dev')).toEqual([]);
  });

  it('counts every release for a stage that records none, and those of the release a deployed pre-release heads to', () => {
    expect(kinds(undefined, '0.3.0')).toEqual(ALL_030);
    expect(kinds('not-a-version', '0.3.0')).toEqual(ALL_030);
    expect(kinds('0.3.0-dev', '0.3.0')).toEqual(ALL_030);
    expect(kinds('0.3.0-dev', '0.3.0-dev')).toEqual(ALL_030);
  });

  it('counts the steps of every release in between, oldest first', () => {
    const declared = [
      { release: '0.3.0', steps: [{ kind: 'pause-rollouts', reason: 'a' }] },
      { release: '0.4.0', steps: [{ kind: 'pause-rollouts', reason: 'b' }] },
      { release: '0.5.0', steps: [{ kind: 'pause-rollouts', reason: 'c' }] },
    ] as const;
    expect(stepsBetween('0.2.0', '0.4.0', declared).map((d) => d.release)).toEqual(['0.3.0', '0.4.0']);
    expect(stepsBetween('0.3.0', '0.5.0-dev', declared).map((d) => d.release)).toEqual(['0.4.0', '0.5.0']);
  });

  it('declares 0.3.0, the release this checkout heads to, with the SCP statements its functions need', () => {
    const v = parseVersion(GOLDSMITH_VERSION);
    expect(v?.core.join('.')).toBe('0.3.0');
    const scp = RELEASE_STEPS.find((r) => r.release === '0.3.0')?.steps.find((s) => s.kind === 'scp');
    expect(scp).toEqual(
      expect.objectContaining({
        needs: [
          { sid: 'BusPoliciesOnlyByTheDeployment' },
          { sid: 'DoorPoliciesOnlyByTheDeployment' },
          { sid: 'PointersOnlyByGoldsmith', actions: ['ssm:DeleteParameters'] },
          { sid: 'PointersOnlyByGoldsmith', actions: ['ssm:PutResourcePolicy', 'ssm:DeleteResourcePolicy'] },
          { sid: 'FunctionsOnlyByTheDeployment' },
          { sid: 'EventSourcesOnlyByTheDeployment' },
          { sid: 'RolesOnlyByTheDeployment' },
          { sid: 'RolesPassedOnlyByGoldsmith' },
          { sid: 'ExecRoleOnlyForGoldsmithStacks' },
          { sid: 'StateMachineDefinitionsOnlyByTheDeployment' },
          { sid: 'TaskTokensOnlyByGoldsmith' },
          { sid: 'SubscriptionsOnlyByTheDeployment' },
          { sid: 'PointerSharesOnlyByGoldsmith' },
          { sid: 'SigningKeysOnlyByTheDeployment' },
          { sid: 'FunctionsInvokedAsyncOnlyByGoldsmith' },
          { sid: 'AssetsOnlyByTheDeployment' },
          { sid: 'SstBucketOnlyByTheDeployment' },
          { sid: 'BootstrapRolesOnlyByTheDeployer' },
          { sid: 'HooksOnlyByTheDeployer' },
          { sid: 'RevokeAndRollbackOnlyByOperators' },
          { sid: 'FrontDoorOnlyByOperatorsAndApprovers' },
          { sid: 'RulesOnlyByTheDeployment', actions: ['events:PutRule'] },
          { sid: 'ContainerImagesOnlyByGoldsmith' },
          { sid: 'ContainerRegistryOnlyByTheDeployment' },
          { sid: 'AlarmsOnlyByTheDeployment' },
          { sid: 'SbomExportsOnlyByGoldsmith' },
        ],
      }),
    );
  });
});

/** The "### Upgrading from …" section of `release`'s notes: its own `## [release]`, else `## [Unreleased]`. */
function upgradingSection(release: string): string {
  const sections = CHANGELOG.split(/^## /m);
  const own = sections.find((s) => s.startsWith(`[${release}]`));
  const heading = own ?? sections.find((s) => s.startsWith('[Unreleased]')) ?? '';
  const upgrading = heading.split(/^### /m).find((s) => s.startsWith('Upgrading from'));
  return upgrading ?? '';
}

/** The bullets of a section, each joined onto one line. */
const bulletsOf = (section: string): string[] =>
  section
    .split(/^- /m)
    .slice(1)
    .map((b) => b.replace(/\s*\n\s*/g, ' ').trim());

/** The words that name a step in the notes. */
function namesOf(step: OperatorStep): string[] {
  switch (step.kind) {
    case 'pause-rollouts':
      return ['goldsmith rollout pause'];
    case 'scp':
      return step.needs.flatMap((n) => [n.sid, ...(n.actions ?? [])]);
    case 'expect-alerts':
      return [step.alert, step.severity];
    case 'after-deploy':
      return [step.command.replace(/ [A-Z][A-Z_ ]*$/, '')];
  }
}

/**
 * A bullet that asks an operator to act: a clause that begins with an imperative ("Attach …", "…: pause the
 * channels' rollouts", "…, expect one critical …", "(retry it again …)").
 */
const ACTING =
  /(?:^|[.:;,(]\s*)(attach|add|pause|expect|retry|resume|delete|set|run|remove|replace|update|deploy|check|wait)\b/i;

describe('the declared steps agree with CHANGELOG.md\'s "Upgrading from" notes', () => {
  const declared = RELEASE_STEPS.map((r) => ({ ...r, section: upgradingSection(r.release) }));

  it('finds the notes of every release that declares steps', () => {
    for (const r of declared) expect(bulletsOf(r.section).length, r.release).toBeGreaterThan(0);
  });

  it('names every declared step in its release notes', () => {
    const unnamed = declared.flatMap((r) =>
      r.steps.flatMap((step) =>
        namesOf(step)
          .filter((name) => !r.section.includes(name))
          .map((name) => `${r.release} ${step.kind}: "${name}" is not in its "Upgrading from" notes`),
      ),
    );
    expect(unnamed).toEqual([]);
  });

  it('declares a step for every note that asks an operator to act', () => {
    const undeclared = declared.flatMap((r) =>
      bulletsOf(r.section)
        .filter((bullet) => ACTING.test(bullet))
        .filter((bullet) => !r.steps.some((step) => namesOf(step).some((name) => bullet.includes(name))))
        .map(
          (bullet) =>
            `${r.release}: "${bullet.slice(0, 100)}…" asks an operator to act; core/release/steps.ts declares no step it names`,
        ),
    );
    expect(undeclared).toEqual([]);
  });

  it('tells an acting note from one that only informs', () => {
    expect(ACTING.test('Attach the SCP as it is now before deploying')).toBe(true);
    expect(ACTING.test('The StackSets deploy in parallel: pause the rollouts')).toBe(true);
    expect(ACTING.test("What a deploy does to 0.2.0's resources: none replaced or removed")).toBe(false);
    expect(ACTING.test("Nothing to do: 0.2.0's records and events are read as they are")).toBe(false);
  });
});
