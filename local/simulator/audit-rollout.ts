import { ROLLOUT_TAG } from '../../core/names.js';
import type { GroupCall } from '../fakes/autoscaling.js';
import type { InstanceRefresh } from '../fakes/autoscaling-refresh-types.js';
import type { LaunchTemplates, TemplateChange } from '../fakes/launch-templates.js';

/**
 * The rollout audit, answered from the fakes' own records of calls (who made them, when, on what), never from the
 * ledger: Goldsmith's rollout role touched only groups and templates that carry the opt-in tag, never updated a
 * group, and started no refresh of a wave before every refresh of the wave before it was Successful.
 */

/** A role session of a member account's rollout role (`goldsmith-<stage>-rollout`, `-<8 hex>` when its stack instance names it). */
const ROLLOUT_SESSION = /^arn:aws[a-z-]*:sts::\d{12}:assumed-role\/goldsmith-[a-z0-9-]+-rollout(-[0-9a-f]{8})?\//;

export const byRolloutRole = (principal: string | undefined): boolean =>
  principal !== undefined && ROLLOUT_SESSION.test(principal);

export interface RolloutRecords {
  readonly calls: readonly GroupCall[];
  readonly templateChanges: readonly TemplateChange[];
  readonly refreshes: readonly InstanceRefresh[];
  readonly templates: LaunchTemplates;
}

/**
 * A channel's waves as accounts at the instant `at`, in order (the catalog's `rollout.waves`, OUs resolved to the
 * accounts under them then: an account moved between two waves' OUs belongs to the one it was in).
 */
export type WavesOf = (image: string, channel: string, at: number) => readonly ReadonlySet<string>[] | undefined;

const iso = (ms: number) => new Date(ms).toISOString();

/** No untagged group or template was refreshed, updated or given a version by the rollout role. */
export function auditOptIn(records: RolloutRecords): { problems: string[]; checked: number } {
  const problems: string[] = [];
  let checked = 0;
  for (const c of records.calls) {
    if (!byRolloutRole(c.principal)) continue;
    checked++;
    const where = `${c.group} in ${c.account} ${c.region} at ${iso(c.at)}`;
    if (c.action === 'UpdateAutoScalingGroup') problems.push(`the rollout role updated group ${where}`);
    else if (c.groupTags[ROLLOUT_TAG] === undefined || c.templateTags[ROLLOUT_TAG] === undefined)
      problems.push(`the rollout role called ${c.action} on ${where}, whose group or template lacks ${ROLLOUT_TAG}`);
  }
  for (const t of records.templateChanges) {
    if (!byRolloutRole(t.principal)) continue;
    checked++;
    if (t.tags[ROLLOUT_TAG] === undefined)
      problems.push(
        `the rollout role created version ${t.version} of ${t.launchTemplateId} in ${t.account} ${t.region} at ${iso(t.at)}, a template without ${ROLLOUT_TAG}`,
      );
  }
  return { problems, checked };
}

/** The rollout a refresh belongs to: the group's tag value and the desired version's description (its version). */
function rolloutOf(r: InstanceRefresh, templates: LaunchTemplates): string | undefined {
  const tag = r.group.tags.get(ROLLOUT_TAG);
  if (!tag || !r.desired) return undefined;
  const t = templates.get(r.desired.launchTemplateId);
  const v = t?.versions[r.desired.version - 1];
  return `${tag} ${v?.description ?? v?.data.ImageId ?? ''}`;
}

/**
 * No refresh of wave n+1 started before every refresh of wave n (of the same rollout) was Successful: each group of
 * wave n as its last refresh before that one left it (a retried rollout refreshes a wave again). A refresh that
 * takes groups back (AutoRollback off: a superseded rollout moving every group it reached at once) is no wave.
 */
