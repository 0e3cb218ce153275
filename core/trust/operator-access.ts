import type { OperatorRequest } from '../../events/operator-request.js';
import type { Catalog } from '../config/schema.js';
import { approverNamesFor, principalMatches } from './principals.js';
import { notAnApproverText, notAnOperatorText } from './refusal-text.js';

/** Who may do what through the operator endpoint: allowed (acting as `actor`), or refused with a status and why. */
export type OperatorDecision = { ok: true; actor: string } | { ok: false; status: 400 | 403 | 404; error: string };

const channelsOf = (catalog: Catalog, image: string): string[] =>
  catalog.images[image]?.channels ?? catalog.channels.map((c) => c.name);

/**
 * Authorizes one operator request for the caller AWS authenticated (`callerArn`, from the request context):
 * approve/reject only by that channel's approvers (catalog `access.approvers`, mapped from IAM principals); every
 * other action only by a session of Goldsmith's operators' role. The image and channel must exist in the catalog.
 */
export function authorizeOperatorRequest(
  catalog: Catalog,
  request: OperatorRequest,
  callerArn: string,
  operatorsRoleArn: string,
): OperatorDecision {
  if ('image' in request && !catalog.images[request.image]) {
    return { ok: false, status: 404, error: `unknown image "${request.image}"` };
  }
  if ('channel' in request) {
    if (!channelsOf(catalog, request.image).includes(request.channel)) {
      return { ok: false, status: 404, error: `image ${request.image} has no channel "${request.channel}"` };
    }
  }
  if (request.action === 'approve' || request.action === 'reject') {
    const names = approverNamesFor(catalog, request.channel, callerArn);
    const [name] = names;
    if (name === undefined) {
      const approvers = catalog.channels.find((c) => c.name === request.channel)?.approval?.approvers ?? [];
      return { ok: false, status: 403, error: notAnApproverText(callerArn, request.image, request.channel, approvers) };
    }
    return { ok: true, actor: name };
  }
  if (!principalMatches(operatorsRoleArn, callerArn)) {
    return { ok: false, status: 403, error: notAnOperatorText(request.action, callerArn) };
  }
  return { ok: true, actor: callerArn };
}
