/**
 * What an acting command prints without `--json`: one or two lines saying what was done, to what, and what happens
 * next, from the operator endpoint's answer (`result`, functions/operator.ts). `--json` prints the answer itself.
 */

import { rolloutActedText } from './rollout-text.js';

type Result = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): Result[] =>
  Array.isArray(v) ? v.filter((x): x is Result => typeof x === 'object' && x !== null) : [];

/** The first line of a revocation's answer: `done`, or when a revocation was scheduled (or cancelled), for when. */
export function headline(result: Result): string {
  if (result.alreadyReleased === true)
    return `already released by ${String(result.releasedBy)} at ${String(result.releasedAt)}`;
  if (typeof result.cancelled === 'string') {
    return `${result.alreadyCancelled === true ? 'already cancelled' : 'cancelled'}: the revocation due at ${result.cancelled}`;
  }
  if (result.alreadyRevoked === true && typeof result.note === 'string') return result.note;
  if (typeof result.scheduledFor !== 'string') return 'done';
  return `${result.alreadyScheduled === true ? 'already scheduled' : 'scheduled'} for ${result.scheduledFor}`;
}

/** A build's answer: each decision, started (with its version) or skipped (with why). */
function buildText(r: Result): string[] {
  const decisions = list(r.decisions);
  if (decisions.length === 0) return [`build: nothing decided for ${str(r.image)}`];
  return decisions.map((d) => {
    const version = str(d.buildVersionArn).split('/').slice(-2).join('/');
    return d.outcome === 'start'
      ? `build: started ${str(d.image)} ${version}; it is promoted once it builds and passes its tests (goldsmith status shows it in flight)`
      : `build: ${str(d.image)} not started: ${str(d.reason)}`;
  });
}

/** Who may launch a restored version again: the channels it was promoted to that retention still holds it in. */
function restoredReach(r: Result): string {
  const channels = Array.isArray(r.channels) ? r.channels.map(String) : [];
  return channels.length > 0
    ? `launchable again by the accounts of ${channels.join(', ')}`
    : 'shared with nobody (no channel retention still holds it in)';
}

/**
 * How a restored version gets a channel back: `rollback --to` where it passed that channel's gates before (a channel
 * whose retention still holds it), else `promote --through-gates`.
 */
function restoredWayBack(r: Result, what: string): string {
  const channels = Array.isArray(r.channels) ? r.channels.map(String) : [];
  const [image, version] = [str(r.image), str(r.version)];
  const gates = `goldsmith promote ${what} --through-gates --reason R takes it through every channel's gates again`;
  return channels.length > 0
    ? `goldsmith rollback ${image} CHANNEL --to ${version} --reason R puts a channel whose gates it passed (${channels.join(', ')}) back on it; ${gates}`
    : gates;
}

function decisionText(action: 'approve' | 'reject', r: Result): string[] {
  const what = `${str(r.image)} ${str(r.version)} for ${str(r.channel)}`;
  const done = `${action}: ${action === 'approve' ? 'approved' : 'rejected'} ${what} as ${str(r.by)}`;
  if (typeof r.held === 'string') return [`${done}; it is not promoted: ${r.held}`];
  const next =
    r.delivered === false
      ? 'Step Functions is unavailable: the decision is recorded and delivered as soon as it answers'
      : action === 'approve'
        ? `its promotion goes on into ${str(r.channel)} (goldsmith status shows the pointer once it moves)`
        : `its promotion stops at ${str(r.channel)}; versions of images built on it stop there too`;
  return [`${done}${action === 'reject' && r.reason ? `: ${str(r.reason)}` : ''}`, `  ${next}`];
}