export function auditWaveOrder(records: RolloutRecords, wavesOf: WavesOf): { problems: string[]; checked: number } {
  const problems: string[] = [];
  let checked = 0;
  const byRollout = new Map<string, InstanceRefresh[]>();
  for (const r of records.refreshes) {
    if (!byRolloutRole(r.principal) || !r.prefs.autoRollback) continue;
    const key = rolloutOf(r, records.templates);
    if (key) byRollout.set(key, [...(byRollout.get(key) ?? []), r]);
  }
  for (const [key, refreshes] of byRollout) {
    const [image, channel] = (key.split(' ')[0] ?? '').split('/') as [string, string | undefined];
    if (channel === undefined || !wavesOf(image, channel, Number.POSITIVE_INFINITY)) continue;
    // The wave of the account as the organization held it when the refresh started...
    const heldAt = (r: InstanceRefresh, at: number) =>
      (wavesOf(image, channel, at) ?? []).findIndex((accounts) => accounts.has(r.group.account));
    const firstStart = new Map<number, number>();
    for (const r of refreshes) {
      const j = heldAt(r, r.startTime);
      firstStart.set(j, Math.min(firstStart.get(j) ?? Number.POSITIVE_INFINITY, r.startTime));
    }
    // ...or, when it moved into that wave's OUs after the wave started, the wave that held it then (the next wave
    // to start takes it: core/rollout/wave-members.ts unreachedBefore).
    const waveOf = (r: InstanceRefresh) => {
      const j = heldAt(r, r.startTime);
      const started = j < 0 ? undefined : firstStart.get(j);
      const then = started === undefined ? -1 : heldAt(r, started);
      return Math.max(then, j);
    };
    for (const later of refreshes) {
      const n = waveOf(later);
      if (n <= 0) continue;
      checked++;
      // Each group of wave n-1 as its last refresh before this one left it (a retried rollout refreshed it again later).
      const last = new Map<string, InstanceRefresh>();
      for (const r of refreshes) {
        if (waveOf(r) !== n - 1 || r.startTime > later.startTime) continue;
        const group = `${r.group.account}/${r.group.name}`;
        if ((last.get(group)?.startTime ?? Number.NEGATIVE_INFINITY) <= r.startTime) last.set(group, r);
      }
      const earlier = [...last.values()];
      const unfinished = earlier.find(
        (r) => r.status !== 'Successful' || (r.endTime ?? Number.POSITIVE_INFINITY) > later.startTime,
      );
      if (earlier.length === 0)
        problems.push(
          `${key}: wave ${n} refreshed ${later.group.name} in ${later.group.account} at ${iso(later.startTime)} before wave ${n - 1} started`,
        );
      else if (unfinished)
        problems.push(
          `${key}: wave ${n} refreshed ${later.group.name} in ${later.group.account} at ${iso(later.startTime)} while wave ${n - 1}'s refresh of ${unfinished.group.name} in ${unfinished.group.account} was not Successful (${unfinished.status})`,
        );
    }
  }
  return { problems, checked };
}

/** Shape of a catalog channel's `rollout.waves`, read without depending on the catalog schema's type. */
interface WavesSpec {
  readonly rollout?: {
    readonly waves?: readonly { readonly accounts?: readonly string[]; readonly ous?: readonly string[] }[];
  };
}

/** A channel's waves as account sets, from the catalog's channels and the organization's OUs at an instant. */
export function wavesFromCatalog(
  channels: readonly { readonly name: string }[],
  accountsUnder: (ou: string, at: number) => readonly string[],
): WavesOf {
  return (_image, channel, at) => {
    const spec = channels.find((c) => c.name === channel) as WavesSpec | undefined;
    return spec?.rollout?.waves?.map(
      (w) => new Set([...(w.accounts ?? []), ...(w.ous ?? []).flatMap((ou) => accountsUnder(ou, at))]),
    );
  };
}

/** The organization as the audit reads it: today's tree and the accounts moved since the run began. */
export interface MovedOrganization {
  accountsUnder(ou: string): readonly string[];
  ancestors(id: string): readonly string[];
  readonly moves: readonly { account: string; from: string; at: number }[];
}

/** The accounts under `ou` at `at`: today's, each account moved since put back where the first later move took it from. */
export function accountsUnderAt(org: MovedOrganization, ou: string, at: number): string[] {
  const under = new Set(org.accountsUnder(ou));
  const then = new Map<string, string>();
  for (const m of org.moves) if (m.at > at && !then.has(m.account)) then.set(m.account, m.from);
  for (const [account, parent] of then) {
    if (parent === ou || org.ancestors(parent).includes(ou)) under.add(account);
    else under.delete(account);
  }
  return [...under];
}

/** Both checks, with what each examined. */
export function auditRollout(
  records: RolloutRecords,
  wavesOf: WavesOf,
): { problems: string[]; checks: Record<string, number> } {
  const optIn = auditOptIn(records);
  const order = auditWaveOrder(records, wavesOf);
  return {
    problems: [...optIn.problems, ...order.problems],
    checks: { 'rollout-opt-in-only': optIn.checked, 'rollout-wave-order': order.checked },
  };
}
