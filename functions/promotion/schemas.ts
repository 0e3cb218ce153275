import * as z from 'zod';

/**
 * Zod schemas of the state machine's payloads. The state machine is ours, but its input crosses a process
 * boundary (and the local simulator calls these handlers directly), so every task parses what it is given.
 */

export const regionAmiSchema = z.object({ region: z.string().min(1), imageId: z.string().regex(/^ami-[0-9a-f]+$/) });

export const channelStepSchema = z.object({
  name: z.string().min(1),
  policy: z.object({
    maxCritical: z.number().int(),
    maxHigh: z.number().int(),
    maxMedium: z.number().int().optional(),
    revokeOn: z.array(z.enum(['critical', 'high', 'medium'])).optional(),
  }),
  approval: z.object({ approvers: z.array(z.string()).min(1), timeoutSeconds: z.number().int().positive() }).optional(),
  soakSeconds: z.number().int().positive().optional(),
  after: z.string().min(1).optional(),
  targets: z.object({
    organization: z.boolean().optional(),
    allowCopy: z.boolean().optional(),
    ous: z.array(z.string()),
    accounts: z.array(z.string()),
    accountTags: z.record(z.string(), z.string()),
    exclude: z.object({ ous: z.array(z.string()), accounts: z.array(z.string()) }),
  }),
});

/** A plan's retention, in seconds (core/promotion/plan.ts). */
export const retentionSchema = z.object({
  deleteAfterSeconds: z.number().int().min(0),
  unpromotedGraceSeconds: z.number().int().min(0),
  deprecateAfterSeconds: z.number().int().positive().optional(),
  holdInUseForSeconds: z.number().int().positive().optional(),
});

export const planSchema = z.object({
  image: z.string().min(1),
  regions: z.array(z.string()).min(1),
  retentionKeep: z.number().int().min(1),
  retention: retentionSchema.optional(),
  parent: z.object({ image: z.string(), channel: z.string() }).optional(),
  channels: z.array(channelStepSchema),
});

/** The execution input (what on-image-event starts the state machine with). */
export const promotionInputSchema = z.object({
  image: z.string().min(1),
  buildVersionArn: z.string().min(1),
  version: z.string().regex(/^\d+\.\d+\.\d+\/\d+$/, 'must be a build version like "1.0.0/3"'),
  plan: planSchema,
});

/** A container build's image in one region, as Image Builder reports it (`<registry>/<repo>:<build tag>`). */
export const regionContainerSchema = z.object({ region: z.string().min(1), imageUri: z.string().min(1) });

/** LoadImage's result, kept at `$.build`: AMIs for an AMI recipe, container images for a container recipe. */
export const buildSchema = z.object({
  status: z.string(),
  testsEnabled: z.boolean(),
  amis: z.array(regionAmiSchema),
  containers: z.array(regionContainerSchema).default([]),
});

/** An approval decision as the state carries it. */
export const approvalSchema = z.object({ decision: z.literal('approved'), by: z.string().min(1), at: z.string() });

/** One Map iteration's input: one channel of one build. */
export const channelItemSchema = z.object({
  image: z.string().min(1),
  version: z.string().min(1),
  buildVersionArn: z.string().min(1),
  build: buildSchema,
  channel: channelStepSchema,
  /** The approval callback's SendTaskSuccess output, on channels that ask for approval. */
  approval: approvalSchema.optional(),
  /** Gate's result; `approved` when a resumed promotion carries over the approval its paused execution got. */
  gate: z.object({ approved: approvalSchema.optional() }).optional(),
});

export type ChannelItem = z.infer<typeof channelItemSchema>;
export type PromotionInputPayload = z.infer<typeof promotionInputSchema>;

/** Parses a task's input; a bad payload is a fault of ours, reported with the field path. */
export function parseTaskInput<T>(schema: z.ZodType<T>, input: unknown, task: string): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
    throw new Error(`${task}: invalid input: ${problems}`);
  }
  return result.data;
}

/**
 * Publish's payload: the state (`$`) and its attempt's counts from the Context object, `$$.State.RetryCount` and
 * `$$.Execution.RedriveCount` (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html).
 * An execution started on an earlier definition passes the state alone, without them.
 */
export const attemptCountsSchema = z.object({
  retryCount: z.number().int().nonnegative().optional(),
  redriveCount: z.number().int().nonnegative().optional(),
});
export type AttemptCounts = z.infer<typeof attemptCountsSchema>;
const publishPayloadSchema = z.object({ state: z.unknown(), attempt: attemptCountsSchema });

/** The state and the attempt's counts of a Publish payload; a bare state (an earlier definition's) has no counts. */
export function publishPayload(input: unknown): { state: unknown; attempt: AttemptCounts } {
  const parsed = publishPayloadSchema.safeParse(input);
  if (parsed.success) return { state: parsed.data.state, attempt: parsed.data.attempt };
  return { state: input, attempt: {} };
}

/** Whether an attempt is the execution's first at its state: both counts known and 0 (nothing earlier wrote). */
export const firstAttempt = (attempt: AttemptCounts): boolean => attempt.retryCount === 0 && attempt.redriveCount === 0;
