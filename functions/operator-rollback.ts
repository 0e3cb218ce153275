import type { OperatorRequestOf } from '../events/operator-request.js';
import { operatorDoor } from './operator/endpoint.js';
import { rollback } from './operator/lifecycle-actions.js';
import { restore } from './operator/restore.js';
import { taskHandler } from './promotion/lambda.js';

/**
 * The operator endpoint's rollback door (function URL, `AWS_IAM` auth; functions/operator/endpoint.ts): rollback (a
 * channel's pointer moved through the lifecycle's rollbackChannel) and restore (a revoked version given back).
 */
async function act(
  request: OperatorRequestOf<'rollback' | 'restore'>,
  _actor: string,
  caller: string,
  _id: string,
  at: Date,
) {
  return request.action === 'rollback' ? rollback(request, caller, at) : restore(request, caller, at);
}

export const operatorRollbackEndpoint = operatorDoor<'rollback' | 'restore'>('operator-rollback', act);

export const handler = taskHandler('operator-rollback', operatorRollbackEndpoint);
