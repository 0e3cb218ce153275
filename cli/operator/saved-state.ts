import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SimulationResult } from '../../local/simulator/index.js';
import type { OperatorExchange } from '../../local/simulator/operator.js';
import type { SavedCloud, Unsavable } from '../../local/simulator/saved-cloud.js';
import type { CloudSnapshot } from '../../local/simulator/snapshot.js';
import { CODE_ROOT } from '../../local/simulator/synth-key.js';
import { UsageError } from '../usage.js';
import { type CloudRef, pruneClouds, writeCloud } from './saved-cloud-file.js';
import { checkSavedCode, type SavedIdentity, savedCatalogFile } from './saved-identity.js';
import type { SavedUpgrade } from './saved-release.js';

/**
 * A saved local cloud (`simulate --save DIR`): the catalog file and the scenario that produced it, the virtual time
 * it stopped at, the operator requests applied since (journaled as scenario events at their instants), a snapshot of
 * its state for the read commands, and the cloud's whole state in a file beside it (saved-cloud-file.ts), which
 * `--resume` and acting commands open without replaying anything. A save that could not write the cloud down (a
 * pending item no part can re-create) says why in `cloud.replay`: those commands then rebuild the cloud by replaying
 * the scenario deterministically to `savedAt` and check the replay against the snapshot before going on.
 */
export interface SavedState {
  format: typeof STATE_FORMAT;
  /** The code and catalog it was saved by: a Goldsmith whose own differ refuses it (saved-identity.ts). */
  identity: SavedIdentity;
  /** The catalog file it ran: relative to the checkout when inside it (savedCatalogFile), so a save opens in any
   * checkout of the repository; read back absolute (readState). */
  catalogFile: string;
  /** The scenario as a JSON document (its `events` include the journaled operator requests). */
  scenario: Record<string, unknown> & { events?: unknown[] };
  savedAt: string;
  snapshot: CloudSnapshot;
  operator: OperatorExchange[];
  /** The cloud's state file, or why the save could not hold one (absent: none, the commands replay). */
  cloud?: CloudRef;
}

const FILE = 'state.json';
/** Bumped whenever what `state.json` holds changes shape. */
export const STATE_FORMAT = 3;

/** Writes `state` and, when given, the cloud's own state beside it (named in `state.cloud`). */
/**
 * The digest of the very bytes each state `readState` returned was parsed from: a command saves only if `state.json`
 * is still those bytes. Hashing the file again later would take a save made in between (by another command or a
 * `--resume`) for the one this command read, and overwrite it.
 */
const READ_DIGESTS = new WeakMap<SavedState, string>();

/** What opening each state `readState` returned takes: an upgrade from another release's code, or nothing. */
const UPGRADES = new WeakMap<SavedState, SavedUpgrade>();

/** The upgrade opening `state` takes (readState with `upgrading`), or undefined: the code that saved it is this. */
export const upgradeOf = (state: SavedState): SavedUpgrade | undefined => UPGRADES.get(state);

/** The digest of the bytes `state` was read from (readState). */
export function digestOf(state: SavedState): string {
  const digest = READ_DIGESTS.get(state);
  if (digest === undefined) throw new Error('this saved state was not read by readState');
  return digest;
}

/** Writes `state` (and the cloud beside it); returns the state as written, whose `digestOf` is its bytes' digest. */
export async function writeState(dir: string, state: SavedState, cloud?: SavedCloud | Unsavable): Promise<SavedState> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, FILE);
  const whole = cloud === undefined ? state : { ...state, cloud: await writeCloud(dir, cloud) };
  const text = `${JSON.stringify(whole, null, 1)}\n`;
  // Written whole, then renamed: a crash never leaves half a state behind.
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
  await pruneClouds(dir, whole.cloud);
  READ_DIGESTS.set(whole, createHash('sha256').update(text).digest('hex'));
  return whole;
}

/** The saved state's identity: the SHA-256 of `state.json` as written. */
export async function stateDigest(dir: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(join(dir, FILE)))
    .digest('hex');
}

/** Refusal of a command whose saved cloud was saved over by another since it read it. */
export const changedWhileRunning = (dir: string): UsageError =>
  new UsageError(
    `the saved cloud in ${dir} changed while this command ran (another command or a --resume saved first): nothing of this one was saved; run it again`,
  );

const LOCK = '.state.lock';
const LOCK_WAIT_MS = 100;
const LOCK_TRIES = 100;

/**
 * Saves `state` only if `state.json` is still the one the command started from (`expected`, its digest): two
 * commands on one saved cloud at once (or a command and a `--resume`) must not both report their work done while
 * the second save silently drops the first's. The check and the write hold `DIR/.state.lock` (created exclusively,
 * removed after), so no other save comes between them.
 */
