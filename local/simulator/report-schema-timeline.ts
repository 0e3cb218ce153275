import * as z from 'zod';

/** One line of the run's timeline (local/simulator/timeline.ts's TimelineEntry) in the `--json` document. */
export const timelineEntrySchema = z.strictObject({
  at: z.string(),
  image: z.string(),
  text: z.string(),
  kind: z.enum([
    'build-requested',
    'build-finished',
    'approval-requested',
    'approval-answered',
    'outcome',
    'lifecycle',
    'rejected-event',
    'recovered',
    'rollout',
    'note',
  ]),
  version: z.string().optional(),
  channel: z.string().optional(),
  outcome: z.string().optional(),
});
