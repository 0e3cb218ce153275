import type { Catalog } from '../../core/config/schema.js';
import { iamRefusalText } from '../../core/trust/refusal-text.js';
import type { SimulationResult } from '../../local/simulator/index.js';
import type { OperatorExchange } from '../../local/simulator/operator.js';
import { defaultOperator, principalOf } from '../../local/trust/operator-signer.js';
import { UsageError } from '../usage.js';
import type { Where } from './options.js';
import { journaled, nextRequestId, replayProblems, saveActed, stateDigest } from './saved-state.js';
import { sendToServer } from './served.js';

/** What the endpoint answered, whichever way it was reached. */
export interface Answer {
  status: number;
  response: OperatorExchange['response'];
}

/** The Trust stack's name as SST deploys it (`<stage>-<app>-Trust`), whose output `OperatorUrl` is the endpoint. */
const trustStackName = (stage: string) => `${stage}-goldsmith-Trust`;

async function sendToStage(
  where: Extract<Where, { kind: 'stage' }>,
  request: Record<string, unknown>,
): Promise<Answer> {
  const { sendSignedOperatorRequest, stackOutput } = await import('../../aws/operator-endpoint.js');
  const url = where.url ?? (await stackOutput(trustStackName(where.stage), 'OperatorUrl', where.region));
  if (!url) {
    throw new UsageError(
      `stage ${where.stage} has no operator endpoint (no OperatorUrl output on ${trustStackName(where.stage)}); pass --url`,
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
 * Acts on a saved local cloud: replays it to where it stopped with the request journaled at that instant, so the
 * operator endpoint runs in process as `principal` against exactly the saved state; saves the result only when the
 * endpoint carried the request out (a refusal changes nothing).
 */
async function sendToLocal(
  where: Extract<Where, { kind: 'local' }>,
  request: Record<string, unknown>,
  principal: string,
): Promise<Answer> {
  const { state } = where;
  const { scenarioSchema } = await import('../../local/simulator/scenario.js');
  const { simulate } = await import('../../local/simulator/index.js');
  // The request's own name in the run's record (several requests journaled at one instant finish in whatever order
  // their work takes).
  const id = nextRequestId(state);
  // A server keeping this saved cloud running (`goldsmith serve`) answers without a replay, when its cloud is at
  // exactly the saved state; otherwise the command replays.
  const digest = await stateDigest(where.dir);
  const served = await sendToServer(where.dir, { digest, request, principal, id });
  if (served?.served) return { status: served.status, response: served.response };
  const raw = journaled(state, request, principal, id);
  const scenario = scenarioSchema.parse(raw);
  const { dirname } = await import('node:path');
  const result: SimulationResult = await simulate(where.catalog, scenario, dirname(state.catalogFile), {
    snapshot: true,
    answerOperatorRequests: true,
  });
  const problems = result.snapshot ? replayProblems(state.snapshot, result.snapshot) : ['no snapshot'];
  if (problems.length > 0) throw new UsageError(`the saved cloud in ${where.dir} could not be rebuilt: ${problems[0]}`);
  const exchange = result.operator?.find((e) => e.id === id);
  if (!exchange) throw new Error('the operator request was never answered');
  if (exchange.response.ok) await saveActed(where.dir, state, raw, result, digest);
  return { status: exchange.status, response: exchange.response };
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
