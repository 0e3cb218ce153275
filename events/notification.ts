import * as z from 'zod';
import { ALARM_NOTIFICATION_DETAILS } from './alarm-notification.js';
import { approvalChangesSchema } from './approval-changes.js';
import { catalogName, imageVersion, isoTime } from './envelope.js';
import { formatIssues } from './issues.js';
import { KEY_GRANTS_NOTIFICATION_DETAILS } from './key-grants-notification.js';
import { ROLLOUT_NOTIFICATION_DETAILS } from './rollout-notification.js';

/**
 * Goldsmith's announcements: one versioned JSON document per thing people should hear about, published to the
 * notifications topic (`aws/notifications/notifications.ts`) with the message attributes `event`, `image`, `channel`, `severity`
 * (subscribers filter on them). Machines (Lambda, SQS, HTTP, `email-json`) receive this document; email receives
 * the readable text `core/notifications/email.ts` renders from it; the Slack function renders Block Kit from it.
 *
 * To announce a new kind of thing: add its `detail` schema to `NOTIFICATION_DETAILS` (one line), a builder in
 * `core/notifications/`, and a case in each renderer (the compiler points at every place).
 */

/** The contract's version: bumped only for a change a subscriber could break on (a removed or renamed field). */
export const NOTIFICATION_SCHEMA_VERSION = 2;

const count = z.number().int().nonnegative();
const findingCounts = z.strictObject({ critical: count, high: count, medium: count });
const regionAmi = z.strictObject({ region: z.string().min(1), imageId: z.string().min(1) });
const decisionVia = z.enum(['slack', 'email', 'operator', 'timeout', 'goldsmith']);

