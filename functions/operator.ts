import { readBreaker } from '../aws/builds/build-breaker.js';
import { getRevocation } from '../aws/lifecycle/promotion-findings.js';
import { type ApprovalRecord, pendingApprovals } from '../aws/promotion/promotion-approvals.js';
import { getOutcome } from '../aws/promotion/promotion-ledger.js';
import { buildsPausedText, nothingWaitingText } from '../core/promotion/operator-refusals.js';
import { approvalWaits } from '../core/status/image-view.js';
import type { ManualChange } from '../core/triggers/change.js';
import type { OperatorAction, OperatorRequestOf } from '../events/operator-request.js';
import { answerApproval } from './lib/approval-decision.js';
import { bundledCatalog } from './lib/catalog.js';
import { operatorDoor } from './operator/endpoint.js';
import { promote } from './operator/lifecycle-actions.js';
import { promoteThroughGates } from './operator/promote-through-gates.js';
import { Refusal } from './operator/refusal.js';
import { release } from './operator/release.js';
import { resume } from './operator/resume.js';
import { resumeBuilds } from './operator/resume-builds.js';
import { rolloutAction } from './operator/rollout.js';
import { rolloutRetry } from './operator/rollout-retry.js';
import { rotateSigningKey } from './operator/rotate-signing-key.js';
import { taskHandler } from './promotion/lambda.js';
import { startBuildsForChange } from './start-builds.js';

/**
 * The operator endpoint's front door (function URL, `AWS_IAM` auth; functions/operator/endpoint.ts): build, approve,
 * reject, promote (or a restored version through its gates again), resume (a paused promotion, or an image's paused
 * builds), release (a version held for its users), rollout pause|resume|abort|retry (a channel's rollout of a
 * version), rotate-signing-key. Revoke and cancel-revocation are operator-revoke.ts's, rollback and restore
 * operator-rollback.ts's. Each action goes through the path the system itself uses.
 */

async function build(request: OperatorRequestOf<'build'>, caller: string, requestId: string, at: Date) {
  // An image whose builds are paused builds nothing: say so and change nothing (resume it first).
  const paused = buildsPausedText(request.image, await readBreaker(request.image));
  if (paused) throw new Refusal(409, paused);
  const change: ManualChange = {
    kind: 'manual',
    image: request.image,
    requestId,
    requestedBy: caller,
    requestedAt: at.toISOString(),
  };
  const decisions = await startBuildsForChange(bundledCatalog(), change, at);
  return { image: request.image, requestedBy: caller, reason: request.reason, decisions };
}

/** Whether an undecided approval still waits, by the rule `status` shows it with (core/status/image-view.ts). */
async function stillWaiting(a: ApprovalRecord, at: Date): Promise<boolean> {
  if (!approvalWaits(a, { decided: false, revoked: false }, at.getTime())) return false;
  const [outcome, revocation] = await Promise.all([
    getOutcome(a.image, a.version, a.channel),
    getRevocation(a.image, a.version),
  ]);
  // A restored version is not revoked (its approvals ended with the revocation, recorded decided).
  const revoked = revocation !== undefined && revocation.state !== 'restored';
  return approvalWaits(a, { decided: outcome !== undefined, revoked }, at.getTime());
}

/** The one pending approval the request names: by version, or the only one waiting in that channel. */
async function approvalFor(request: OperatorRequestOf<'approve' | 'reject'>, at: Date): Promise<ApprovalRecord> {
  const named = (await pendingApprovals(request.image, request.channel)).filter(
    (a) => request.version === undefined || a.version === request.version,
  );
  const waiting = await Promise.all(named.map((a) => stillWaiting(a, at)));
  const pending = named.filter((_, i) => waiting[i]);
  const [only] = pending;
  if (only === undefined) {
    throw new Refusal(404, nothingWaitingText(request.image, request.version, request.channel));
  }
  if (pending.length > 1) {
    const versions = pending.map((a) => a.version).join(', ');
    throw new Refusal(409, `several versions of ${request.image} wait in ${request.channel} (${versions}): name one`);
  }
  return only;
}

async function decide(request: OperatorRequestOf<'approve' | 'reject'>, approver: string, caller: string, at: Date) {
  const approval = await approvalFor(request, at);
  // Recorded as given through the operator endpoint, with the approver's reason (a rejection's reaches the outcome).
  const answer = await answerApproval(approval, request.action, approver, at.toISOString(), 'operator', {
    reason: request.reason,
  });
  if (!answer.ok) throw new Refusal(answer.status, answer.reason);
  return {
    image: approval.image,
    version: approval.version,
    channel: approval.channel,
    by: approver,
    principal: caller,
    via: 'operator',
    ...(request.reason ? { reason: request.reason } : {}),
    // False while Step Functions is unavailable: recorded, and delivered by the reconciler.
    delivered: answer.delivered,
    // Built on a revoked parent: the approval is recorded but stopped the promotion instead of promoting it.
    ...(answer.held ? { held: answer.held } : {}),
  };
}

async function act(
  request: OperatorRequestOf<FrontAction>,
  actor: string,
  caller: string,
  requestId: string,
  at: Date,
): Promise<unknown> {
  switch (request.action) {
    case 'build':
      return build(request, caller, requestId, at);
    case 'approve':
    case 'reject':
      return decide(request, actor, caller, at);
    case 'resume':
      return resume(request, caller, at);
    case 'resume-builds':
      return resumeBuilds(request, caller, at);
    case 'promote':
      return promote(request, caller, at);
    case 'promote-through-gates':
      return promoteThroughGates(request, caller, at);
    case 'release':
      return release(request, caller, at);
    case 'rollout-pause':
    case 'rollout-resume':
    case 'rollout-abort':
      return rolloutAction(request, caller, at);
    case 'rollout-retry':
      return rolloutRetry(request, caller, at);
    case 'rotate-signing-key':
      return rotateSigningKey(request, caller, requestId, at);
  }
}

/** The actions of the `operator` door: every one that the revoke and rollback doors do not take. */
type FrontAction = Exclude<OperatorAction, 'revoke' | 'cancel-revocation' | 'rollback' | 'restore'>;

export const operatorEndpoint = operatorDoor<FrontAction>('operator', act);

export const handler = taskHandler('operator', operatorEndpoint);