function revokeText(r: Result): string[] {
  const head = headline(r);
  const what = `${str(r.image)} ${str(r.version)}`;
  if (head !== 'done') return [`revoke: ${what} ${head}`];
  const moves = list(r.moves).map((m) =>
    m.action === 'roll-back' ? `${str(m.channel)} rolled back to ${str(m.to)}` : `${str(m.channel)} withdrawn`,
  );
  const rebuild = Array.isArray(r.rebuild) && r.rebuild.length > 0 ? r.rebuild.map(String) : [];
  const next = [
    moves.length > 0 ? moves.join(', ') : 'no channel named it',
    ...(rebuild.length > 0 ? [`rebuilding ${rebuild.join(', ')} on the rolled-back parent`] : []),
  ];
  return [
    // A container image's versions have no AMI, so no launch permission: only its channels' pointers move.
    r.amis === 0
      ? `revoke: revoked ${what} everywhere (a container image: its channels' pointers moved off it)`
      : `revoke: revoked ${what} everywhere (its launch permissions withdrawn)`,
    ...(typeof r.atTakenAsNow === 'string' ? [`  ${r.atTakenAsNow}`] : []),
    `  ${next.join('; ')}`,
  ];
}

/** The human lines of a successful answer to `action` (the request's action: `resume-builds`, `cancel-revocation`…). */
export function answerText(action: string, r: Result): string {
  const what = `${str(r.image)} ${str(r.version)}`;
  const lines = ((): string[] => {
    switch (action) {
      case 'build':
        return buildText(r);
      case 'approve':
      case 'reject':
        return decisionText(action, r);
      case 'promote':
        return [
          `promote: ended the soak of ${what} in ${str(r.channel)} early`,
          '  its soak check, sharing and publishing still run, so a finding or a revocation still stops it',
        ];
      case 'promote-through-gates':
        return [
          r.alreadyStarted === true
            ? `promote --through-gates: attempt ${String(r.attempt)} of ${what} was started by ${str(r.by)} at ${str(r.startedAt)}; nothing new started`
            : `promote --through-gates: attempt ${String(r.attempt)} of ${what} started through ${(r.channels as string[]).join(' → ')}`,
          "  every channel's gates apply again (tests and findings, approval, soak); a pointer moves only once they pass",
        ];
      case 'rollback':
        if (r.outcome === 'rolled-forward') {
          return [
            `rollback: ${str(r.image)}/${str(r.channel)} moved forward from ${str(r.from)} to ${str(r.to)}`,
            `  the rollback to ${str(r.from)} is taken back: ${str(r.to)} passed ${str(r.channel)}'s gates before`,
            ...(typeof r.rollout === 'string' ? [`  ${r.rollout}`] : []),
          ];
        }
        return r.outcome === 'rolled-back'
          ? [`rollback: ${str(r.image)}/${str(r.channel)} moved back from ${str(r.from)} to ${str(r.to)}`]
          : [`rollback: ${str(r.image)}/${str(r.channel)}: ${str(r.reason)}`];
      case 'revoke':
        return r.scheduledFor !== undefined ? [`revoke: ${what} ${headline(r)}`] : revokeText(r);
      case 'cancel-revocation':
        return [`revoke --cancel: ${what} ${headline(r)}`];
      case 'restore':
        return r.alreadyRestored === true
          ? [`restore: ${what} ${str(r.note)}`]
          : [
              `restore: restored ${what} (revoked at ${str(r.revokedAt)}): no longer revoked${r.amis === 0 ? ' (a container image: no AMI to undeprecate)' : ', its AMIs no longer deprecated by the revocation'}`,
              `  ${restoredReach(r)}; no channel moved back to it`,
              `  ${restoredWayBack(r, what)}`,
              ...(Array.isArray(r.flagsCleared) && r.flagsCleared.length > 0
                ? [`  flag "built on revoked ${what}" cleared on ${r.flagsCleared.map(String).join(', ')}`]
                : []),
            ];
      case 'resume':
        return [
          `resume: the promotion of ${what} starts again at ${str(r.channel)} (resumed ${String(r.resumes)} time(s))`,
        ];
      case 'resume-builds':
        return [
          `resume --builds: builds of ${str(r.image)} resumed (paused since ${str(r.pausedAt)})`,
          '  the next trigger builds it; goldsmith build builds it now',
        ];
      case 'release':
        return r.alreadyReleased === true
          ? [`lifecycle release: ${what} ${headline(r)}`]
          : [`lifecycle release: released ${what}; the next lifecycle sweep may delete it`];
      default:
        return action.startsWith('rollout-') ? [rolloutActedText(r)] : [`${action}: done`];
    }
  })();
  return `${lines.join('\n')}\n`;
}