/** The `detail` of each kind of announcement, by `event`. */
export const NOTIFICATION_DETAILS = {
  'build-requested': z.strictObject({
    /** schedule | base-image | package | cascade | manual */
    trigger: z.string().min(1),
    /** What changed, e.g. "openssl 3.0.16 released". */
    reason: z.string().min(1),
  }),
  'build-skipped': z.strictObject({ trigger: z.string().min(1), reason: z.string().min(1) }),
  'build-failed': z.strictObject({
    status: z.enum(['FAILED', 'CANCELLED']),
    /** Image Builder's reason, as it gave it. */
    reason: z.string().min(1),
    /** The component (or workflow step) that failed, when Image Builder's reason names one. */
    component: z.string().min(1).optional(),
  }),
  'image-available': z.strictObject({ amis: z.array(regionAmi) }),
  'gate-passed': z.strictObject({ findings: findingCounts }),
  'gate-failed': z.strictObject({
    reason: z.string().min(1),
    findings: findingCounts.optional(),
    /** Each rule that failed, e.g. "critical findings 2 > 0". */
    failed: z.array(z.string().min(1)),
  }),
  'approval-requested': z.strictObject({
    approvalId: z.string().min(1),
    approvers: z.array(z.string().min(1)).min(1),
    expiresAt: isoTime,
    /**
     * The gate's findings the approvers decide on. No approve/reject link is ever part of an announcement: each
     * approver receives their own, alone (aws/notifications/approver-links.ts); the announcement says who decides and how.
     */
    findings: findingCounts.optional(),
    /** The parent version it was built on and its standing at the channel: "os-base 1.0.0/2, promoted to prod". */
    parent: z.string().min(1).optional(),
    /** What the version changes against the channel's current one (events/approval-changes.ts). */
    changes: approvalChangesSchema.optional(),
  }),
  approved: z.strictObject({ approvalId: z.string().min(1).optional(), by: z.string().min(1), via: decisionVia }),
  rejected: z.strictObject({
    approvalId: z.string().min(1).optional(),
    reason: z.string().min(1),
    by: z.string().min(1).optional(),
    via: decisionVia.optional(),
  }),
  expired: z.strictObject({ approvalId: z.string().min(1).optional(), reason: z.string().min(1) }),
  /** A channel abandoned after it started: a soak that found a new finding, a revocation, a step that cannot run. */
  aborted: z.strictObject({ reason: z.string().min(1) }),
  /** A step still failing with transient AWS errors at the end of the retry horizon: held, to be resumed. */
  paused: z.strictObject({ reason: z.string().min(1), error: z.string().min(1) }),
  /** A paused promotion started again from the channel that paused, by the reconciler or an operator. */
  resumed: z.strictObject({ by: z.string().min(1), resumes: count }),
  promoted: z.strictObject({
    amis: z.array(regionAmi),
    /** Accounts and OUs the channel's targets resolved to, when the share step counted them. */
    targets: z.strictObject({ ous: count, accounts: count }).optional(),
    /** The consumer pointer, e.g. `/goldsmith/base/prod` (same name in every region). */
    pointer: z.string().min(1),
    by: z.string().min(1).optional(),
  }),
  'pipeline-disabled': z.strictObject({ pipelineArn: z.string().min(1), consecutiveFailures: count }),
  /** Goldsmith's build circuit breaker tripped: the image's last builds failed in a row; no trigger builds it now. */
  'builds-paused': z.strictObject({ failedBuilds: z.array(imageVersion).min(1), resume: z.string().min(1) }),
  'revocation-requested': z.strictObject({ reason: z.string().min(1), channels: z.array(catalogName) }),
  /**
   * An Inspector finding on an instance launched from this version, about what the instance's owner added to it (a
   * package installed later, a network setting), not about the image as built: the owner's to fix; it never aborts,
   * revokes or rebuilds the version.
   */
  'fleet-finding': z.strictObject({
    account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
    /** The instance id and its Region. */
    resource: z.string().min(1),
    region: z.string().min(1),
    /** Inspector's severity of the finding (CRITICAL, HIGH, …). */
    findingSeverity: z.string().min(1),
    vulnerabilityId: z.string().min(1).optional(),
    /** The vulnerable packages, `name version`. */
    packages: z.array(z.string().min(1)),
    /** Why it is the owner's, not the image's. */
    reason: z.string().min(1),
  }),
  /** A version leaving a channel's retention: grants removed, AMIs deprecated. */
  retired: z.strictObject({ reason: z.string().min(1), channels: z.array(catalogName).optional() }),
  /** A version withdrawn at once: grants removed everywhere, pointers rolled back. */
  revoked: z.strictObject({
    reason: z.string().min(1),
    channels: z.array(catalogName),
    by: z.string().min(1).optional(),
    /** Who still ran it when usage was last observed (each is told by its own `fleet-on-revoked`). */
    inUse: z.strictObject({ accounts: count, instances: count, observedAt: isoTime }).optional(),
  }),
  /**
   * One account still running a version that was just revoked, in one Region, as usage was last observed before
   * the revocation: its instances keep running, but nothing can launch the AMI any more (Auto Scaling, new
   * instances); the team should move to the channel's current version.
   */
  'fleet-on-revoked': z.strictObject({
    account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
    region: z.string().min(1),
    instances: count,
    launchTemplates: count,
    observedAt: isoTime,
    reason: z.string().min(1),
  }),
  /** A revocation asked for a later time: at `due` the version is revoked as `revoked` says. */
  'revocation-scheduled': z.strictObject({
    reason: z.string().min(1),
    due: isoTime,
    by: z.string().min(1),
  }),
  /** An operator's `promote` ended a channel's soak before `until`; every gate after it still applies. */
  'soak-ended-early': z.strictObject({
    until: isoTime,
    by: z.string().min(1),
    reason: z.string().min(1).optional(),
  }),
  /**
   * A deletion retention has held because member accounts still use the version ran past `retention.holdInUseFor`:
   * an operator decides (`goldsmith lifecycle release IMAGE VERSION`), until then it waits.
   */
  'hold-expired': z.strictObject({
    heldSince: isoTime,
    heldUntil: isoTime,
    /** How many accounts still use it, and the first of them (at most 20). */
    accounts: count,
    someAccounts: z.array(z.string().regex(/^\d{12}$/)).max(20),
    instances: count,
  }),
  /** An operator released a held version: the next sweep deletes it although accounts still use it. */
  'hold-released': z.strictObject({
    by: z.string().min(1),
    reason: z.string().min(1),
    accounts: count,
    instances: count,
  }),
  /**
   * An operator restored a revoked version: no longer revoked, its AMIs' revocation deprecation undone, launchable
   * again by the channels it was promoted to (unless retention retired it); no channel pointer moved back to it.
   */
  'version-restored': z.strictObject({
    by: z.string().min(1),
    reason: z.string().min(1),
    /** When it had been revoked, and why. */
    revokedAt: isoTime,
    revokedFor: z.string().min(1),
  }),
  /** A revocation asked for a later time, cancelled before `due`: the version stays where it is promoted. */
  'revocation-cancelled': z.strictObject({
    due: isoTime,
    by: z.string().min(1),
    reason: z.string().min(1).optional(),
  }),
  /**
   * A channel pointer moved back to an older version (after a revocation, or by hand), or by hand forward to a newer
   * version the channel promoted before (`direction: 'forward'`: a rollback taken back).
   */
  'rolled-back': z.strictObject({
    from: z.string().min(1).optional(),
    to: z.string().min(1),
    reason: z.string().min(1),
    by: z.string().min(1).optional(),
    direction: z.enum(['back', 'forward']).optional(),
  }),
  /**
   * The daily audit found AWS holding otherwise than the ledger says (a change made outside Goldsmith): a channel
   * pointer, a container channel's tag or its repository's guard, an AMI's launch permissions, a scheduled revocation's schedule, a rule, a topic's, queue's or event bus's policy, a function,
   * a channel's pointer share (its principals or parameters) or a resource policy on a pointer, an IAM role; and
   * what it did about it.
   */
  'drift-found': z.strictObject({
    resource: z.enum([
      'channel-pointer',
      'channel-tag',
      'repository-policy',
      'launch-permissions',
      'revocation-schedule',
      'event-rule',
      'subscription',
      'topic-policy',
      'queue-policy',
      'bus-policy',
      'function',
      'pointer-share',
      'pointer-policy',
      'role',
    ]),
    region: z.string().min(1).optional(),
    /** The resource's own name where the subject does not name it (an EventBridge rule's). */
    name: z.string().min(1).optional(),
    /** What AWS held, and what the ledger says, as people read them. */
    found: z.string().min(1),
    expected: z.string().min(1),
    /** What the audit did (put it back, carried the revocation out, or nothing it could: a person must). */
    action: z.string().min(1),
    /** Whether AWS confirmed it is put right (false: confirmed on a later pass, or a person must act). */
    repaired: z.boolean(),
  }),
  /**
   * Something arrived claiming work Goldsmith did not record, and was refused: a decision on an approval without a
   * door's proof, a dead letter no failure of Goldsmith's left, a scheduled build for a window not yet open, a
   * package release its build does not hold (the release's claim is given back, so the real release builds), an SBOM
   * export file that is not Inspector's document of the build's image (the export fails; the packages stay unknown).
   */
  'claim-refused': z.strictObject({
    claim: z.enum(['approval-decision', 'dead-letter', 'scheduled-build', 'package-release', 'sbom-export']),
    /** What the claim said, as people read it. */
    found: z.string().min(1),
    /** Why it was refused, and what was done (nothing acted on it). */
    reason: z.string().min(1),
  }),
  'monthly-summary': z.strictObject({
    /** `2027-01` */
    month: z.string().regex(/^\d{4}-\d{2}$/, 'must be a month like "2027-01"'),
    images: z.array(
      z.strictObject({
        image: catalogName,
        built: count,
        failed: count,
        promoted: count,
        rejected: count,
        /** Channel promotions that ran out of approval time in the month (absent in summaries kept before: 0). */
        expired: count.optional(),
        /** Channel promotions stopped in the month by a failed gate, a revocation or an operator (absent before: 0). */
        aborted: count.optional(),
        /** Versions revoked (withdrawn everywhere) in the month (absent in summaries kept before: 0). */
        revoked: count.optional(),
        /** Hours from the month's patch day to the first prod promotion of a build requested since; null if none. */
        patchToProdHours: z.number().nonnegative().nullable(),
        /** Estimated cost of the image's month (its builds, and storage of what it keeps), in `cost.currency`. */
        cost: z.number().nonnegative().optional(),
        /**
         * What the month's Patch Tuesday changed: the approval requests into prod since that day, the packages they
         * moved and the CVEs they fixed (core/notifications/month-changes.ts); absent when none said.
         */
        patch: z.strictObject({ versions: count, packages: count, fixed: count, fixedCriticalHigh: count }).optional(),
      }),
    ),
    /** The month's estimated cost (core/cost): builds (instances and copies), storage, channel pointers. */
    cost: z
      .strictObject({
        currency: z.string().min(1),
        builds: z.number().nonnegative(),
        storage: z.number().nonnegative(),
        pointers: z.number().nonnegative(),
        total: z.number().nonnegative(),
      })
      .optional(),
    /** Approvals still pending at the end of the month, and whom they wait on. */
    waiting: z.array(
      z.strictObject({
        image: catalogName,
        version: z.string().min(1),
        channel: catalogName,
        on: z.array(z.string().min(1)),
        since: isoTime,
      }),
    ),
    /** Soaks still running at the end of the month, and when each ends. */
    soaking: z
      .array(z.strictObject({ image: catalogName, version: z.string().min(1), channel: catalogName, until: isoTime }))
      .optional(),
    /** Builds requested before the end of the month and not finished by then. */
    building: z.array(z.strictObject({ image: catalogName, version: z.string().min(1), since: isoTime })).optional(),
    /**
     * Patch compliance of the cycles that started in the month or the month before (Patch Tuesdays, out-of-cycle
     * rebuilds), per image and channel, as of the month's end: hours from the cycle's start to the pointer, the median and the worst
     * OU's hours to 90 % of its instances on the new version (null: not there by the month's end), OUs not there.
     */
    compliance: z
      .array(
        z.strictObject({
          image: catalogName,
          channel: catalogName,
          cycle: z.string().min(1),
          version: z.string().min(1),
          pointerHours: z.number().nonnegative(),
          medianHoursTo90: z.number().nonnegative().nullable(),
          worstHoursTo90: z.number().nonnegative().nullable(),
          ous: count,
          laggards: z.array(z.string().min(1)),
        }),
      )
      .optional(),
  }),
  ...ROLLOUT_NOTIFICATION_DETAILS,
  ...KEY_GRANTS_NOTIFICATION_DETAILS,
  ...ALARM_NOTIFICATION_DETAILS,
} as const;

