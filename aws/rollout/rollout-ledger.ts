import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { imagePk, openWork, rolloutSk } from '../../core/ledger/keys.js';
import { storedWaves } from '../../core/rollout/group-chunks.js';
import {
  openRolloutStates,
  type RolloutRecord,
  type RolloutReplacement,
  type RolloutState,
  type TakenBack,
} from '../../core/rollout/record.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite, putItemOnce } from '../ledger/ledger-writes.js';
import { type OpenWork, type OpenWorkRequest, openItemsOf } from '../ledger/open-work.js';
import { readRolloutsUnder, withGroups, writeGroupChunks } from './rollout-chunks.js';

/**
 * The rollout records in the ledger (`IMAGE#<image>`, `ROLLOUT#<channel>#<version>`, core/rollout/record.ts). The
 * engine creates a record once and then writes only its progress, each write conditional on the state it read being
 * still open, so an operator's pause, resume or abort in between is never overwritten: the engine's write fails, and
 * its retry reads the new state.
 */

const keyOf = (image: string, channel: string, version: string) => ({
  pk: imagePk(image),
  sk: rolloutSk(channel, version),
});

/** Thrown when the record's state changed between the engine's read and its write; the step is retried. */
export class RolloutChangedError extends Error {
  constructor(image: string, channel: string, version: string) {
    super(`the rollout of ${image} ${version} to ${channel} changed while the engine acted on it; reading it again`);
    this.name = 'RolloutChangedError';
  }
}

/** The record with every wave's groups (read from its chunk items, aws/rollout/rollout-chunks.ts), or undefined. */
export async function readRollout(image: string, channel: string, version: string): Promise<RolloutRecord | undefined> {
  const { pk, sk } = keyOf(image, channel, version);
  const found = (await readRolloutsUnder(pk, sk)).find((r) => r.sk === sk);
  if (!found) return undefined;
  const { sk: _sk, ...record } = found;
  return record;
}

/** Creates the record once. @returns false when it already exists (a retried start). */
export async function createRollout(record: RolloutRecord): Promise<boolean> {
  const key = keyOf(record.image, record.channel, record.version);
  await writeGroupChunks(key.pk, key.sk, record);
  return putItemOnce({ ...key, kind: 'rollout', ...record, waves: storedWaves(record.waves) });
}

/**
 * Writes the engine's progress: waves, current wave, skipped groups, a superseded rollout's replacement, and (when
 * `state` is given) a transition to an ended state with its reason, closing the open work; a retry's intent
 * (`retrying`) is removed, its execution being the one writing. Conditional on the record's state being `expected`.
 * The waves' groups go to their chunk items first (those that differ from `before`, the record as read), the record
 * keeping their counts by status: the record moves on only once the ledger holds every group it counts.
 * @throws RolloutChangedError when the state is no longer `expected` (an operator acted meanwhile).
 */
export async function saveRollout(
  record: RolloutRecord,
  expected: RolloutState,
  end?: { state: Exclude<RolloutState, 'running' | 'paused'>; reason?: string },
  before?: RolloutRecord,
): Promise<void> {
  const key = keyOf(record.image, record.channel, record.version);
  await writeGroupChunks(key.pk, key.sk, record, before);
  const names: Record<string, string> = { '#state': 'state', '#waves': 'waves' };
  const values: Record<string, unknown> = {
    ':expected': expected,
    ':waves': storedWaves(record.waves),
    ':current': record.currentWave,
    ':skipped': record.skippedGroups,
    ':at': record.updatedAt,
  };
  let update = 'SET #waves = :waves, currentWave = :current, skippedGroups = :skipped, updatedAt = :at';
  if (record.replacement) {
    update += ', replacement = :replacement';
    values[':replacement'] = record.replacement;
  }
  if (end) {
    // A rollout ends once: a later write to an ended record (a superseded one's groups back) keeps when it ended.
    update += ', #state = :end, endedAt = if_not_exists(endedAt, :at)';
    values[':end'] = end.state;
    if (end.reason !== undefined) {
      update += ', reason = :reason';
      values[':reason'] = end.reason;
    }
  }
  // The engine writing is the retried execution running: a retry's intent to start it is done.
  update += end ? ' REMOVE openWork, retrying' : ' REMOVE retrying';
  const written = await conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: keyOf(record.image, record.channel, record.version),
        UpdateExpression: update,
        ConditionExpression: '#state = :expected',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    ),
  );
  if (!written) throw new RolloutChangedError(record.image, record.channel, record.version);
}

/**
 * Marks an open rollout superseded (its version was revoked): `running|paused` → `superseded` with the reason.
 * @returns false when it had already ended (or does not exist): nothing changed.
 */
