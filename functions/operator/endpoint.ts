import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { authorizeOperatorRequest } from '../../core/trust/operator-access.js';
import {
  OPERATOR_DOORS,
  type OperatorAction,
  type OperatorDoor,
  type OperatorRequest,
  type OperatorResponse,
  operatorDoorOf,
  parseOperatorRequest,
} from '../../events/operator-request.js';
import { bundledCatalog } from '../lib/catalog.js';
import { logger } from '../lib/powertools.js';
import { Refusal } from './refusal.js';

/**
 * What the operator endpoint's functions share (functions/operator.ts, operator-revoke.ts, operator-rollback.ts):
 * each sits behind its own function URL (`AWS_IAM` auth) and carries out the actions of its door
 * (events/operator-request.ts `OPERATOR_DOORS`). The caller is the ARN AWS authenticated and put in
 * `requestContext.authorizer.iam.userArn` (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html), never
 * anything in the body. A refused action changes nothing and answers why.
 */

/** The parts of a function URL request this endpoint reads. */
export interface OperatorUrlEvent {
  body?: string | undefined;
  isBase64Encoded?: boolean | undefined;
  requestContext?: {
    requestId?: string | undefined;
    http?: { method?: string | undefined } | undefined;
    authorizer?: { iam?: { userArn?: string | undefined } | undefined } | undefined;
  };
}

/** One door's actions: the request (parsed and authorized), who acts, the caller AWS authenticated. */
export type OperatorActor<A extends OperatorAction> = (
  request: Extract<OperatorRequest, { action: A }>,
  actor: string,
  caller: string,
  requestId: string,
  at: Date,
) => Promise<unknown>;

function reply(status: number, body: OperatorResponse): APIGatewayProxyStructuredResultV2 {
  return { statusCode: status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function decodeBody(event: OperatorUrlEvent): unknown {
  const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  try {
    return JSON.parse(text);
  } catch {
    throw new Refusal(400, 'body: must be a JSON object');
  }
}

function operatorsRoleArn(): string {
  const arn = process.env.OPERATORS_ROLE_ARN;
  if (!arn) throw new Error('OPERATORS_ROLE_ARN is not set');
  return arn;
}

/** An action sent to another door's URL: refused before anything is read, naming the output that has the right one. */
function wrongDoorText(action: OperatorAction, door: OperatorDoor): string {
  const right = operatorDoorOf(action);
  return `action: ${action} is not carried out by the ${door} endpoint; send it to the URL in the Trust stack's output ${OPERATOR_DOORS[right].output} (goldsmith ${action} --stage STAGE picks it)`;
}

/** The function URL handler of one door: authenticates (request context), parses, authorizes, then acts. */
export function operatorDoor<A extends OperatorAction>(door: OperatorDoor, act: OperatorActor<A>) {
  const mine = (request: OperatorRequest): request is Extract<OperatorRequest, { action: A }> =>
    operatorDoorOf(request.action) === door;
  return async (event: OperatorUrlEvent): Promise<APIGatewayProxyStructuredResultV2> => {
    const caller = event.requestContext?.authorizer?.iam?.userArn;
    const at = new Date();
    try {
      // AWS_IAM auth refuses unsigned requests before we run; this guards against the URL's auth ever being relaxed.
      if (!caller) throw new Refusal(403, 'unsigned request: sign it with SigV4 (service lambda)');
      if ((event.requestContext?.http?.method ?? 'POST') !== 'POST') throw new Refusal(405, 'method: use POST');
      const parsed = parseOperatorRequest(decodeBody(event));
      if (!parsed.ok) throw new Refusal(400, parsed.error);
      const { request } = parsed;
      if (!mine(request)) throw new Refusal(421, wrongDoorText(request.action, door));
      const allowed = authorizeOperatorRequest(bundledCatalog(), request, caller, operatorsRoleArn());
      if (!allowed.ok) throw new Refusal(allowed.status, allowed.error);
      const requestId = event.requestContext?.requestId ?? `${caller}@${at.toISOString()}`;
      const result = await act(request, allowed.actor, caller, requestId, at);
      logger.info('operator action', { action: request.action, caller, actor: allowed.actor });
      return reply(200, { ok: true, action: request.action, result: result as Record<string, unknown> });
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      logger.warn('operator action refused', { caller, status: error.status, reason: error.message });
      return reply(error.status, { ok: false, error: error.message });
    }
  };
}