export async function writeStateIfUnchanged(
  dir: string,
  state: SavedState,
  expected: string,
  cloud?: SavedCloud | Unsavable,
  beforeWrite?: () => Promise<void>,
): Promise<SavedState> {
  const lock = join(dir, LOCK);
  let held: Awaited<ReturnType<typeof open>> | undefined;
  for (let i = 0; i < LOCK_TRIES && !held; i++) {
    try {
      held = await open(lock, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      await new Promise((resolve) => setTimeout(resolve, LOCK_WAIT_MS));
    }
  }
  if (!held) {
    throw new UsageError(
      `${lock} has been held for ${(LOCK_TRIES * LOCK_WAIT_MS) / 1000} s: another command is saving, or one stopped while saving (remove the file if none runs). This command saved nothing; a command that stopped while saving may have saved its own work: look at "goldsmith history IMAGE --local ${dir}" before sending a request again`,
    );
  }
  try {
    if ((await stateDigest(dir)) !== expected) {
      throw changedWhileRunning(dir);
    }
    await beforeWrite?.();
    return await writeState(dir, state, cloud);
  } finally {
    await held.close();
    await rm(lock, { force: true });
  }
}

/**
 * Reads the saved cloud in `dir`. One saved by other code is refused, or, with `upgrading` (simulate --resume), read
 * for an upgrade when it was saved by the previous release or this one (`upgradeOf`; saved-release.ts).
 */
export async function readState(dir: string, { upgrading = false } = {}): Promise<SavedState> {
  let raw: string;
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, FILE));
    raw = bytes.toString('utf8');
  } catch {
    if (!existsSync(dir)) throw new UsageError(`${dir} does not exist: give the directory a saved local cloud is in`);
    throw new UsageError(`${dir} holds no saved local cloud (${FILE}): run "goldsmith simulate --save ${dir}" first`);
  }
  let state: Partial<SavedState>;
  try {
    state = JSON.parse(raw) as Partial<SavedState>;
  } catch {
    throw new UsageError(
      `${join(dir, FILE)} is not a saved local cloud (not JSON): re-run "goldsmith simulate --save ${dir}"`,
    );
  }
  if (typeof state.format === 'number' && state.format < STATE_FORMAT) {
    throw new UsageError(
      `${dir} was saved by an older Goldsmith (format ${state.format}; this one reads format ${STATE_FORMAT}): re-run "goldsmith simulate --save ${dir}"`,
    );
  }
  if (state.format !== STATE_FORMAT || !state.snapshot || !state.savedAt || !state.identity) {
    throw new UsageError(
      `${join(dir, FILE)} is not a saved local cloud this Goldsmith reads (format ${STATE_FORMAT}): re-run "goldsmith simulate --save ${dir}"`,
    );
  }
  if (typeof state.catalogFile === 'string') state.catalogFile = resolve(CODE_ROOT, state.catalogFile);
  const upgrade = checkSavedCode(dir, state.identity, upgrading);
  if (upgrade) UPGRADES.set(state as SavedState, upgrade);
  READ_DIGESTS.set(state as SavedState, createHash('sha256').update(bytes).digest('hex'));
  return state as SavedState;
}

/** The name of the next operator request journaled on a saved cloud: its answer is found by it, never by position. */
export const nextRequestId = (state: SavedState): string => `cli-${(state.scenario.events ?? []).length + 1}`;

/** The saved scenario with an operator request journaled at the saved instant, as acting commands and `serve` run it. */
export function journaled(
  state: SavedState,
  request: Record<string, unknown>,
  principal: string,
  id: string,
): SavedState['scenario'] {
  const event = { at: state.savedAt, kind: 'operator', request, as: principal, id };
  return { ...state.scenario, until: state.savedAt, events: [...(state.scenario.events ?? []), event] };
}

/**
 * Saves what a journaled request did: the run went on until its work was done, so the saved cloud stops there.
 * Only if `state.json` is still the one the request started from (`expected`, its digest).
 */
export async function saveActed(
  dir: string,
  state: SavedState,
  journal: SavedState['scenario'],
  result: Pick<SimulationResult, 'snapshot' | 'operator' | 'saved'>,
  expected: string,
): Promise<SavedState> {
  const done = { ...journal, until: result.snapshot?.at ?? state.savedAt };
  const next = stateOf(state.catalogFile, state.identity, done, result, state.operator);
  return writeStateIfUnchanged(dir, next, expected, result.saved);
}

/** The state a finished run leaves: `result` must carry its snapshot. */
export function stateOf(
  catalogFile: string,
  identity: SavedIdentity,
  scenario: SavedState['scenario'],
  result: Pick<SimulationResult, 'snapshot' | 'operator'>,
  previous: OperatorExchange[] = [],
): SavedState {
  if (!result.snapshot) throw new Error('the run kept no snapshot');
  return {
    format: STATE_FORMAT,
    identity,
    catalogFile: savedCatalogFile(catalogFile),
    scenario,
    savedAt: result.snapshot.at,
    snapshot: result.snapshot,
    operator: [...previous, ...(result.operator ?? []).filter((e) => !previous.some((p) => sameExchange(p, e)))],
  };
}

const sameExchange = (a: OperatorExchange, b: OperatorExchange) =>
  a.id === b.id &&
  a.at === b.at &&
  a.principal === b.principal &&
  JSON.stringify(a.request) === JSON.stringify(b.request);

/**
 * Ledger items that mark decisions: a replay that lost one of them is not the saved cloud. Slack's own bookkeeping
 * (`SLACK` items, keyed by the ids Slack gives each post) is not a decision and differs from run to run. Channel
 * pointers (`CHANNEL#`) are state, not decisions: the action being replayed may withdraw one (revoke, rollback); the
 * promotions that set them are checked.
 */
function decisionKeys(snapshot: CloudSnapshot): Set<string> {
  return new Set(
    snapshot.ledger
      .filter((i) => String(i.pk) !== 'SLACK' && /^(BUILD|PROMOTION|APPROVAL)#/.test(String(i.sk)))
      .map((i) => `${String(i.pk)}|${String(i.sk)}`),
  );
}

/** Problems when `replayed` does not hold every decision `saved` recorded. */
export function replayProblems(saved: CloudSnapshot, replayed: CloudSnapshot): string[] {
  const now = decisionKeys(replayed);
  return [...decisionKeys(saved)].filter((k) => !now.has(k)).map((k) => `replay lost ${k}`);
}
