import { openWork, skPrefix } from '../ledger/keys.js';
import type { ScpGap } from '../preflight/scp-requirements.js';
import { waveText } from '../rollout/operator.js';
import type { RolloutRecord } from '../rollout/record.js';
import { rolloutRecordOf } from '../status/rollout-records.js';
import { type CheckoutIdentity, versionReport } from './changelog.js';
import { isPreRelease } from './index.js';
import { type DueStep, releasesOf, stepsOfKind } from './steps.js';

/**
 * `goldsmith preflight`'s judgement of the operator steps an upgrade takes (core/release/steps.ts), from what was
 * read (pure): a stage's or a saved cloud's release, rollouts and SCP gaps. Each refusal is one line naming the
 * command that clears it; the expected alerts and the steps after the deploy are informational (`ok`).
 */

/** A preflight line, as aws/preflight/preflight-check.ts shapes it. */
export interface UpgradeCheck {
  name: string;
  status: 'ok' | 'missing' | 'not checked';
  detail: string;
}

/**
 * Where the deploy goes: a stage, or a saved local cloud rehearsing it (`savedBy`: the release whose other code saved
 * it, whose checkout runs its operator commands: this one opens such a save only to upgrade it).
 */
export type UpgradeTarget = { kind: 'stage'; stage: string } | { kind: 'local'; dir: string; savedBy?: string };

/** The option an operator command takes to act on `target`. */
export const targetOption = (target: UpgradeTarget): string =>
  target.kind === 'stage' ? `--stage ${target.stage}` : `--local ${target.dir}`;

/** What was read, or why it could not be. */
export type Read<T> = { value: T } | { unknown: string };

const short = (commit: string) => commit.slice(0, 7);

/**
 * Why a checkout is not the release its version names, or undefined when it is: HEAD must be the commit CHANGELOG
 * records for that version (`goldsmith --version`'s rule, core/release/changelog.ts; main's CHANGELOG counts, since a
 * release commit cannot name itself). A version string alone is one edit of package.json away.
 */
function notTheRelease(checkout: string, git: Pick<CheckoutIdentity, 'commit' | 'releases'>): string | undefined {
  if (git.commit === undefined)
    return `this checkout is ${checkout} but not a git checkout, so whether it is the ${checkout} release cannot be told`;
  if (versionReport({ version: checkout, ...git }).release) return undefined;
  const own = git.releases.find((r) => r.version === checkout);
  return `version ${checkout} but HEAD ${short(git.commit)} is not the commit CHANGELOG names for ${checkout} (${own === undefined ? "CHANGELOG, this checkout's and main's, records none" : `it names ${short(own.commit)}`})`;
}

/**
 * A pre-release checkout deploys onto a stage only when the operator says so (`--pre-release`). A checkout counts as
 * a release only when HEAD is the commit CHANGELOG records for its version (`git`: cli/checkout.ts reads it); any
 * other is treated as a pre-release.
 */
export function preReleaseCheck(
  checkout: string,
  preRelease: boolean,
  git: Pick<CheckoutIdentity, 'commit' | 'releases'>,
): UpgradeCheck {
  const name = 'pre-release';
  if (isPreRelease(checkout))
    return preRelease
      ? {
          name,
          status: 'ok',
          detail: `this checkout is ${checkout}, a pre-release, deployed on purpose (--pre-release)`,
        }
      : {
          name,
          status: 'missing',
          detail: `this checkout is ${checkout}, a pre-release (code between two releases): deploy a release (CHANGELOG names its commit) or pass --pre-release`,
        };
  const why = notTheRelease(checkout, git);
  if (why === undefined)
    return {
      name,
      status: 'ok',
      detail: `this checkout is release ${checkout} (commit ${short(git.commit ?? '')}, as CHANGELOG names it)`,
    };
  return preRelease
    ? { name, status: 'ok', detail: `${why}: treated as a pre-release, deployed on purpose (--pre-release)` }
    : {
        name,
        status: 'missing',
        detail: `${why}: treated as a pre-release; check out the release's commit (git checkout <commit CHANGELOG names>) or pass --pre-release`,
      };
}

