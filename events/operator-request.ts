import * as z from 'zod';
import { catalogName, imageVersion, isoTime } from './envelope.js';
import { formatIssues } from './issues.js';

/**
 * The operator endpoint's request and response (functions/operator.ts behind a function URL with `AWS_IAM` auth).
 *
 * The CLI signs `POST /` with SigV4 for service `lambda` in the stack's Region; the body is JSON. The caller's
 * identity is never in the body: the function reads the ARN AWS puts in `requestContext.authorizer.iam.userArn`.
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html (request payload, `authorizer.iam`)
 *
 * Where it is: the `Trust` stack's output `OperatorUrl`, and for the actions `OPERATOR_DOORS` sends elsewhere
 * `OperatorRevokeUrl` / `OperatorRollbackUrl`. Who may call it: principals allowed to assume the
 * stack's operators' role (output `OperatorsRoleArn`); approve/reject also need the caller's ARN among that
 * channel's approvers in the catalog.
 */
export const OPERATOR_URL_OUTPUT = 'OperatorUrl';
export const OPERATORS_ROLE_OUTPUT = 'OperatorsRoleArn';

export const OPERATOR_ACTIONS = [
  'build',
  'approve',
  'reject',
  'promote',
  'promote-through-gates',
  'rollback',
  'revoke',
  'cancel-revocation',
  'restore',
  'resume',
  'resume-builds',
  'release',
  'rollout-pause',
  'rollout-resume',
  'rollout-abort',
  'rollout-retry',
  'rotate-signing-key',
] as const;
export type OperatorAction = (typeof OPERATOR_ACTIONS)[number];

/**
 * The operator endpoint is three functions, each behind its own function URL, split by what their code needs (the
 * revocation's and the rollback's EC2, RAM, SSM and Organizations paths would not fit one function's bundle with the
 * rest): `operator` takes every action but those the other two name. The CLI sends each action to its door's URL.
 */
export const OPERATOR_DOORS = {
  operator: { output: OPERATOR_URL_OUTPUT, actions: [] as readonly OperatorAction[] },
  'operator-revoke': { output: 'OperatorRevokeUrl', actions: ['revoke', 'cancel-revocation'] },
  'operator-rollback': { output: 'OperatorRollbackUrl', actions: ['rollback', 'restore'] },
} as const satisfies Record<string, { output: string; actions: readonly OperatorAction[] }>;
export type OperatorDoor = keyof typeof OPERATOR_DOORS;

/** The door (function) that carries out `action`. */
export function operatorDoorOf(action: OperatorAction): OperatorDoor {
  for (const door of ['operator-revoke', 'operator-rollback'] as const) {
    if ((OPERATOR_DOORS[door].actions as readonly OperatorAction[]).includes(action)) return door;
  }
  return 'operator';
}

const reason = z.string().trim().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters');

/** `build IMAGE [--reason R]`: a manual build through start-builds' decision path (trigger `manual`). */
const buildRequest = z.strictObject({ action: z.literal('build'), image: catalogName, reason: reason.optional() });

/**
 * `approve|reject IMAGE CHANNEL [--version V] [--reason R]`: answers the pending approval of that image and channel
 * (the one for `version` when given; refused when several are pending and no version picks one).
 */
const approveRequest = z.strictObject({
  action: z.literal('approve'),
  image: catalogName,
  channel: catalogName,
  version: imageVersion.optional(),
  reason: reason.optional(),
});
/** A rejection is announced to the people who asked and kept in the history: it says why (`--reason R`). */
const rejectRequest = approveRequest.extend({ action: z.literal('reject'), reason });

/** `promote IMAGE CHANNEL [--version V]`: ends that channel's soak early; every gate still applies. */
const promoteRequest = z.strictObject({
  action: z.literal('promote'),
  image: catalogName,
  channel: catalogName,
  version: imageVersion.optional(),
  reason: reason.optional(),
});

/**
 * `promote IMAGE VERSION --through-gates --reason R`: a restored version starts a new promotion attempt from the first
 * channel, through every channel's gates again (tests and findings against policy, approval, soak); refused while it
 * is revoked, when it was never revoked, while an attempt of it runs, or while a rollout of it still moves groups.
 */
const promoteThroughGatesRequest = z.strictObject({
  action: z.literal('promote-through-gates'),
  image: catalogName,
  version: imageVersion,
  reason,
});

/**
 * `rollback IMAGE CHANNEL [--version V --reason R]`: the pointer goes to V, older or newer (default: the newest
 * unrevoked earlier one). A `version` without a `reason` is refused by the endpoint (400), naming the field.
 */
const rollbackRequest = promoteRequest.extend({ action: z.literal('rollback') });

/**
 * `revoke IMAGE VERSION --reason R [--at T] [--withdraw]`: withdraw a version everywhere, now or at `at`. One that
 * would leave a channel's pointer empty (no earlier launchable version promoted there; for `at`, were it carried out
 * now) is refused (409, naming the channels) unless `withdraw` says so.
 */
const revokeRequest = z.strictObject({
  action: z.literal('revoke'),
  image: catalogName,
  version: imageVersion,
  reason,
  at: isoTime.optional(),
  withdraw: z.literal(true).optional(),
});

