import type { NotificationOf, Severity } from '../../events/notification.js';
import type { ROLLOUT_NOTIFICATION_DETAILS } from '../../events/rollout-notification.js';
import type { Fact, Subject } from './shapes.js';

/**
 * What the rollout's announcements say, in Slack and mail alike: one line (the title) and a sentence or two naming the
 * image, channel, version, wave and counts, and what happens next.
 */

export type RolloutEvent = keyof typeof ROLLOUT_NOTIFICATION_DETAILS;
type Detail<E extends RolloutEvent> = NotificationOf<E>['detail'];
type Text = { title: string; summary: string };

const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
const waveOf = (d: { wave: string; waveNumber: number; waves: number }) =>
  `wave ${d.waveNumber}/${d.waves} (${d.wave})`;
const rolloutOf = (s: Subject) => `the ${s.channel} rollout of ${s.image} ${s.version}`;
const resume = (s: Subject) => `goldsmith rollout resume ${s.image} ${s.channel}`;
/** `base 1.0.0/3: ` (every title's start), and `base 1.0.0/3: prod rollout`. */
const of = (s: Subject): string => `${s.image} ${s.version}: `;
const head = (s: Subject) => `${of(s)}${s.channel} rollout`;

export const ROLLOUT_TEXT: { [E in RolloutEvent]: (s: Subject, d: Detail<E>) => Text } = {
  'rollout-wave-started': (s, d) => ({
    title: `${head(s)} ${waveOf(d)} started`,
    summary: `Refreshes of ${n(d.groups, 'Auto Scaling group')} in ${n(d.accounts, 'account')} (${d.regions.join(', ') || 'no Region'}) to ${s.image} ${s.version} started. ${d.waveNumber < d.waves ? 'The next wave starts' : 'The rollout completes'} once each is Successful, after a ${d.bakeMinutes}-minute bake.`,
  }),
  'rollout-wave-healthy': (s, d) => ({
    title: `${head(s)} ${waveOf(d)} healthy`,
    summary: `All ${n(d.groups, 'group')} run ${s.version}, healthy through their bake. ${d.next ? `Wave ${d.waveNumber + 1}/${d.waves} (${d.next}) starts now.` : 'That was the last wave.'}`,
  }),
  'rollout-halted': (s, d) => ({
    title: `${head(s)} halted at ${waveOf(d)}`,
    summary:
      d.failedGroups > 0
        ? `${d.failedGroups} of ${n(d.groups, 'group')} failed: ${d.reason}. Its refreshes roll back, no later wave starts; ${s.channel} still points at ${s.version}.`
        : // No refresh failed (an account refused, the canary had nothing to refresh or moved nothing).
          `${d.reason}. Nothing rolls back (no refresh failed; refreshed groups keep ${s.version}); no later wave starts.`,
  }),
  'rollout-wave-rolled-back': (s, d) => ({
    title: `${head(s)} ${waveOf(d)} rolled back`,
    summary: `${n(d.groups, 'group')} went back to their previous version: ${d.reason}.`,
  }),
  'rollout-completed': (s, d) => ({
    title: `${head(s)} completed`,
    summary: `${n(d.waves, 'wave')}, ${n(d.groups - (d.unmoved ?? 0), 'group')} refreshed${d.unmoved ? `, ${d.unmoved} moved no instance` : ''}${d.skipped > 0 ? `, ${d.skipped} skipped (each announced)` : ''}.`,
  }),
  'rollout-paused': (s, d) => ({
    title: `${head(s)} paused at ${waveOf(d)}`,
    summary: `${d.by} paused it: ${d.reason}. Refreshes running go on; no wave starts until \`${resume(s)}\`.`,
  }),
  'rollout-resumed': (s, d) => {
    if (d.restart) {
      return {
        title: `${head(s)} starts again by ${d.by.split('/').at(-1)} from ${waveOf(d)}`,
        summary: `rollout of ${s.version} to ${s.channel} starts again, by ${d.by}${d.reason ? `: ${d.reason}` : ''}. The rollback that superseded it was taken back: every wave runs again, and the groups it took back are refreshed again.`,
      };
    }
    // A retry names its operator by the principal's last part (`…/alice`), keeping the title under 100 characters.
    const by = d.retry ? ` by ${d.by.split('/').at(-1)} from` : ' at';
    return {
      title: `${head(s)} resumed${by} ${waveOf(d)}${d.retry ? ` (retry ${d.retry})` : ''}`,
      summary: d.retry
        ? `${d.by} retried ${rolloutOf(s)}: resumed from ${waveOf(d)}${d.reason ? ` ${d.reason}` : ''}. That wave and the later ones start again.`
        : `${d.by} resumed it${d.reason ? `: ${d.reason}` : ''}. The next wave starts once this one is healthy.`,
    };
  },
  'rollout-aborted': (s, d) => ({
    title: `${head(s)} aborted at ${waveOf(d)}`,
    summary: `${d.by} aborted it: ${d.reason}. Cancelling ${n(d.running, 'refresh', 'refreshes')} still running; no wave starts; refreshed groups keep ${s.version}.`,
  }),
  'rollout-stopped': (s, d) =>
    d.takeBack
      ? {
          title: `${of(s)}${s.channel} take-back stopped`,
          summary: `${d.reason}. Groups not moved still run ${s.version}: \`goldsmith rollout status ${s.image} ${s.channel} --version ${s.version}\`.`,
        }
      : {
          title: `${head(s)} stopped at ${waveOf(d)}`,
          summary: `Its execution is ${d.execution}: ${d.reason}. No wave starts; refreshes running go on, refreshed groups keep ${s.version}. See the execution's history.`,
        },
  'rollout-groups-skipped': (s, d) => ({
    title: `${of(s)}${n(d.skipped, 'group')} skipped in the ${s.channel} rollout, ${waveOf(d)}`,
    summary: `Not refreshed: ${d.reasons.map((r) => `${r.groups} because ${r.reason}`).join('; ')}. \`goldsmith history ${s.image} --verbose\` names them.`,
  }),
  'rollout-account-failed': (s, d) => {
    const many = d.refusedGroups !== undefined;
    const who = many ? `${d.refusedGroups} groups in account` : d.group ? `group ${d.group} in account` : 'account';
    const what = many
      ? `${d.refusedGroups} groups in ${d.account} (${d.region}; first ${(d.firstGroups ?? []).join(', ')})`
      : `${d.group ? `Group ${d.group} in` : 'Account'} ${d.account} (${d.region})`;
    return {
      title: `${of(s)}${who} ${d.account} refused the ${s.channel} rollout, ${waveOf(d)}`,
      summary: `${what} refused: ${d.code}: ${d.reason}${many ? ' (the first)' : ''}. The other groups go on, then the wave fails. Check its rollout role (docs/deploy.md).`,
    };
  },
  'rollout-groups-unmoved': (s, d) => ({
    title: `${of(s)}${n(d.groups, 'group')} moved no instance in the ${s.channel} rollout, ${waveOf(d)}`,
    summary: `Refreshed, but all ${n(d.instances, 'instance')} kept their version (${d.protected} protected from scale in, ${d.standby} in Standby: ignored); first ${d.firstGroups.join(', ')}. ${d.waveNumber === 1 ? 'The canary halts.' : 'The wave goes on.'}`,
  }),
  'rollout-groups-taken-back': (s, d) => ({
    title: `${of(s)}${n(d.groups, 'group')} of ${waveOf(d)} taken back in the halted ${s.channel} rollout`,
    summary: `${d.groups} of the ${d.of} groups are back on their previous version (lateAlarmScope ${d.scope}${d.notBack > 0 ? `; ${d.notBack} not moved: see rollout status` : ''}): ${d.reason}.`,
  }),
  'rollout-group-skipped': (s, d) => ({
    title: `${of(s)}group ${d.group} (${d.account}) skipped in the ${s.channel} rollout`,
    summary: `${d.group} in ${d.account} (${d.region}) was not refreshed: ${d.reason} (docs/rollout.md).`,
  }),
};