/**
 * The rollouts among ledger items that carry open work (running or paused: `rollout`; groups being taken back:
 * `rollout-take-back`), as the sparse `open-work` index holds them (core/ledger/keys.ts): what the upgrade's rollouts
 * check reads, on a stage (a Query of the index) as on a saved cloud (its whole ledger). Read without their chunked
 * groups, which the index does not hold and the check does not need.
 */
export function openRollouts(items: readonly Record<string, unknown>[]): RolloutRecord[] {
  const kinds: readonly unknown[] = [openWork.rollout, openWork.takeBack];
  return items.flatMap((item) => {
    if (!kinds.includes(item.openWork) || !String(item.sk).startsWith(skPrefix.rollout)) return [];
    const record = rolloutRecordOf(item);
    return record ? [record] : [];
  });
}

/** One line naming what the upgrade takes, and from which releases. */
export function stepsLine(deployed: string | undefined, checkout: string, due: readonly DueStep[]): UpgradeCheck {
  const from = deployed ?? 'no recorded release';
  const pre =
    deployed !== undefined && isPreRelease(deployed) && due.length > 0
      ? `; a pre-release deployed counts the steps of the release it heads to (which of them its commit took is not recorded)`
      : '';
  return {
    name: 'upgrade steps',
    status: 'ok',
    detail:
      due.length === 0
        ? `${from} → ${checkout}: no release between them declares an operator step`
        : `${from} → ${checkout}: ${releasesOf(due)} ${declares(due)} ${[...new Set(due.map((d) => d.step.kind))].join(', ')} (CHANGELOG.md, "Upgrading from"; docs/upgrading.md)${pre}`,
  };
}

const declares = (due: readonly { release: string }[]) =>
  new Set(due.map((d) => d.release)).size > 1 ? 'declare' : 'declares';

const savedByOther = (target: UpgradeTarget) =>
  target.kind === 'local' && target.savedBy !== undefined
    ? ` (in a checkout of Goldsmith ${target.savedBy}, whose code saved it: this one opens it only to upgrade it)`
    : '';

const rolloutName = (r: RolloutRecord) => `${r.image}/${r.channel} ${r.version}`;

/**
 * No rollout may move groups while a release in between replaces what rollouts drive: each running one is named with
 * the command that pauses it. A paused one passes (its refreshes already running go on, no wave starts).
 */
export function pauseRolloutsCheck(
  due: readonly DueStep[],
  rollouts: Read<readonly RolloutRecord[]>,
  target: UpgradeTarget,
): UpgradeCheck | undefined {
  const pause = stepsOfKind(due, 'pause-rollouts');
  if (pause.length === 0) return undefined;
  const name = 'rollouts';
  const why = `${releasesOf(pause)}'s deploy: ${pause.map((p) => p.step.reason).join('; ')}`;
  if ('unknown' in rollouts)
    return { name, status: 'missing', detail: `cannot read the rollouts (${rollouts.unknown}): refused, ${why}` };
  const moving = rollouts.value.filter((r) => r.state === 'running');
  const paused = rollouts.value.filter((r) => r.state === 'paused');
  // A revocation's take-back moves an ended rollout's groups back (open work until it ends); it cannot be paused.
  const takingBack = rollouts.value.filter((r) => r.openWork === openWork.takeBack);
  const lines = [
    ...moving.map(
      (r) =>
        `${rolloutName(r)} moves groups (${waveText(r)}): goldsmith rollout pause ${r.image} ${r.channel} ${targetOption(target)} --reason "upgrade"`,
    ),
    ...takingBack.map(
      (r) =>
        `${rolloutName(r)}'s groups are being taken back (a revocation): wait until it ends (goldsmith rollout status ${r.image} ${r.channel} --version ${r.version} ${targetOption(target)})`,
    ),
  ];
  if (lines.length > 0)
    return {
      name,
      status: 'missing',
      detail: `${lines.join('; ')}${moving.length > 0 ? `${savedByOther(target)} — pause first` : ' — wait'}: ${why}`,
    };
  return {
    name,
    status: 'ok',
    detail:
      paused.length > 0
        ? `no rollout moves groups; paused: ${paused.map(rolloutName).join(', ')} (after the deploy: goldsmith rollout resume IMAGE CHANNEL ${targetOption(target)})`
        : `no rollout moves groups (${releasesOf(pause)} replaces the member rollout roles)`,
  };
}

