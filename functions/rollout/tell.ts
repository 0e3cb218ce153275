import { announce } from '../../aws/notifications/notifications.js';
import { announcement } from '../../core/notifications/announce.js';
import { announcementKey, type RolloutAnnouncement } from '../../core/rollout/announcements.js';
import type { RolloutRecord } from '../../core/rollout/record.js';
import type { Notification } from '../../events/notification.js';

/**
 * Announces the engine's rollout announcements (Slack and mail, like every other), each keyed by the rollout and the
 * wave or group it names (and, once an operator retried it, the retry's count; a later promotion attempt's, the
 * attempt): a step retried after its write
 * announces the same ids, which the announcement ledger publishes once.
 */
export async function tellRollout(record: RolloutRecord, said: RolloutAnnouncement[]): Promise<void> {
  const subject = { image: record.image, version: record.version, channel: record.channel };
  // A retried rollout's waves start, end and halt again: each retry's announcements are its own, and so are a later
  // promotion attempt's.
  const retries = (record.operatorActions ?? []).filter((a) => a.action === 'retry').length;
  const attempt = `${(record.attempt ?? 1) > 1 ? `a${record.attempt}/` : ''}${retries > 0 ? `retry${retries}/` : ''}`;
  for (const a of said) {
    const options = { at: record.updatedAt, key: `${attempt}${announcementKey(a)}` };
    // One of the rollout's events with its own detail (RolloutAnnouncement pairs them); `announce` validates it again.
    await announce(announcement(a.event, subject, a.detail, options) as Notification);
  }
}

/**
 * Announces once that the reconciler stopped a rollout whose execution is no longer running (`rollout-stopped`), or,
 * with `takeBack`, found the execution taking a revoked version's groups back no longer running.
 */
export async function tellRolloutStopped(record: RolloutRecord, execution: string, takeBack = false): Promise<void> {
  const wave = record.waves[record.currentWave];
  const detail = {
    wave: wave?.name ?? '',
    waveNumber: record.currentWave + 1,
    waves: record.waves.length,
    reason: record.reason ?? `its execution is ${execution}`,
    execution,
    ...(takeBack && { takeBack }),
  };
  const subject = { image: record.image, version: record.version, channel: record.channel };
  await announce(announcement('rollout-stopped', subject, detail, { at: record.updatedAt }));
}
