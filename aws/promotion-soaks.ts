import { PutCommand, paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { imagePk, skPrefix } from '../core/ledger/keys.js';
import { documentClient, ledgerTable } from './clients/dynamodb.js';
import { conditionalWrite, isConditionFailure } from './ledger-writes.js';

/**
 * A channel's soak as the ledger keeps it (`SOAK#<version>#<channel>`): the Soak state's task token, so the soak can
 * be ended early (an operator's `promote`) through the same SendTaskSuccess an elapsed soak's timeout stands for.
 */
export interface SoakRecord {
  image: string;
  version: string;
  channel: string;
  taskToken: string;
  startedAt: string;
  /** When the soak's TimeoutSecondsPath ends it on its own. */
  until: string;
  state: 'soaking' | 'ended-early';
  endedBy?: string;
  endedAt?: string;
  reason?: string;
}

const soakKey = (image: string, version: string, channel: string) => ({
  pk: imagePk(image),
  sk: `${skPrefix.soak}${version}#${channel}`,
});

/** Records a soak that just began (a retried Soak state has a new token: the newest one is the live one). */
export async function recordSoak(record: Omit<SoakRecord, 'state'>): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: ledgerTable(),
      Item: { ...soakKey(record.image, record.version, record.channel), kind: 'soak', ...record, state: 'soaking' },
    }),
  );
}

/** Every soak of an image (paginated), soaking or ended. */
export async function listSoaks(image: string): Promise<SoakRecord[]> {
  const found: SoakRecord[] = [];
  const pages = paginateQuery(
    { client: documentClient() },
    {
      TableName: ledgerTable(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': imagePk(image), ':prefix': skPrefix.soak },
    },
  );
  for await (const page of pages) found.push(...((page.Items ?? []) as SoakRecord[]));
  return found;
}

/**
 * Marks a soak ended early by `by`, once, and only the soak holding `taskToken` (a decision recorded before the
 * token is answered).
 * @returns false when it was no longer soaking with that token (ended early before, or a newer attempt).
 */
export async function markSoakEndedEarly(
  soak: Pick<SoakRecord, 'image' | 'version' | 'channel' | 'taskToken'>,
  by: string,
  at: string,
  reason: string | undefined,
): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: soakKey(soak.image, soak.version, soak.channel),
        UpdateExpression: 'SET #state = :ended, endedBy = :by, endedAt = :at, reason = :reason',
        ConditionExpression: '#state = :soaking AND taskToken = :token',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':ended': 'ended-early',
          ':soaking': 'soaking',
          ':token': soak.taskToken,
          ':by': by,
          ':at': at,
          ':reason': reason ?? null,
        },
      }),
    ),
  );
}

/** Undoes {@link markSoakEndedEarly} when the answer could not be delivered: nothing changed after all. */
export async function unmarkSoakEndedEarly(
  soak: Pick<SoakRecord, 'image' | 'version' | 'channel' | 'taskToken'>,
  at: string,
): Promise<void> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: soakKey(soak.image, soak.version, soak.channel),
        UpdateExpression: 'SET #state = :soaking REMOVE endedBy, endedAt, reason',
        ConditionExpression: 'endedAt = :at AND taskToken = :token',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':soaking': 'soaking', ':at': at, ':token': soak.taskToken },
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}
