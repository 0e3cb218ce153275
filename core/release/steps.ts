import { compareVersions, parseVersion, type Version } from './index.js';

/**
 * What each release's deploy does that needs an operator, as `goldsmith preflight` reads it (aws/preflight/
 * preflight-upgrade.ts): the typed form of CHANGELOG.md's "Upgrading from" notes. A unit test keeps the two agreeing
 * (test/unit/release/steps.test.ts): every step is named in its release's notes, and every note that asks an operator
 * to act names a step. Declared from 0.3.0 on; the notes of 0.2.0 and before are read by people only.
 */

/** A statement of docs/security/scp.md the release's functions need: denied to others, Goldsmith's roles exempted. */
export interface ScpNeed {
  /** The statement's `Sid`. */
  sid: string;
  /** The actions of it the release needs, when only some are new (all of the statement's, when absent). */
  actions?: readonly string[];
}

export type OperatorStep =
  /** The deploy replaces what a rollout drives (each member account's rollout role): no rollout may move groups. */
  | { kind: 'pause-rollouts'; reason: string }
  /** The SCP attached above the factory account must hold these statements before the deploy. */
  | { kind: 'scp'; needs: readonly ScpNeed[]; reason: string }
  /** Announcements the deploy raises by itself: informational, compare them with the deploy. */
  | { kind: 'expect-alerts'; alert: string; severity: 'critical' | 'warning'; count: string; reason: string }
  /** Work the operator redoes after the deploy when it is in this state: informational, with the command. */
  | { kind: 'after-deploy'; when: string; command: string; reason: string };

export type OperatorStepKind = OperatorStep['kind'];

/** One release's steps, for the upgrade from the release before it. */
export interface ReleaseSteps {
  release: string;
  steps: readonly OperatorStep[];
}

/** Every release that declares steps, oldest first. */
export const RELEASE_STEPS: readonly ReleaseSteps[] = [
  {
    release: '0.3.0',
    steps: [
      {
        kind: 'pause-rollouts',
        reason:
          "the member baseline StackSet update replaces every member account's rollout role (goldsmith-<stage>-rollout-<8 hex>) while the Promotion stack deploys beside it",
      },
      {
        kind: 'scp',
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
        reason:
          "the policies auditor puts a door's policy back, which the older DoorsOnlyByTheDeployment refuses; one ssm:DeleteParameters call deletes up to ten pointers, which the older PointersOnlyByGoldsmith leaves open; Goldsmith's functions, roles, task tokens, pointer shares and the CDK execution role's other stacks were outside the older SCP; the doors' auditor's role name is trimmed by CloudFormation, which the older exemption misses; goldsmith rotate-signing-key puts the keys as the operator endpoint's role, which the older SigningKeysOnlyByTheDeployment refuses; the bootstrap buckets, the CDK's deploy and publishing roles, CloudFormation Hooks and the operator doors' callers were outside it; so were the container repositories (a developer's push moved a channel's tag), composite alarms, alarm state and actions, and Inspector's SBOM exports into Goldsmith's bucket",
      },
      {
        kind: 'expect-alerts',
        alert: 'drift-found',
        severity: 'critical',
        count: 'one per expected door policy the deploy changes',
        reason:
          'the expected-policy parameter … changed (Update): the policies auditor announces every change under /goldsmith/_policies/<stage>/, a deploy included; compare each with the deploy',
      },
      {
        kind: 'after-deploy',
        when: 'a rollout retried under 0.2.0 whose Rollout execution was still running at the deploy fails with RolloutRefused',
        command: 'goldsmith rollout retry IMAGE CHANNEL',
        reason: 'a Rollout execution started before the deploy keeps its definition, whose tasks name no retry',
      },
      {
        kind: 'after-deploy',
        when: 'a stage first deployed with 0.1.0 exposed its approval-link and decision-proof keys (their secrets had no policy)',
        command: 'goldsmith rotate-signing-key',
        reason:
          'a key read under 0.1.0 signs valid links until it is rotated; links sent before stay valid until they expire',
      },
      {
        kind: 'after-deploy',
        when: "an operator's script revokes a channel's only promoted version (the revocation empties the channel)",
        command: 'goldsmith revoke --withdraw IMAGE VERSION --reason R',
        reason:
          'a revocation now that would withdraw a channel pointer is refused without --withdraw, and changes nothing',
      },
    ],
  },
];

/** The release a version heads to: a pre-release (`0.3.0-dev`) carries the steps of its release (`0.3.0`). */
const headsTo = (v: Version): Version => ({ core: v.core, pre: [] });

/** One declared step with the release that declares it. */
export interface DueStep {
  release: string;
  step: OperatorStep;
}

/**
 * The steps a deploy of `checkout` over a stage running `deployed` takes: those of every release after `deployed` up
 * to the one `checkout` heads to, oldest first. `deployed` undefined (a first deploy, one from before releases were
 * recorded, or a release that cannot be read) counts every release. A deployed pre-release counts the steps of the
 * release it heads to, even for a deploy of the same pre-release: which of them its commit had already taken is not
 * recorded. The same release on both sides takes none.
 */
export function stepsBetween(
  deployed: string | undefined,
  checkout: string,
  declared: readonly ReleaseSteps[] = RELEASE_STEPS,
): DueStep[] {
  const to = parseVersion(checkout);
  if (to === undefined) return [];
  const from = deployed === undefined ? undefined : parseVersion(deployed);
  return declared
    .filter((r) => {
      const v = parseVersion(r.release);
      if (v === undefined) return false;
      const after = from === undefined || compareVersions(v, from) > 0;
      return after && compareVersions(v, headsTo(to)) <= 0;
    })
    .flatMap((r) => r.steps.map((step) => ({ release: r.release, step })));
}

/** The due steps of one kind. */
export function stepsOfKind<K extends OperatorStepKind>(
  due: readonly DueStep[],
  kind: K,
): { release: string; step: Extract<OperatorStep, { kind: K }> }[] {
  return due.flatMap((d) =>
    d.step.kind === kind ? [{ release: d.release, step: d.step as Extract<OperatorStep, { kind: K }> }] : [],
  );
}

/** "0.3.0" or "0.3.0 and 0.4.0": the releases that declare `due`. */
export const releasesOf = (due: readonly { release: string }[]): string =>
  [...new Set(due.map((d) => d.release))].join(' and ');