export async function supersedeRollout(
  image: string,
  channel: string,
  version: string,
  reason: string,
  at: string,
): Promise<boolean> {
  const [first, second] = openRolloutStates;
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: keyOf(image, channel, version),
        UpdateExpression: 'SET #state = :superseded, reason = :reason, updatedAt = :at, endedAt = :at REMOVE openWork',
        ConditionExpression: '#state IN (:a, :b)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':superseded': 'superseded',
          ':reason': reason,
          ':at': at,
          ':a': first,
          ':b': second,
        },
      }),
    ),
  );
}

/**
 * Marks an ended rollout superseded (its version was revoked after it ended): `from` → `superseded` with the
 * revocation's reason, keeping how and when it had ended (`takenBack`); with `replacement` (settled: nothing to
 * refresh), where its groups go is decided at once; without, its take-back is open work (`rollout-take-back`) until the
 * execution records the groups back or the reconciler finds it stopped. Conditional on the state read and on no
 * earlier take-back.
 * @returns false when it changed meanwhile or was taken back before: nothing changed.
 */
export async function supersedeEndedRollout(
  record: RolloutRecord,
  takenBack: TakenBack,
  reason: string,
  replacement?: RolloutReplacement,
): Promise<boolean> {
  const values: Record<string, unknown> = {
    ':superseded': 'superseded',
    ':reason': reason,
    ':at': takenBack.at,
    ':was': takenBack.from,
    ':takenBack': takenBack,
  };
  let update = 'SET #state = :superseded, reason = :reason, updatedAt = :at, takenBack = :takenBack';
  if (replacement) {
    update += ', replacement = :replacement';
    values[':replacement'] = replacement;
  } else {
    update += ', openWork = :takeBack';
    values[':takeBack'] = openWork.takeBack;
  }
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: keyOf(record.image, record.channel, record.version),
        UpdateExpression: update,
        ConditionExpression: '#state = :was AND attribute_not_exists(takenBack)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: values,
      }),
    ),
  );
}

/** Every rollout the ledger holds running or paused (the open-work index; its state restated, the index lags). */
export async function openRollouts(read?: OpenWork): Promise<RolloutRecord[]> {
  const open = await openItemsOf<RolloutRecord>(OPEN_ROLLOUTS, read);
  return Promise.all(open.map(withItsGroups));
}

/** The open-work index's rollouts running or paused (their state restated: the index lags). */
export const OPEN_ROLLOUTS: OpenWorkRequest = {
  kind: openWork.rollout,
  filter: {
    expression: '#state IN (:a, :b)',
    names: { '#state': 'state' },
    values: { ':a': openRolloutStates[0], ':b': openRolloutStates[1] },
  },
};

const withItsGroups = (r: RolloutRecord): Promise<RolloutRecord> => {
  const { pk, sk } = keyOf(r.image, r.channel, r.version);
  return withGroups(pk, sk, r);
};

/** Every superseded rollout whose take-back is open work (the open-work index; its state restated). */
export async function openTakeBacks(read?: OpenWork): Promise<RolloutRecord[]> {
  const open = await openItemsOf<RolloutRecord>(OPEN_TAKE_BACKS, read);
  return Promise.all(open.map(withItsGroups));
}

/** The open-work index's take-backs neither settled nor found stopped (restated: the index lags). */
export const OPEN_TAKE_BACKS: OpenWorkRequest = {
  kind: openWork.takeBack,
  filter: {
    expression: '#state = :superseded AND attribute_not_exists(takenBack.stopped)',
    names: { '#state': 'state' },
    values: { ':superseded': 'superseded' },
  },
};

/**
 * Marks a take-back whose execution is no longer running (`takenBack.stopped`), closing its open work. Conditional on
 * it being still open and unmarked: one run, one mark.
 * @returns false when it had settled or been marked meanwhile: nothing changed.
 */
export async function markTakeBackStopped(record: RolloutRecord, execution: string, at: string): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: keyOf(record.image, record.channel, record.version),
        UpdateExpression: 'SET takenBack.stopped = :stopped, updatedAt = :at REMOVE openWork',
        ConditionExpression: 'openWork = :takeBack AND attribute_not_exists(takenBack.stopped)',
        ExpressionAttributeValues: { ':stopped': { execution, at }, ':at': at, ':takeBack': openWork.takeBack },
      }),
    ),
  );
}

/**
 * Marks an open rollout stopped (its execution is no longer running): `running|paused` → `stopped` with the reason,
 * only while the record is the one the reconciler read (same state, same last update): a retry that wrote it running
 * again since, with an execution of its own, is not stopped on the word of the execution before.
 * @returns false when it had changed (ended meanwhile, retried, or another run stopped it): nothing changed.
 */
export async function stopRollout(record: RolloutRecord, reason: string, at: string): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: keyOf(record.image, record.channel, record.version),
        UpdateExpression: 'SET #state = :stopped, reason = :reason, updatedAt = :at, endedAt = :at REMOVE openWork',
        ConditionExpression: '#state = :was AND updatedAt = :read',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':stopped': 'stopped',
          ':reason': reason,
          ':at': at,
          ':was': record.state,
          ':read': record.updatedAt,
        },
      }),
    ),
  );
}
