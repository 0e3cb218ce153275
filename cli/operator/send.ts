import type { Catalog } from '../../core/config/schema.js';
import { iamRefusalText } from '../../core/trust/refusal-text.js';
import { OPERATOR_ACTIONS, OPERATOR_DOORS, operatorDoorOf } from '../../events/operator-request.js';
import { defaultOperator, principalOf } from '../../local/trust/operator-signer.js';
import { UsageError } from '../usage.js';
import type { Answer } from './answer.js';
import type { Where } from './options.js';
import { digestOf, nextRequestId } from './saved-state.js';
import { sendToServer } from './served.js';

export type { Answer } from './answer.js';

/**
 * The Trust stack's name as SST deploys it (`<stage>-<app>-Trust`), whose outputs name the endpoint's doors
 * (`OperatorUrl`, and for their actions `OperatorRevokeUrl`, `OperatorRollbackUrl`: events/operator-request.ts).
 */
const trustStackName = (stage: string) => `${stage}-goldsmith-Trust`;

/** The Trust stack's output holding the URL of the door that carries out `request`'s action. */
export function operatorUrlOutput(request: Record<string, unknown>): string {
  const known = OPERATOR_ACTIONS.find((a) => a === request.action);
  return OPERATOR_DOORS[known === undefined ? 'operator' : operatorDoorOf(known)].output;
}

async function sendToStage(
  where: Extract<Where, { kind: 'stage' }>,
  request: Record<string, unknown>,
): Promise<Answer> {
  const { sendSignedOperatorRequest, stackOutput } = await import('../../aws/trust/operator-endpoint.js');
  const output = operatorUrlOutput(request);
  const url = where.url ?? (await stackOutput(trustStackName(where.stage), output, where.region));
  if (!url) {
    throw new UsageError(
      `stage ${where.stage} has no operator endpoint for ${String(request.action)} (no ${output} output on ${trustStackName(where.stage)}): deploy this version (npx sst deploy --stage ${where.stage}), or pass --url`,
    );
  }
  const { status, text } = await sendSignedOperatorRequest(url, where.region, JSON.stringify(request));
  try {
    const response = JSON.parse(text) as Answer['response'] & { Message?: unknown };
    // IAM's own refusal comes before the function runs (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html):
    // a 403 that is not the function's answer (no `ok`).
    if (typeof response.ok !== 'boolean' && status === 403) {
      return { status, response: { ok: false, error: iamRefusalText(undefined) } };
    }
    return { status, response };
  } catch {
    return { status, response: { ok: false, error: `the endpoint answered ${status}: ${text.slice(0, 200)}` } };
  }
}

/**
 * Acts on a saved local cloud (local-act.ts): a server keeping it running (`goldsmith serve`) answers when its cloud
 * is at exactly the saved state; otherwise the command opens the saved cloud (or replays it).
 */
async function sendToLocal(
  where: Extract<Where, { kind: 'local' }>,
  request: Record<string, unknown>,
  principal: string,
): Promise<Answer> {
  // The request's own name in the run's record (several requests journaled at one instant finish in whatever order
  // their work takes).
  const id = nextRequestId(where.state);
  const digest = digestOf(where.state);
  const served = await sendToServer(where.dir, { digest, request, principal, id });
  if (served?.served) return { status: served.status, response: served.response };
  if (served && 'unknown' in served) {
    throw new UsageError(
      `the server of ${where.dir} (goldsmith serve) took this request and stopped before it answered: it may have carried it out and saved it. Look at "goldsmith history IMAGE --local ${where.dir}" before sending it again`,
    );
  }
  const { actOnLocal } = await import('./local-act.js');
  return actOnLocal(where, { request, principal, id, digest });
}

/** Sends one operator request to where the command points. */
export async function sendOperatorRequest(
  where: Where,
  request: Record<string, unknown>,
  principal: string | undefined,
): Promise<Answer> {
  if (where.kind === 'stage') return sendToStage(where, request);
  return sendToLocal(where, request, localPrincipal(where.catalog, principal));
}

/** The principal `--as` names on a local cloud (default: the catalog's first operator); a usage error when none. */
export function localPrincipal(catalog: Catalog, as: string | undefined): string {
  try {
    return as === undefined ? defaultOperator(catalog) : principalOf(catalog, as);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
