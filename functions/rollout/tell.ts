import type { RolloutAnnouncement } from '../../core/rollout/announcements.js';
import { logger } from '../lib/powertools.js';

/**
 * Where the engine's rollout announcements go. The `rollout-*` notification events are defined with the operator
 * commands (events/rollout-notification.ts on their side); until both are in one tree, each announcement is logged
 * as a structured line, and this is the one place that turns into `announce(announcement(event, subject, detail))`.
 */
export async function tellRollout(said: RolloutAnnouncement[]): Promise<void> {
  for (const a of said) logger.info('rollout announcement', { event: a.event, detail: a.detail });
}
