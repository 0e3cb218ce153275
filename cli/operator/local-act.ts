import { dirname } from 'node:path';
import type { SimulationResult } from '../../local/simulator/index.js';
import { UsageError } from '../usage.js';
import type { Answer } from './answer.js';
import type { Where } from './options.js';
import { readCloud, tellReplaying } from './saved-cloud-file.js';
import { changedWhileRunning, journaled, replayProblems, saveActed, stateDigest } from './saved-state.js';

type Local = Extract<Where, { kind: 'local' }>;

/** One operator request on a saved local cloud, named `id` in its record, sent as `principal`. */
export interface LocalRequest {
  request: Record<string, unknown>;
  principal: string;
  id: string;
  /** The digest of `state.json` the command started from: the result is saved only if it is still the one. */
  digest: string;
}

/**
 * Acts on a saved local cloud: opens its saved state when it has one (nothing replayed), else replays it, saying
 * once why. The result is saved only when the endpoint carried the request out (a refusal changes nothing).
 */
export async function actOnLocal(where: Local, r: LocalRequest): Promise<Answer> {
  // Saved over since this command read it (another command, a `--resume`, a server): its cloud file may be gone,
  // and acting on what was read would be lost at the save anyway.
  if ((await stateDigest(where.dir)) !== r.digest) throw changedWhileRunning(where.dir);
  const ref = where.state.cloud;
  if (ref && 'file' in ref) return actOnSnapshot(where, r, ref);
  tellReplaying(ref?.replay ?? `${where.dir} holds no saved cloud state`);
  return actByReplay(where, r);
}

/** Opens the saved cloud in a fresh one and sends the request at the saved instant, as a replay would have. */
export async function actOnSnapshot(
  where: Local,
  r: LocalRequest,
  ref: { file: string; sha256: string },
): Promise<Answer> {
  const { state } = where;
  const saved = await readCloud(where.dir, ref, state.savedAt);
  const { scenarioSchema } = await import('../../local/simulator/scenario.js');
  const { openSession } = await import('../../local/simulator/session.js');
  const raw = journaled(state, r.request, r.principal, r.id);
  const session = await openSession(where.catalog, scenarioSchema.parse(raw), dirname(state.catalogFile), saved);
  try {
    const { exchange, snapshot, operator } = await session.act(r.request, r.principal, r.id);
    if (!exchange) throw new Error('the operator request was never answered');
    if (exchange.response.ok) {
      await saveActed(where.dir, state, raw, { snapshot, operator, saved: await session.save() }, r.digest);
    }
    return { status: exchange.status, response: exchange.response };
  } finally {
    await session.stop();
  }
}

/**
 * Replays the saved cloud to where it stopped with the request journaled at that instant, so the operator endpoint
 * runs in process as the principal against exactly the saved state.
 */
export async function actByReplay(where: Local, r: LocalRequest): Promise<Answer> {
  const { state } = where;
  const { scenarioSchema } = await import('../../local/simulator/scenario.js');
  const { simulate } = await import('../../local/simulator/index.js');
  const raw = journaled(state, r.request, r.principal, r.id);
  const result: SimulationResult = await simulate(
    where.catalog,
    scenarioSchema.parse(raw),
    dirname(state.catalogFile),
    {
      snapshot: true,
      answerOperatorRequests: true,
      save: true,
    },
  );
  const problems = result.snapshot ? replayProblems(state.snapshot, result.snapshot) : ['no snapshot'];
  if (problems.length > 0) throw new UsageError(`the saved cloud in ${where.dir} could not be rebuilt: ${problems[0]}`);
  const exchange = result.operator?.find((e) => e.id === r.id);
  if (!exchange) throw new Error('the operator request was never answered');
  if (exchange.response.ok) await saveActed(where.dir, state, raw, result, r.digest);
  return { status: exchange.status, response: exchange.response };
}
