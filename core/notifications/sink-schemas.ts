import * as z from 'zod';

/**
 * The catalog blocks of the notification sinks that are not email (`notifications.slack`, `.teams`, `.webhooks`):
 * core/config/schema-settings.ts puts them under `notifications`; the registry (core/notifications/sinks.ts) reads them.
 */

/**
 * A Secrets Manager secret's name, written into a sink function's IAM policy (the secret's ARN): a name as Secrets
 * Manager allows it (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html), never a
 * wildcard.
 */
export const secretNameSchema = z
  .string()
  .refine((name) => !name.includes('*') && !name.includes('?'), {
    message: 'must not contain "*" or "?": a wildcard would grant every secret it matches',
    abort: true,
  })
  .regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'must be a Secrets Manager secret name: 1–512 of A-Za-z0-9/_+=.@-');

export const slackSchema = z.strictObject({
  /** Secrets Manager secret: JSON `{ "botToken": "xoxb-…", "signingSecret": "…" }` of the Slack app. */
  secretName: secretNameSchema,
  channel: z.string().regex(/^#?[a-z0-9._-]{1,80}$/, 'must be a Slack channel like "#golden-images"'),
  /** Approver name (as channels' `approval.approvers` say) → Slack user id; only these may press the buttons. */
  approvers: z
    .record(z.string().min(1), z.string().regex(/^[UW][A-Z0-9]{2,20}$/, 'must be a Slack user id like "U024BE7LH"'))
    .default({}),
});

/**
 * Microsoft Teams: every announcement as an Adaptive Card posted to a channel's Workflows ("When a Teams webhook
 * request is received") or incoming-webhook URL. The URL carries its own signature, so it is a credential: it lives
 * in the secret, never in the catalog. No approver decides through Teams (a webhook cannot tell who pressed).
 */
export const teamsSchema = z.strictObject({
  /** Secrets Manager secret: JSON `{ "webhookUrl": "https://…" }`. */
  secretName: secretNameSchema,
});

/** At most this many signed webhooks: each is a backlog and a secret the one webhook function reads. */
export const MAX_WEBHOOKS = 10;

/**
 * A signed webhook: every announcement as JSON, POSTed to `url` with an HMAC-SHA256 signature over the timestamp and
 * the body (docs/notifications-sinks.md says how a receiver verifies it).
 */
export const webhookSchema = z.strictObject({
  /** How the ledger, the logs and the metrics name the endpoint: lower case letters, digits and dashes. */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be 1–32 of a-z, 0-9 and "-", like "change-board"'),
  url: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }).refine((u) => !/^https:\/\/[^/]*@/.test(u), {
    message: 'must not hold credentials before the host: put them in the secret',
  }),
  /** Secrets Manager secret: JSON `{ "signingSecret": "…" }` (at least 32 characters), the HMAC key. */
  secretName: secretNameSchema,
});

export const webhooksSchema = z
  .array(webhookSchema)
  .max(MAX_WEBHOOKS, `at most ${MAX_WEBHOOKS} webhooks`)
  .superRefine((hooks, ctx) => {
    const seen = new Set<string>();
    hooks.forEach((h, i) => {
      if (seen.has(h.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${h.name}" is named twice` });
      seen.add(h.name);
    });
  })
  .default([]);

/**
 * The chat sinks' blocks under `notifications`, as core/config/schema-settings.ts spreads them in: a new sink adds its
 * block here and nowhere else in the catalog's schema.
 */
export const SINK_BLOCKS = {
  /** Slack: announcements in threads, Approve/Reject buttons for mapped approvers. */
  slack: slackSchema.optional(),
  /** Microsoft Teams: announcements as Adaptive Cards through a Workflows or incoming-webhook URL. */
  teams: teamsSchema.optional(),
  /** Signed webhooks: announcements as JSON to any HTTPS endpoint, signed with HMAC-SHA256. */
  webhooks: webhooksSchema,
};

/** What each field of the chat sinks' blocks means, for the catalog reference (scripts/schemas/catalog-fields.ts). */
export const SINK_FIELD_MEANINGS: Readonly<Record<string, string>> = {
  'notifications.slack': 'Post to Slack, with Approve/Reject buttons on approval requests.',
  'notifications.slack.secretName':
    'A Secrets Manager secret you create: JSON `{ "botToken": "xoxb-…", "signingSecret": "…" }` (docs/deploy.md).',
  'notifications.slack.channel': 'The Slack channel, e.g. `#golden-images`.',
  'notifications.slack.approvers':
    'Approver name → Slack user id: only these users’ button presses count, and only on channels naming them.',
  'notifications.teams':
    'Post every announcement to a Microsoft Teams channel as an Adaptive Card (no buttons, no links: nobody decides through Teams).',
  'notifications.teams.secretName':
    'A Secrets Manager secret you create: JSON `{ "webhookUrl": "https://…" }`, the channel’s Workflows or incoming-webhook URL (docs/notifications-sinks.md).',
  'notifications.webhooks':
    'Signed webhooks: every announcement POSTed as JSON to each HTTPS endpoint, signed with HMAC-SHA256 (at most 10; docs/notifications-sinks.md says how to verify).',
  'notifications.webhooks[].name':
    'The endpoint’s name in the ledger, logs and metrics: 1–32 of a-z, 0-9 and `-`, unique.',
  'notifications.webhooks[].url': 'The endpoint, `https://`, no credentials before the host.',
  'notifications.webhooks[].secretName':
    'A Secrets Manager secret you create: JSON `{ "signingSecret": "…" }`, at least 32 characters, the HMAC key.',
};
