import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { intentKey, type OpenWorkKind, openWork, openWorkIndex, ttlAfter } from '../../core/ledger/keys.js';
import { type Change, changeIdOf, changeTimeOf } from '../../core/triggers/change.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { isConditionFailure } from '../ledger/ledger-writes.js';
import { type OpenWork, type OpenWorkRequest, openItemsOf } from '../ledger/open-work.js';

/** Intents are kept this long (well past the reconciler's look-back and any retry horizon). */
const INTENT_TTL_DAYS = 90;

/** A build intent as the ledger holds it. */
export interface IntentRecord {
  pk: string;
  sk: string;
  kind: 'intent';
  changeId: string;
  change: Change;
  status: 'pending' | 'done';
  /** Set while pending: the intent is in the open-work index (core/ledger/keys.ts). */
  openWork?: OpenWorkKind;
  recordedAt: string;
  /** What the decisions were, once done: `image: start 1.0.0/3` or `image: skip <reason>`. */
  outcome?: string[];
  doneAt?: string;
  expiresAt: number;
}

const keyOf = (change: Change) => intentKey(changeTimeOf(change), changeIdOf(change));

/**
 * Records that `change` calls for builds, before anything is started. Idempotent: a second delivery of the same
 * change finds the intent there and leaves it (pending or done) as it is.
 */
export async function recordIntent(change: Change, at: Date): Promise<void> {
  const item: IntentRecord = {
    ...keyOf(change),
    kind: 'intent',
    changeId: changeIdOf(change),
    change,
    status: 'pending',
    // Open work until done (markIntentDone).
    openWork: openWork.intent,
    recordedAt: at.toISOString(),
    expiresAt: ttlAfter(at, INTENT_TTL_DAYS),
  };
  try {
    await documentClient().send(
      new PutCommand({ TableName: ledgerTable(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  } catch (error) {
    if (isConditionFailure(error)) return;
    throw error;
  }
}

/** Marks the intent of `change` done with what was decided for each image; repeating it changes nothing. */
export async function markIntentDone(change: Change, outcome: string[], at: Date): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: ledgerTable(),
      Key: keyOf(change),
      UpdateExpression: `SET #status = :done, outcome = :outcome, doneAt = :at REMOVE ${openWorkIndex.partitionKey}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':done': 'done', ':outcome': outcome, ':at': at.toISOString() },
    }),
  );
}

/** The intent of `change`, if one was recorded (strongly consistent: it decides whether to re-derive). */
export async function readIntent(change: Change): Promise<IntentRecord | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: keyOf(change), ConsistentRead: true }),
  );
  return out.Item as IntentRecord | undefined;
}

/** The open-work index's intents still pending (their status restated: the index lags). */
export const PENDING_INTENTS: OpenWorkRequest = {
  kind: openWork.intent,
  filter: { expression: '#status = :pending', names: { '#status': 'status' }, values: { ':pending': 'pending' } },
};

/**
 * Every intent still pending, oldest change first: one Query of the open-work index, not of every intent kept (or
 * what the run's read of the index found: `read`).
 */
export async function pendingIntents(read?: OpenWork): Promise<IntentRecord[]> {
  const found = await openItemsOf<IntentRecord>(PENDING_INTENTS, read);
  return found.sort((a, b) => a.sk.localeCompare(b.sk));
}
