import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { imagePk, openWork, rolloutSk } from '../../core/ledger/keys.js';
import { storedWaves } from '../../core/rollout/group-chunks.js';
import { ROLLOUT_TRANSITIONS } from '../../core/rollout/operator.js';
import type { RolloutOperatorAction, RolloutRecord } from '../../core/rollout/record.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite } from '../ledger/ledger-writes.js';
import { readRolloutsUnder, withGroups } from './rollout-chunks.js';

/**
 * The operator's side of the rollout record (`IMAGE#<image>`, `ROLLOUT#<channel>#<version>`): read a channel's
 * rollouts, and pause, resume or abort one by a conditional update of its state, so a repeat, a race with another
 * operator or with the engine's own end of the rollout changes nothing. The engine reads the state at every check.
 */

/** Every rollout of `image` to `channel`, running or ended (strongly consistent, paginated: they decide). */
export async function listChannelRollouts(image: string, channel: string): Promise<RolloutRecord[]> {
  return readRolloutsUnder(imagePk(image), rolloutSk(channel, ''));
}

/**
 * Moves one rollout's state as `entry.action` does (pause: running → paused; resume: paused → running; abort:
 * running or paused → aborted, ended, out of the open-work index), only from the states it allows; records who, why
 * and when, and appends the action to the record's operator log.
 * @returns the record as DynamoDB holds it after the update, or undefined when its state no longer allowed it.
 */
export async function moveRollout(
  record: Pick<RolloutRecord, 'image' | 'channel' | 'version'>,
  entry: RolloutOperatorAction,
): Promise<RolloutRecord | undefined> {
  const { from, to } = ROLLOUT_TRANSITIONS[entry.action];
  const sets = [
    '#state = :to',
    'updatedAt = :at',
    '#by = :by',
    'operatorActions = list_append(if_not_exists(operatorActions, :none), :entry)',
  ];
  const removes: string[] = [];
  // `reason` says why the rollout is paused or ended: a resumption ends the pause it explained.
  if (entry.action === 'resume') removes.push('reason');
  else sets.push('reason = :reason');
  if (entry.action === 'abort') {
    sets.push('endedAt = :at');
    removes.push('openWork');
  }
  const fromValues = Object.fromEntries(from.map((state, n) => [`:from${n}`, state]));
  let updated: RolloutRecord | undefined;
  const moved = await conditionalWrite(async () => {
    const out = await documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: { pk: imagePk(record.image), sk: rolloutSk(record.channel, record.version) },
        UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: `attribute_exists(sk) AND #state IN (${Object.keys(fromValues).join(', ')})`,
        ExpressionAttributeNames: { '#state': 'state', '#by': 'by' },
        ExpressionAttributeValues: {
          ...fromValues,
          ':to': to,
          ':at': entry.at,
          ':by': entry.by,
          ':none': [],
          ':entry': [entry],
          ...(entry.action === 'resume' ? {} : { ':reason': entry.reason ?? '' }),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    updated = out.Attributes as RolloutRecord | undefined;
  });
  if (!moved || !updated) return undefined;
  return withGroups(imagePk(record.image), rolloutSk(record.channel, record.version), updated);
}

/**
 * A retry's write (core/rollout/retry.ts): the record as `next` says (running, the waves from the one that halted
 * pending, the retry in the operator log, its intent naming the execution it starts, back in the open-work index; a superseded record's take-back removed), only while it is still the
 * halted (or superseded) record `read` (same state and last update), so a repeat or a race with the engine writes nothing.
 * @returns whether it was written.
 */
export async function retryRollout(read: RolloutRecord, next: RolloutRecord): Promise<boolean> {
  const entry = next.operatorActions?.at(-1);
  const retrying = next.retrying;
  if (!retrying)
    throw new Error(`a retry of ${read.image} ${read.version} ${read.channel} names no execution to start`);
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: { pk: imagePk(read.image), sk: rolloutSk(read.channel, read.version) },
        UpdateExpression:
          'SET #state = :running, #waves = :waves, currentWave = :current, skippedGroups = :skipped, updatedAt = :at, #by = :by, openWork = :open, retrying = :retrying, operatorActions = list_append(if_not_exists(operatorActions, :none), :entry) REMOVE endedAt, reason, replacement, takenBack',
        ConditionExpression: '#state = :was AND updatedAt = :read',
        ExpressionAttributeNames: { '#state': 'state', '#waves': 'waves', '#by': 'by' },
        ExpressionAttributeValues: {
          ':running': 'running',
          ':was': read.state,
          ':read': read.updatedAt,
          ':waves': storedWaves(next.waves),
          ':current': next.currentWave,
          ':skipped': next.skippedGroups,
          ':at': next.updatedAt,
          ':by': next.by,
          ':open': openWork.rollout,
          ':none': [],
          ':entry': entry ? [entry] : [],
          ':retrying': retrying,
        },
      }),
    ),
  );
}