/** Every kind of announcement. */
export type NotificationEvent = keyof typeof NOTIFICATION_DETAILS;
export const NOTIFICATION_EVENTS = Object.keys(NOTIFICATION_DETAILS) as NotificationEvent[];

export const severitySchema = z.enum(['info', 'warning', 'critical']);
export type Severity = z.infer<typeof severitySchema>;

const linkSchema = z.strictObject({ label: z.string().min(1), url: z.url() });

/** Fields every announcement carries, whatever its `event`. */
const envelope = {
  schemaVersion: z.literal(NOTIFICATION_SCHEMA_VERSION),
  /** Stable for the same announcement (a retried step re-announces with the same id): subscribers dedupe on it. */
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8–64 characters of [A-Za-z0-9_-]'),
  at: isoTime,
  severity: severitySchema,
  /** The catalog image; absent only for announcements about every image (the monthly summary). */
  image: catalogName.optional(),
  /** Image Builder's build version, `1.0.0/3`. */
  version: z.string().min(1).optional(),
  channel: catalogName.optional(),
  /** One line, at most 100 characters (it is the email subject). */
  title: z.string().min(1).max(100),
  /** A sentence or two a person reads first. */
  summary: z.string().min(1),
  /** Image Builder console, build logs, the promotion's execution, … */
  links: z.array(linkSchema).default([]),
};

