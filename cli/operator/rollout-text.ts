import { leftBehindText, leftVersionsText, movedNothing, sumLeftBehind } from '../../core/rollout/left-behind.js';
import { mixedSentText } from '../../core/rollout/mixed-sent.js';
import { endedText, isOpenRollout, waveText } from '../../core/rollout/operator.js';
import { isActiveRefresh } from '../../core/rollout/plan.js';
import type { RolloutGroup, RolloutRecord, RolloutWave } from '../../core/rollout/record.js';
import { NOT_MOVED } from '../../core/rollout/supersede.js';
import { joinedText, movedInText } from '../../core/rollout/wave-members.js';
import { emptyWaveText, failed, haltedIt } from '../../core/status/rollout-counts.js';
import { rolloutStatusLine, waveOutcome } from '../../core/status/rollout-view.js';
import { shortTime } from './ledger-history.js';

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** The line an acting rollout command prints: `base 1.0.0/3 to prod: paused at wave 2/3 by …: reason`. */
export function rolloutActedText(result: Record<string, unknown>): string {
  const reason = str(result.reason) ? `: ${str(result.reason)}` : '';
  const what = { paused: 'paused', running: 'resumed', aborted: 'aborted' }[str(result.state)] ?? str(result.state);
  if (result.retried === true) {
    const head = `${str(result.image)} ${str(result.version)} to ${str(result.channel)}`;
    const wave = `wave ${String(result.wave)}/${String(result.waves)}`;
    // A repeat of the caller's own retry started nothing new: say so, with when the retry was made.
    if (result.alreadyRetried === true)
      return `${head}: already retried from ${wave} by ${str(result.by)} at ${str(result.at)}${reason} (the same retry: no new execution)`;
    return `${head}: retried from ${wave} by ${str(result.by)}${reason} (a new execution runs it)`;
  }
  return `${str(result.image)} ${str(result.version)} to ${str(result.channel)}: ${what} at wave ${String(result.wave)}/${String(result.waves)} by ${str(result.by)}${reason}`;
}

/**
 * Human output of `goldsmith rollout status IMAGE CHANNEL`: where the rollout stands (the line `status` shows, or how
 * it ended), then each wave with its groups' refreshes, then the groups skipped and why.
 */
export function renderRolloutStatus(r: RolloutRecord): string {
  const head = isOpenRollout(r) ? rolloutStatusLine(r) : `rollout ${r.version}: ${endedText(r, shortTime)}`;
  const out = [
    `${r.image}/${r.channel} ${head}`,
    `  started ${shortTime(r.startedAt)}; AMIs ${Object.entries(r.amis)
      .map(([region, ami]) => `${region} ${ami}`)
      .join(', ')}`,
  ];
  r.waves.forEach((w, n) => {
    const times = [
      w.startedAt ? `started ${shortTime(w.startedAt)}` : '',
      w.endedAt ? `ended ${shortTime(w.endedAt)}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    const current = isOpenRollout(r) && n === r.currentWave ? '  <- under way' : '';
    const at = w.endedAt ?? w.startedAt;
    // An account that moved here from an earlier wave's OUs mid-rollout was refreshed there, once.
    const moved = [
      ...(w.movedIn ? [`    ${movedInText(w.movedIn)}`] : []),
      // One that moved into an earlier wave's OUs after that wave started is taken by the next wave.
      ...(w.joined ? [`    ${joinedText(w.joined)}`] : []),
      // An account between two member baseline stack instances is waited for (core/rollout/moving.ts).
      ...(w.moving ?? []).map(
        (m) =>
          `    ${m.account} ${m.region}: moving between OUs, waited for since ${shortTime(m.since)} (its rollout role is being replaced: ${m.code})`,
      ),
    ];
    if (w.state === 'skipped') {
      out.push(`  ${emptyWaveText(r, n)}${at ? ` (${shortTime(at)})` : ''}`, ...moved);
      return;
    }
    out.push(
      `  wave ${n + 1}/${r.waves.length} ${w.name}: ${waveOutcome(r, w)}${times ? ` (${times})` : ''}${current}`,
    );
    for (const g of w.groups) {
      const why = g.statusReason ? `: ${g.statusReason}` : '';
      const left = g.back ? '' : leftBehindText(g.leftBehind);
      // An abort's cancel reaches a refresh at the engine's next check: until then it is no longer Baking or refreshing.
      const status =
        r.state === 'aborted' && isActiveRefresh(g.status)
          ? `cancel requested by the abort (last read ${g.status})`
          : `${g.status}${haltNote(w, g)}`;
      out.push(
        `    ${g.account} ${g.region} ${g.group}: ${status} (template ${g.launchTemplateId} v${g.fromVersion} -> v${g.toVersion}, refresh ${g.refreshId})${why}${backText(g)}${g.mixed ? `; ${mixedSentText(g.mixed)}` : ''}${movedNothing(g) ? '; moved no instance' : ''}${left ? leftOnText(r, g, left) : ''}`,
      );
    }
    out.push(...moved);
    const left = sumLeftBehind(w.groups);
    const unmoved = left.unmoved > 0 ? `; ${left.unmoved} group(s) moved no instance` : '';
    if (left.instances > 0)
      out.push(`    left on older versions, in ${left.groups} group(s): ${leftBehindText(left)}${unmoved}`);
  });
  if (r.skippedGroups.length > 0) {
    out.push(`  skipped (${r.skippedGroups.length}):`);
    for (const g of r.skippedGroups) out.push(`    ${g.account} ${g.region} ${g.group}: ${g.reason}`);
  }
  if (isOpenRollout(r)) out.push(`  (${waveText(r)} is the wave under way)`);
  return `${out.join('\n')}\n`;
}

/**
 * Where a group's left-behind instances are: `; left on v2: 2 instances (…)`, the versions they run as the group's
 * read found them. A record read before those were kept: the version the group ran before, but not when that version
 * already held this rollout's AMI (a retry's second refresh starts from the first one's version): they are on a
 * version before the refresh's, and naming that one would say they run the new AMI.
 */
function leftOnText(r: RolloutRecord, g: RolloutGroup, left: string): string {
  const own = leftVersionsText(g.leftBehind);
  if (own) return `; left on ${own}: ${left}`;
  const ami = r.amis[g.region];
  if (g.fromImageId === undefined || g.fromImageId !== ami) return `; left on v${g.fromVersion}: ${left}`;
  return `; left on a version before v${g.toVersion}: ${left} (v${g.fromVersion}, the version the group ran, already holds this rollout's ${ami})`;
}

/** In a wave a refresh failure halted: which group halted it, and which ones the halt rolled back. */
function haltNote(w: RolloutWave, g: RolloutGroup): string {
  if (!w.haltedBy?.length || !failed(w).includes(g)) return '';
  return haltedIt(w, g) ? ' (halted the rollout)' : ' (rolled back by the halt)';
}

/** A group's refresh back off the rolled-out version, when it has one: `; back to v3: Successful (refresh ir-4)`. */
function backText(g: RolloutGroup): string {
  const back = g.back;
  if (!back) return '';
  if (back.status === NOT_MOVED) return `; not moved back: ${back.statusReason ?? 'left as it is'}`;
  const refresh = back.refreshId === '' ? 'not started' : `refresh ${back.refreshId}`;
  return `; back to v${back.version}: ${back.status} (${refresh})${back.statusReason ? `: ${back.statusReason}` : ''}`;
}
