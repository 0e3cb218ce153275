import { announce } from '../../aws/notifications/notifications.js';
import { listChannelRollouts, moveRollout } from '../../aws/rollout/rollout-operator.js';
import { announcement } from '../../core/notifications/announce.js';
import { ROLLOUT_TRANSITIONS, rolloutOf, rolloutRefusal } from '../../core/rollout/operator.js';
import type { RolloutOperatorAction, RolloutOperatorActionName, RolloutRecord } from '../../core/rollout/record.js';
import type { OperatorRequestOf } from '../../events/operator-request.js';
import { Refusal } from './refusal.js';

type RolloutRequest = OperatorRequestOf<'rollout-pause' | 'rollout-resume' | 'rollout-abort'>;

const ACTION: Record<RolloutRequest['action'], RolloutOperatorActionName> = {
  'rollout-pause': 'pause',
  'rollout-resume': 'resume',
  'rollout-abort': 'abort',
};

/** Refreshes the engine cancels on an abort: those Auto Scaling still reports Pending, InProgress or Baking. */
const RUNNING = new Set(['Pending', 'InProgress', 'Baking']);

/** The announcement of an operator's action on a rollout, keyed by the action's instant: a retry announces it once. */
function announcementOf(record: RolloutRecord, entry: RolloutOperatorAction) {
  const subject = { image: record.image, version: record.version, channel: record.channel };
  const wave = {
    wave: record.waves[record.currentWave]?.name ?? 'none',
    waveNumber: record.currentWave + 1,
    waves: record.waves.length,
  };
  const options = { at: entry.at, key: entry.at };
  if (entry.action === 'resume') {
    const reason = entry.reason ? { reason: entry.reason } : {};
    return announcement('rollout-resumed', subject, { ...wave, by: entry.by, ...reason }, options);
  }
  const reason = entry.reason ?? '';
  if (entry.action === 'pause')
    return announcement('rollout-paused', subject, { ...wave, by: entry.by, reason }, options);
  const running = (record.waves[record.currentWave]?.groups ?? []).filter((g) => RUNNING.has(g.status)).length;
  return announcement('rollout-aborted', subject, { ...wave, by: entry.by, reason, running }, options);
}

/**
 * `goldsmith rollout pause|resume|abort IMAGE CHANNEL [--version V] [--reason R]`: one conditional update of the
 * rollout's record (the contract's transitions, core/rollout/operator.ts), then its announcement. A rollout that
 * cannot take the action (none, ended, already paused, not paused) is refused naming why, and nothing changes. A retry
 * after the update but before the announcement finds its own action last in the record's log and announces it (once:
 * the announcement's id is the action's).
 */
export async function rolloutAction(request: RolloutRequest, caller: string, at: Date) {
  const action = ACTION[request.action];
  const subject = { image: request.image, channel: request.channel, version: request.version };
  const record = rolloutOf(await listChannelRollouts(request.image, request.channel), request.channel, request.version);
  const refused = rolloutRefusal(action, subject, record);
  if (record === undefined || refused !== undefined) {
    const last = record?.operatorActions?.at(-1);
    if (record && last?.action === action && last.by === caller && record.state === ROLLOUT_TRANSITIONS[action].to) {
      await announce(announcementOf(record, last));
    }
    throw new Refusal(record === undefined ? 404 : 409, refused ?? `nothing to ${action}`);
  }
  const entry: RolloutOperatorAction = {
    action,
    by: caller,
    at: at.toISOString(),
    ...(request.reason !== undefined ? { reason: request.reason } : {}),
  };
  const moved = await moveRollout(record, entry);
  if (moved === undefined) {
    // Its state changed between the read and the update (another operator, or the engine ended it): say how it is now.
    const now = rolloutOf(await listChannelRollouts(request.image, request.channel), request.channel, record.version);
    throw new Refusal(409, rolloutRefusal(action, { ...subject, version: record.version }, now) ?? 'changed meanwhile');
  }
  await announce(announcementOf(moved, entry));
  return {
    image: moved.image,
    channel: moved.channel,
    version: moved.version,
    state: moved.state,
    wave: moved.currentWave + 1,
    waves: moved.waves.length,
    by: caller,
    ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
    at: entry.at,
  };
}
