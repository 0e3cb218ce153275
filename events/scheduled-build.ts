import * as z from 'zod';
import { catalogName, isoTime } from './envelope.js';

/**
 * The input our EventBridge Scheduler schedules pass to start-builds. Not an EventBridge event: Scheduler delivers
 * the target `Input` as is, after replacing its context keywords.
 */
export const scheduledBuildSchema = z.strictObject({
  image: catalogName,
  /** The occurrence this build is for: the deduplication key together with `image`. */
  window: isoTime,
});

/**
 * Scheduler replaces this keyword with the occurrence's scheduled time (e.g. `2022-03-22T18:59:43Z`), so a retried
 * invocation of the same occurrence carries the same window.
 */
export const SCHEDULED_TIME_KEYWORD = '<aws.scheduler.scheduled-time>';

/** The Scheduler target input for an image's schedule. */
export function scheduledBuildInput(image: string): { image: string; window: string } {
  return { image, window: SCHEDULED_TIME_KEYWORD };
}

export type ScheduledBuild = z.infer<typeof scheduledBuildSchema>;