/**
 * `revoke IMAGE VERSION --cancel [--reason R]`: cancels a revocation asked for a later time (`--at`) before it is due;
 * the version stays where it is promoted.
 */
const cancelRevocationRequest = z.strictObject({
  action: z.literal('cancel-revocation'),
  image: catalogName,
  version: imageVersion,
  reason: reason.optional(),
});

/**
 * `resume IMAGE VERSION [--reason R]`: starts a promotion a transient error paused at the end of its retry horizon
 * again from the channel where it stopped (what the reconciler does by itself, up to three times).
 */
const resumeRequest = z.strictObject({
  action: z.literal('resume'),
  image: catalogName,
  version: imageVersion,
  reason: reason.optional(),
});

/**
 * `resume IMAGE --builds [--reason R]`: lets triggers build an image again after its build circuit breaker paused its
 * builds (its last `resilience.pauseBuildsAfterFailures` builds failed in a row); refused when they are not paused.
 */
const resumeBuildsRequest = z.strictObject({
  action: z.literal('resume-builds'),
  image: catalogName,
  reason: reason.optional(),
});

/**
 * `restore IMAGE VERSION --reason R`: a revoked version is no longer revoked, launchable again by the channels it was
 * promoted to; no channel pointer moves back to it.
 */
const restoreRequest = z.strictObject({
  action: z.literal('restore'),
  image: catalogName,
  version: imageVersion,
  reason,
});

/**
 * `lifecycle release IMAGE VERSION --reason R`: lets the next lifecycle sweep delete a version retention holds only
 * because member accounts still use it (its hold, `retention.holdInUseFor`, announced as `hold-expired`).
 */
const releaseRequest = z.strictObject({
  action: z.literal('release'),
  image: catalogName,
  version: imageVersion,
  reason,
});

/**
 * `rollout pause|resume|abort IMAGE CHANNEL [--version V] [--reason R]`: pauses a running rollout of the channel (no
 * new wave starts; refreshes already running go on), resumes a paused one, or aborts one running or paused (its
 * refreshes still running are cancelled). Without `version`, the channel's current rollout (the newest not ended).
 * Pausing and aborting say why.
 */
const rolloutPauseRequest = z.strictObject({
  action: z.literal('rollout-pause'),
  image: catalogName,
  channel: catalogName,
  version: imageVersion.optional(),
  reason,
});
const rolloutResumeRequest = rolloutPauseRequest.extend({
  action: z.literal('rollout-resume'),
  reason: reason.optional(),
});
const rolloutAbortRequest = rolloutPauseRequest.extend({ action: z.literal('rollout-abort') });
/** `rollout retry IMAGE CHANNEL [--version V] [--reason R]`: a halted rollout goes on from the wave that halted. */
const rolloutRetryRequest = rolloutPauseRequest.extend({
  action: z.literal('rollout-retry'),
  reason: reason.optional(),
});

/**
 * `rotate-signing-key [--reason R]`: a new value for each of the stage's signing keys (the approval links' key and
 * the decision-proof key); the value each had stays accepted as the previous version until what it signed expires.
 */
const rotateSigningKeyRequest = z.strictObject({ action: z.literal('rotate-signing-key'), reason: reason.optional() });

export const operatorRequestSchema = z.discriminatedUnion('action', [
  buildRequest,
  approveRequest,
  rejectRequest,
  promoteRequest,
  promoteThroughGatesRequest,
  rollbackRequest,
  revokeRequest,
  cancelRevocationRequest,
  restoreRequest,
  resumeRequest,
  resumeBuildsRequest,
  releaseRequest,
  rolloutPauseRequest,
  rolloutResumeRequest,
  rolloutAbortRequest,
  rolloutRetryRequest,
  rotateSigningKeyRequest,
]);

export type OperatorRequest = z.infer<typeof operatorRequestSchema>;
export type OperatorRequestOf<A extends OperatorAction> = Extract<OperatorRequest, { action: A }>;

/** 200: the action was carried out (or had already been: every action is idempotent). */
export const operatorSuccessSchema = z.strictObject({
  ok: z.literal(true),
  action: z.enum(OPERATOR_ACTIONS),
  /** What was done, in the action's terms (e.g. `{ image, version, channel, decision }`). */
  result: z.record(z.string(), z.unknown()),
});

/**
 * 4xx (400 malformed, 403 not allowed, 404 nothing to act on, 409 state forbids it, 421 sent to another door's URL,
 * 501 not available yet).
 */
export const operatorRefusalSchema = z.strictObject({
  ok: z.literal(false),
  /** One line naming what is wrong; nothing was changed. */
  error: z.string().min(1),
});

export const operatorResponseSchema = z.discriminatedUnion('ok', [operatorSuccessSchema, operatorRefusalSchema]);

export type OperatorSuccess = z.infer<typeof operatorSuccessSchema>;
export type OperatorRefusal = z.infer<typeof operatorRefusalSchema>;
export type OperatorResponse = z.infer<typeof operatorResponseSchema>;

/** Parses a request body (already JSON-decoded); a refusal reason names each field at fault. */
export function parseOperatorRequest(body: unknown): { ok: true; request: OperatorRequest } | OperatorRefusal {
  const result = operatorRequestSchema.safeParse(body);
  return result.success ? { ok: true, request: result.data } : { ok: false, error: formatIssues(result.error) };
}
