import * as z from 'zod';
import { organizationChange, pointerShareChange } from './scenario-organization.js';
import { outsideChange } from './scenario-outside.js';
import { instanceStateChange, teamDeployChange } from './scenario-team.js';

/** A scenario's events (docs/simulation.md, "Scenario format"): when each happens and what it is. */

export const isoTime = z.iso.datetime({
  offset: true,
  message: 'must be an ISO-8601 time like "2027-01-20T09:00:00Z"',
});

export const timing = z.union([
  z.strictObject({ at: isoTime }),
  z.strictObject({ when: z.literal('approval-requested'), nth: z.number().int().min(1).default(1) }),
]);

const image = z.string().min(1);

/** Who sends a raw event (docs/simulation.md, "Senders"): `ci`, `goldsmith`, or a principal ARN. */
const sender = z.union([
  z.enum(['ci', 'goldsmith']),
  z.string().regex(/^arn:aws[a-z-]*:(iam|sts)::\d{12}:.+$/, 'must be "ci", "goldsmith" or an IAM principal ARN'),
]);

/** An approval decided the way an approver would: by signed link or a Slack button, as `by` or a raw Slack user. */
const decision = <K extends 'approve' | 'reject'>(kind: K) =>
  z.strictObject({
    kind: z.literal(kind),
    image: image.optional(),
    channel: z.string().optional(),
    by: z.string().min(1).optional(),
    via: z.enum(['link', 'slack']).default('link'),
    /** A raw Slack user id (someone the catalog may not map), instead of an approver's name. */
    slackUser: z.string().min(1).optional(),
    tamper: z.boolean().default(false),
    /** Why (a rejection by link sends it in the confirmation form, as a person would type it; at most 1,000 characters). */
    reason: z.string().min(1).max(1000).optional(),
  });

export const kinds = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('base-image-release'),
    parameter: z.string().startsWith('/'),
    region: z.string().optional(),
  }),
  z.strictObject({ kind: z.literal('package-release'), package: z.string().min(1), version: z.string().min(1) }),
  z.strictObject({
    kind: z.literal('build-fails'),
    image,
    reason: z.string().min(1),
    count: z.number().int().min(1).default(1),
  }),
  z.strictObject({
    kind: z.literal('findings'),
    image,
    critical: z.number().int().min(0).default(0),
    high: z.number().int().min(0).default(0),
    medium: z.number().int().min(0).default(0),
  }),
  // A vulnerability published in the scanner's database: each build scanned from then on whose package is older
  // than `fixedIn` reports it (local/fakes/imagebuilder-advisories.ts).
  z.strictObject({
    kind: z.literal('vulnerability'),
    id: z.string().min(1),
    package: z.string().min(1),
    fixedIn: z.string().min(1),
    severity: z.enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']).default('MEDIUM'),
  }),
  decision('approve'),
  decision('reject'),
  // A manual build through the operator endpoint, as the catalog's first operator principal.
  z.strictObject({ kind: z.literal('build'), image, reason: z.string().min(1).optional() }),
  // An extension: any operator request (events/operator-request.ts) as a principal; saved states journal these.
  z.strictObject({
    kind: z.literal('operator'),
    request: z.record(z.string(), z.unknown()),
    as: z.string().min(1).optional(),
    // Names the exchange in the run's record (never sent): an acting command finds its own answer by it.
    id: z.string().min(1).optional(),
  }),
  // CI's package-release event, in the form events/README.md tells CI to use (source goldsmith.ci on Goldsmith's bus).
  z.strictObject({
    kind: z.literal('ci-package-update'),
    package: z.string().min(1),
    version: z.string().min(1),
    images: z.array(z.string().min(1)).min(1).optional(),
    as: sender.default('ci'),
  }),
  z.strictObject({
    kind: z.literal('revoke'),
    image,
    version: z.string().regex(/^\d+\.\d+\.\d+\/\d+$/, 'must be a build version like "1.0.0/3"'),
    reason: z.string().min(1),
    // The operator principal the revocation is sent as (default: the catalog's first operator).
    as: z.string().min(1).optional(),
    // `revoke --withdraw`: it may leave a channel's pointer empty. The scenario's operator consents unless it says
    // `false`, which shows the endpoint's refusal of a revocation that would.
    withdraw: z.boolean().optional(),
  }),
  // A new finding on a build already built (Image Builder's "CVE Detected").
  z.strictObject({
    kind: z.literal('cve'),
    image,
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+\/\d+$/, 'must be a build version like "1.0.0/3"')
      .optional(),
    critical: z.number().int().min(0).default(0),
    high: z.number().int().min(0).default(0),
    medium: z.number().int().min(0).default(0),
  }),
  z.strictObject({
    kind: z.literal('rollback'),
    image,
    channel: z.string().min(1),
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+\/\d+$/, 'must be a build version like "1.0.0/3"')
      .optional(),
    reason: z.string().min(1).optional(),
    as: z.string().min(1).optional(),
  }),
  // One of Goldsmith's functions throws on its next `times` invocations, however they come (an event, a schedule, a
  // Step Functions task), as its code would: an error named `error` (one core/errors/classify.ts calls transient,
  // such as "ServiceUnavailable", is re-driven; any other stays for a person). Named as the timeline prints it.
  z.strictObject({
    kind: z.literal('handler-fails'),
    function: z
      .string()
      .regex(/^[A-Z][A-Za-z0-9]+$/, 'must be a function\'s name as the timeline prints it, like "OnImageEvent"'),
    times: z.number().int().min(1),
    error: z
      .string()
      .regex(/^[A-Za-z][\w.]*$/, 'must be an error name like "Error" or "ServiceUnavailable"')
      .default('Error'),
  }),
  // Nobody answers this approval request, so it expires (even with approvals "auto").
  z.strictObject({ kind: z.literal('let-expire'), image: image.optional(), channel: z.string().optional() }),
  organizationChange,
  pointerShareChange,
  outsideChange,
  teamDeployChange,
  instanceStateChange,
]);

export const rawEvent = z.strictObject({
  event: z.record(z.string(), z.unknown()),
  as: sender.optional(),
  bus: z.enum(['goldsmith', 'default']).optional(),
});

/** One scenario event: a timing (`at`, or `when: approval-requested`) plus a kind or a raw EventBridge event. */
export const scenarioEventSchema = z.unknown().transform((value, ctx) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: 'must be an object' });
    return z.NEVER;
  }
  const { at, when, nth, image: img, channel, ...rest } = value as Record<string, unknown>;
  const timed = timing.safeParse(when === undefined ? { at } : { when, ...(nth === undefined ? {} : { nth }) });
  const body =
    'event' in rest
      ? rawEvent.safeParse(rest)
      : kinds.safeParse({
          ...rest,
          ...(img === undefined ? {} : { image: img }),
          ...(channel === undefined ? {} : { channel }),
        });
  // Every problem of the event at once, its timing's and its body's, each at its own path.
  if (!timed.success || !body.success) {
    for (const issue of [...(timed.error?.issues ?? []), ...(body.error?.issues ?? [])])
      ctx.addIssue({ ...issue, path: issue.path, code: 'custom', message: issue.message });
    return z.NEVER;
  }
  const filter =
    when === undefined
      ? {}
      : {
          image: typeof img === 'string' ? img : undefined,
          channel: typeof channel === 'string' ? channel : undefined,
        };
  return { timing: timed.data, filter, action: body.data };
});
