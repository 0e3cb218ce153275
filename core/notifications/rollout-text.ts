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

export const ROLLOUT_TEXT: { [E in RolloutEvent]: (s: Subject, d: Detail<E>) => Text } = {
  'rollout-wave-started': (s, d) => ({
    title: `${s.image} ${s.version}: ${s.channel} rollout ${waveOf(d)} started`,
    summary: `Goldsmith started instance refreshes of ${n(d.groups, 'Auto Scaling group')} in ${n(d.accounts, 'account')} (${d.regions.join(', ') || 'no Region'}) to ${s.image} ${s.version} for ${s.channel}, ${waveOf(d)}. ${
      d.waveNumber < d.waves
        ? `The next wave starts once every refresh of this one is Successful, after a ${d.bakeMinutes}-minute bake.`
        : `It is the last wave: the rollout completes once every refresh is Successful, after a ${d.bakeMinutes}-minute bake.`
    }`,
  }),
  'rollout-wave-healthy': (s, d) => ({
    title: `${s.image} ${s.version}: ${s.channel} rollout ${waveOf(d)} healthy`,
    summary: `All ${n(d.groups, 'group')} of ${waveOf(d)} run ${s.image} ${s.version} and stayed healthy through their bake. ${
      d.next ? `Next: wave ${d.waveNumber + 1}/${d.waves} (${d.next}) starts now.` : 'That was the last wave.'
    }`,
  }),
  'rollout-halted': (s, d) => ({
    title: `${s.image} ${s.version}: ${s.channel} rollout halted at ${waveOf(d)}`,
    summary:
      d.failedGroups > 0
        ? `W${waveOf(d).slice(1)} of ${rolloutOf(s)} failed (${d.failedGroups} of ${n(d.groups, 'group')}): ${d.reason}. Its refreshes roll back to each group's previous launch template version and no later wave starts; ${s.channel} still points at ${s.version}, so look at the failed groups before the next version rolls out.`
        : // No refresh failed (an account refused, or the canary had nothing to refresh): nothing rolls back.
          `W${waveOf(d).slice(1)} of ${rolloutOf(s)} halted: ${d.reason}. No refresh of it failed, so none rolls back (groups already refreshed keep ${s.version}), and no later wave starts; ${s.channel} still points at ${s.version}.`,
  }),
  'rollout-wave-rolled-back': (s, d) => ({
    title: `${s.image} ${s.version}: ${s.channel} rollout ${waveOf(d)} rolled back`,
    summary: `${n(d.groups, 'group')} of ${waveOf(d)} went back to their previous launch template version (${rolloutOf(s)}): ${d.reason}. They keep running the image they ran before.`,
  }),
  'rollout-completed': (s, d) => ({
    title: `${s.image} ${s.version}: ${s.channel} rollout completed`,
    summary: `T${rolloutOf(s).slice(1)} completed: ${n(d.waves, 'wave')}, ${n(d.groups, 'group')} refreshed${
      d.skipped > 0 ? `, ${d.skipped} skipped (each announced with its reason)` : ''
    }. Nothing more to do.`,
  }),
  'rollout-paused': (s, d) => ({
    title: `${s.image} ${s.version}: ${s.channel} rollout paused at ${waveOf(d)}`,
    summary: `${d.by} paused ${rolloutOf(s)} at ${waveOf(d)}: ${d.reason}. Refreshes already running go on; no new wave starts until someone runs \`${resume(s)}\`.`,
  }),
  'rollout-resumed': (s, d) =>
    d.retry !== undefined
      ? {
          // The principal's last name part (`…/alice`) in the title, kept under the subject's 100 characters.
          title: `${s.image} ${s.version}: ${s.channel} rollout resumed by ${d.by.split('/').at(-1)} from ${waveOf(d)} (retry ${d.retry})`,
          summary: `T${rolloutOf(s).slice(1)} was retried: resumed by ${d.by} from ${waveOf(d)}${d.reason ? ` ${d.reason}` : ''}. That wave and the later ones start again, by a new execution; the waves before it keep what they did.`,
        }
      : {
          title: `${s.image} ${s.version}: ${s.channel} rollout resumed at ${waveOf(d)}`,
          summary: `${d.by} resumed ${rolloutOf(s)} at ${waveOf(d)}${d.reason ? `: ${d.reason}` : ''}. The next wave starts once this one is healthy.`,
        },
  'rollout-aborted': (s, d) => ({
    title: `${s.image} ${s.version}: ${s.channel} rollout aborted at ${waveOf(d)}`,
    summary: `${d.by} aborted ${rolloutOf(s)} at ${waveOf(d)}: ${d.reason}. Goldsmith cancels the ${n(d.running, 'refresh', 'refreshes')} still running and starts no further wave; groups already refreshed keep ${s.version}.`,
  }),
  'rollout-stopped': (s, d) =>
    d.takeBack
      ? {
          title: `${s.image} ${s.version}: ${s.channel} take-back stopped`,
          summary: `${s.image} ${s.version} was revoked and its groups were being taken back, but the execution doing it is no longer running (${d.execution}): ${d.reason}. Groups not yet moved still run ${s.version}: \`goldsmith rollout status ${s.image} ${s.channel} --version ${s.version}\` says where each is. Look at the execution's history and move those groups by hand, or let the next version roll out.`,
        }
      : {
          title: `${s.image} ${s.version}: ${s.channel} rollout stopped at ${waveOf(d)}`,
          summary: `The execution of ${rolloutOf(s)} is no longer running (${d.execution}) though the rollout was still under way at ${waveOf(d)}: ${d.reason}. No further wave starts; refreshes already running go on and groups already refreshed keep ${s.version}. Look at the execution's history, then let the next version roll out or revoke this one.`,
        },
  'rollout-groups-skipped': (s, d) => ({
    title: `${s.image} ${s.version}: ${n(d.skipped, 'group')} skipped in the ${s.channel} rollout, ${waveOf(d)}`,
    summary: `${n(d.skipped, 'Auto Scaling group')} of ${waveOf(d)} follow ${s.image}/${s.channel} but were not refreshed: ${d.reasons.map((r) => `${r.groups} because ${r.reason}`).join('; ')}. Their teams fix that (docs/rollout.md) and the next rollout refreshes them; \`goldsmith history ${s.image} --verbose\` names them.`,
  }),
  'rollout-account-failed': (s, d) => {
    const many = d.refusedGroups !== undefined;
    const who = many ? `${d.refusedGroups} groups in account` : d.group ? `group ${d.group} in account` : 'account';
    const what = many
      ? `${d.refusedGroups} Auto Scaling groups in account ${d.account} (${d.region}; first ${(d.firstGroups ?? []).join(', ')})`
      : `${d.group ? `Auto Scaling group ${d.group} in account` : 'Account'} ${d.account} (${d.region})`;
    return {
      title: `${s.image} ${s.version}: ${who} ${d.account} refused the ${s.channel} rollout, ${waveOf(d)}`,
      summary: `${what} refused ${rolloutOf(s)} at ${waveOf(d)}: ${d.code}: ${d.reason}${many ? ' (the first refusal)' : ''}. The wave's other groups go on; the wave fails once they have finished and no later wave starts. Check the account's rollout role (docs/deploy.md) and its groups.`,
    };
  },
  'rollout-groups-unmoved': (s, d) => ({
    title: `${s.image} ${s.version}: ${n(d.groups, 'group')} moved no instance in the ${s.channel} rollout, ${waveOf(d)}`,
    summary: `The refreshes of ${n(d.groups, 'Auto Scaling group')} of ${waveOf(d)} (first ${d.firstGroups.join(', ')}) ended Successful but replaced none of their instances: all ${n(d.instances, 'instance')} still run the version before (${d.protected} protected from scale in, ${d.standby} in Standby, which the channel's protectedInstances and standbyInstances tell a refresh to ignore). ${
      d.waveNumber === 1
        ? 'The canary proves nothing this way: see rollout-halted.'
        : 'The wave goes on; those groups launch the new version only when they scale out.'
    } Their teams remove the protection (or the channel sets protectedInstances to Refresh) for the next rollout to move them.`,
  }),
  'rollout-groups-taken-back': (s, d) => ({
    title: `${s.image} ${s.version}: ${n(d.groups, 'group')} of ${waveOf(d)} taken back in the halted ${s.channel} rollout`,
    summary: `${n(d.groups, 'group')} of the ${d.of} of ${waveOf(d)} are back on their previous launch template version (${
      d.scope === 'account'
        ? "the alarm's account and Region: lateAlarmScope account"
        : 'the whole wave: lateAlarmScope wave'
    }${d.notBack > 0 ? `; ${d.notBack} could not be moved back, see rollout status` : ''}): ${d.reason}.${d.groups < d.of ? ` The wave's other ${d.of - d.groups} keep ${s.version}.` : ''}`,
  }),
  'rollout-group-skipped': (s, d) => ({
    title: `${s.image} ${s.version}: group ${d.group} (${d.account}) skipped in the ${s.channel} rollout`,
    summary: `Auto Scaling group ${d.group} in account ${d.account} (${d.region}) follows ${s.image}/${s.channel} but was not refreshed: ${d.reason}. Its team fixes that (docs/rollout.md) and the next rollout refreshes it.`,
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
    ['of', 'Of'],
    ['notBack', 'Not moved back'],
    ['scope', 'Scope'],
    ['instances', 'Instances left'],
    ['protected', 'Protected'],
    ['standby', 'Standby'],
    ['retry', 'Retry'],
    ['next', 'Next wave'],
    ['execution', 'Execution'],
    ['by', 'By'],
    ['reason', 'Reason'],
  ];
  const facts: Fact[] = [...wave];
  if (n.event === 'rollout-completed') facts.push(['Waves', String(d.waves)]);
  for (const [key, label] of labels) if (d[key] !== undefined) facts.push([label, String(d[key])]);
  if (Array.isArray(d.firstGroups)) facts.push(['First groups', d.firstGroups.join(', ')]);
  if (Array.isArray(d.regions)) facts.push(['Regions', d.regions.join(', ') || 'none']);
  if (Array.isArray(d.reasons)) {
    for (const r of d.reasons as { reason: string; groups: number }[]) facts.push([`${r.groups} because`, r.reason]);
  }
  return facts;
}
