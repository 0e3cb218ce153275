import type { OperatorRequestOf } from '../events/operator-request.js';
import { operatorDoor } from './operator/endpoint.js';
import { revoke } from './operator/lifecycle-actions.js';
import { cancelScheduledRevocation } from './operator/scheduled-revoke.js';
import { taskHandler } from './promotion/lambda.js';

/**
 * The operator endpoint's revocation door (function URL, `AWS_IAM` auth; functions/operator/endpoint.ts): revoke
 * (now, through the lifecycle's own revokeVersion, or scheduled for later) and cancel-revocation (a scheduled one).
 */
async function act(
  request: OperatorRequestOf<'revoke' | 'cancel-revocation'>,
  _actor: string,
  caller: string,
  _id: string,
  at: Date,
) {
  return request.action === 'revoke' ? revoke(request, caller, at) : cancelScheduledRevocation(request, caller, at);
}

export const operatorRevokeEndpoint = operatorDoor<'revoke' | 'cancel-revocation'>('operator-revoke', act);

export const handler = taskHandler('operator-revoke', operatorRevokeEndpoint);