function member<E extends NotificationEvent>(event: E) {
  return z.strictObject({ ...envelope, event: z.literal(event), detail: NOTIFICATION_DETAILS[event] });
}

const members = NOTIFICATION_EVENTS.map((e) => member(e));

/** Any announcement; `event` narrows `detail`. */
export const notificationSchema = z
  .discriminatedUnion('event', members as unknown as [ReturnType<typeof member>, ...ReturnType<typeof member>[]])
  .superRefine((n, ctx) => {
    // A refused dead letter is about a function's invocation, not one image; a rule's or a channel share's drift about
    // the factory (a share holds every image's pointer of its channel).
    const imageless =
      n.event === 'monthly-summary' ||
      n.event === 'key-grants-high' ||
      n.event === 'key-grant-revoked' ||
      n.event === 'key-grant-kept' ||
      n.event === 'alarm-state-changed' ||
      (n.event === 'claim-refused' && 'claim' in n.detail && n.detail.claim === 'dead-letter') ||
      (n.event === 'drift-found' &&
        'resource' in n.detail &&
        /rule|policy|subscription|function|role|share/.test(n.detail.resource));
    if (!imageless && n.image === undefined) {
      ctx.addIssue({ code: 'custom', path: ['image'], message: `required for a ${n.event} announcement` });
    }
  });

type Envelope = z.output<z.ZodObject<typeof envelope>>;
/** The announcement of one `event`, with its `detail` typed. */
export type NotificationOf<E extends NotificationEvent> = Envelope & {
  event: E;
  detail: z.output<(typeof NOTIFICATION_DETAILS)[E]>;
};
/** Any announcement. */
export type Notification = { [E in NotificationEvent]: NotificationOf<E> }[NotificationEvent];

/** The SNS message attributes of an announcement: what email and Slack subscriptions filter on. */
export function notificationAttributes(n: Notification): Record<string, string> {
  const attributes: Record<string, string> = { event: n.event, severity: n.severity };
  if (n.image !== undefined) attributes.image = n.image;
  if (n.channel !== undefined) attributes.channel = n.channel;
  // A notice to one member account: a subscription of that account's team filters on it and sees no other's.
  if (n.event === 'fleet-on-revoked') attributes.account = n.detail.account;
  return attributes;
}

/** Parses an announcement (e.g. the `Message` a subscriber received). */
export function parseNotification(
  raw: unknown,
): { ok: true; notification: Notification } | { ok: false; reason: string } {
  const result = notificationSchema.safeParse(raw);
  if (!result.success) return { ok: false, reason: formatIssues(result.error) };
  return { ok: true, notification: result.data as Notification };
}