export const ROLLOUT_SEVERITY: Record<RolloutEvent, Severity> = {
  'rollout-wave-started': 'info',
  'rollout-wave-healthy': 'info',
  'rollout-halted': 'critical',
  'rollout-wave-rolled-back': 'warning',
  'rollout-completed': 'info',
  'rollout-paused': 'warning',
  'rollout-resumed': 'info',
  'rollout-aborted': 'warning',
  'rollout-stopped': 'critical',
  'rollout-groups-skipped': 'warning',
  'rollout-groups-unmoved': 'warning',
  'rollout-groups-taken-back': 'warning',
  'rollout-account-failed': 'warning',
  'rollout-group-skipped': 'warning',
};

export const ROLLOUT_MARK: Record<RolloutEvent, string> = {
  'rollout-wave-started': ':ocean:',
  'rollout-wave-healthy': ':white_check_mark:',
  'rollout-halted': ':octagonal_sign:',
  'rollout-wave-rolled-back': ':rewind:',
  'rollout-completed': ':checkered_flag:',
  'rollout-paused': ':double_vertical_bar:',
  'rollout-resumed': ':arrow_forward:',
  'rollout-aborted': ':x:',
  'rollout-stopped': ':warning:',
  'rollout-groups-skipped': ':fast_forward:',
  'rollout-groups-unmoved': ':pause_button:',
  'rollout-groups-taken-back': ':rewind:',
  'rollout-account-failed': ':no_entry:',
  'rollout-group-skipped': ':fast_forward:',
};

/** The key facts of a rollout announcement, as email lists them and Slack shows them as fields. */
export function rolloutFacts(n: NotificationOf<RolloutEvent>): Fact[] {
  const d = n.detail as Record<string, unknown>;
  const wave = typeof d.wave === 'string' ? [['Wave', `${d.waveNumber}/${d.waves} (${d.wave})`] as const] : [];
  const labels: [string, string][] = [
    ['group', 'Group'],
    ['account', 'Account'],
    ['region', 'Region'],
    ['groups', 'Groups'],
    ['refusedGroups', 'Refused groups'],
    ['failedGroups', 'Failed'],
    ['accounts', 'Accounts'],
    ['code', 'Error'],
    ['running', 'Cancelling'],
    ['skipped', 'Skipped'],
    ['scope', 'Scope'],
    ['instances', 'Instances left'],
    ['next', 'Next wave'],
    ['execution', 'Execution'],
    ['by', 'By'],
    ['reason', 'Reason'],
  ];
  const facts: Fact[] = [...wave];
  if (n.event === 'rollout-completed') facts.push(['Waves', String(d.waves)]);
  for (const [key, label] of labels) if (d[key] !== undefined) facts.push([label, String(d[key])]);
  if (Array.isArray(d.regions)) facts.push(['Regions', d.regions.join(', ') || 'none']);
  if (Array.isArray(d.reasons)) {
    for (const r of d.reasons as { reason: string; groups: number }[]) facts.push([`${r.groups} because`, r.reason]);
  }
  return facts;
}