/** "BusPoliciesOnlyByTheDeployment" or "PointersOnlyByGoldsmith (ssm:DeleteParameters)". */
const needName = (n: { sid: string; actions?: readonly string[] }) =>
  n.actions ? `${n.sid} (${n.actions.join(', ')})` : n.sid;

/**
 * What the SCP check read for the upgrade's: its gaps, why they could not be read (a failure: the deploy is refused
 * until they are), or why no SCP can be checked here (`moot`: SCPs do not bind the management account; a saved cloud
 * has no organization), which is informational.
 */
export type ScpRead = Read<readonly ScpGap[]> | { moot: string };

/**
 * The statements the releases in between need in the SCP above the factory account: each one that `gaps`
 * (core/preflight/scp-requirements.ts, the SCP check's own evaluation) finds open to outsiders, or refusing
 * Goldsmith's own call, is named. SCPs that could not be read refuse the deploy, naming what to add.
 */
export function scpNeedsCheck(
  due: readonly DueStep[],
  gaps: ScpRead,
  account: string | undefined,
): UpgradeCheck | undefined {
  const scp = stepsOfKind(due, 'scp');
  if (scp.length === 0) return undefined;
  const name = 'service control policy for the upgrade';
  const needs = scp.flatMap((s) => s.step.needs);
  const listed = needs.map(needName).join(', ');
  if ('moot' in gaps)
    return { name, status: 'not checked', detail: `${releasesOf(scp)} needs ${listed}: ${gaps.moot}` };
  if ('unknown' in gaps)
    return {
      name,
      status: 'missing',
      detail: `${releasesOf(scp)} needs ${listed}, which cannot be checked: ${gaps.unknown}`,
    };
  const absent = needs.filter((n) =>
    gaps.value.some((g) => g.statement === n.sid && (n.actions === undefined || n.actions.includes(g.action))),
  );
  const where = account === undefined ? 'the SCP' : `the SCP on ${account} or above it`;
  return absent.length > 0
    ? {
        name,
        status: 'missing',
        detail: `${releasesOf(scp)} needs ${absent.map(needName).join(', ')} in ${where}, absent (${scp.map((s) => s.step.reason).join('; ')}): write the policy with \`goldsmith scp --stage <stage> --out scp/\` and, from the management account, \`aws organizations update-policy --policy-id <id> --content file://scp/<part>.json\` for each part attached (create-policy and attach-policy for a new one), before deploying`,
      }
    : { name, status: 'ok', detail: `${where} holds ${listed}, as ${releasesOf(scp)} needs` };
}

/** The alerts the deploy raises by itself, and what to redo after it: informational lines. */
export function afterDeployLines(due: readonly DueStep[], target: UpgradeTarget): UpgradeCheck[] {
  const alerts = stepsOfKind(due, 'expect-alerts').map(({ release, step }) => ({
    name: 'alerts to expect',
    status: 'ok' as const,
    detail: `expect ${step.severity} ${step.alert} after deploying ${release}, ${step.count}: ${step.reason}`,
  }));
  const after = stepsOfKind(due, 'after-deploy').map(({ release, step }) => ({
    name: 'after the deploy',
    status: 'ok' as const,
    detail: `${release}: ${step.when} (${step.reason}): ${step.command} ${targetOption(target)}`,
  }));
  return [...alerts, ...after];
}
