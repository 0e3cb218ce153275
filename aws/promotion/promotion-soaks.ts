import { GetCommand, PutCommand, paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { imagePk, skPrefix } from '../../core/ledger/keys.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite, isConditionFailure } from '../ledger/ledger-writes.js';

/**
 * A channel's soak as the ledger keeps it (`SOAK#<version>#<channel>`): the Soak state's task token (sealed,
 * aws/promotion/task-tokens.ts; a 0.2.0 record's in the clear), so the soak can be ended early (an operator's `promote`) through the same SendTaskSuccess an elapsed soak's timeout stands for.
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
  /** The soaks this version ran in this channel before (a promotion resumed after a pause soaks again), oldest first. */
  earlier?: SoakRun[];
}

/** One soak that ran before the current one, as `history` tells it. */
export type SoakRun = Pick<SoakRecord, 'startedAt' | 'until' | 'state' | 'endedBy' | 'endedAt' | 'reason'>;

const runOf = (s: SoakRecord): SoakRun => ({
  startedAt: s.startedAt,
  until: s.until,
  state: s.state,
  ...(s.endedBy ? { endedBy: s.endedBy } : {}),
  ...(s.endedAt ? { endedAt: s.endedAt } : {}),
  ...(s.reason ? { reason: s.reason } : {}),
});

/** The ledger key of a build's soak in a channel. */
export const soakKey = (image: string, version: string, channel: string) => ({
  pk: imagePk(image),
  sk: `${skPrefix.soak}${version}#${channel}`,
});

/**
 * Records a soak that just began (a retried Soak state has a new token: the newest one is the live one). A soak run
 * before for the same version and channel is kept in `earlier`, so `history` tells every soak; the same token again
 * (a redelivered start) changes nothing. Written only over the item as read, so two starts never lose one another.
 */
export async function recordSoak(record: Omit<SoakRecord, 'state' | 'earlier'>): Promise<void> {
  const key = soakKey(record.image, record.version, record.channel);
  for (let attempt = 0; attempt < 3; attempt++) {
    const read = await documentClient().send(
      new GetCommand({ TableName: ledgerTable(), Key: key, ConsistentRead: true }),
    );
    const before = read.Item as SoakRecord | undefined;
    if (before?.taskToken === record.taskToken) return;
    const earlier = before ? [...(before.earlier ?? []), runOf(before)] : [];
    const written = await conditionalWrite(() =>
      documentClient().send(
        new PutCommand({
          TableName: ledgerTable(),
          Item: { ...key, kind: 'soak', ...record, state: 'soaking', ...(earlier.length > 0 ? { earlier } : {}) },
          ...(before
            ? { ConditionExpression: 'taskToken = :token', ExpressionAttributeValues: { ':token': before.taskToken } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        }),
      ),
    );
    if (written) return;
  }
  throw new Error(`recordSoak: ${record.image} ${record.version} ${record.channel} kept changing while recorded`);
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
