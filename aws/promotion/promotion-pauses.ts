import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { imagePk, openWork, openWorkIndex, skPrefix } from '../../core/ledger/keys.js';
import { byImageThenVersion } from '../../core/promotion/naming.js';
import type { PausedPromotion } from '../../core/promotion/resume.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite, isConditionFailure } from '../ledger/ledger-writes.js';
import { type OpenWork, type OpenWorkRequest, openItemsOf } from '../ledger/open-work.js';

/**
 * Paused promotions in the ledger: `PAUSED#<version>` in the image's partition, one per build. A pause is not a
 * decision (no `PROMOTION#` outcome is written); it holds what the reconciler or an operator needs to resume it.
 */

const OPEN = openWorkIndex.partitionKey;

const pauseKey = (image: string, version: string) => ({ pk: imagePk(image), sk: `${skPrefix.paused}${version}` });

/**
 * Records that a build's promotion paused at `channel` (a transient error outlasted the retry horizon). The
 * resumption count is kept across pauses.
 * @returns the record, and whether this call paused it (false when it was paused already: a retried RecordOutcome).
 */
export async function recordPause(
  pause: Pick<PausedPromotion, 'image' | 'version' | 'buildVersionArn' | 'channel' | 'error' | 'reason' | 'pausedAt'>,
): Promise<{ paused: boolean; record: PausedPromotion }> {
  try {
    const out = await documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: pauseKey(pause.image, pause.version),
        UpdateExpression:
          'SET kind = :kind, image = :image, version = :version, buildVersionArn = :arn, channel = :channel, ' +
          '#error = :error, reason = :reason, #status = :paused, pausedAt = :at, resumes = if_not_exists(resumes, :zero), ' +
          // Every pause kept for `history` (the fields above are the latest's).
          'pauses = list_append(if_not_exists(pauses, :none), :pause), ' +
          // Open work until resumed (markResumed).
          `${OPEN} = :open`,
        ConditionExpression: 'attribute_not_exists(#status) OR #status <> :paused',
        ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
        ExpressionAttributeValues: {
          ':kind': 'paused-promotion',
          ':image': pause.image,
          ':version': pause.version,
          ':arn': pause.buildVersionArn,
          ':channel': pause.channel,
          ':error': pause.error,
          ':reason': pause.reason,
          ':paused': 'paused',
          ':at': pause.pausedAt,
          ':zero': 0,
          ':none': [],
          ':pause': [{ at: pause.pausedAt, channel: pause.channel, reason: pause.reason }],
          ':open': openWork.pause,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { paused: true, record: out.Attributes as PausedPromotion };
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    const current = await getPause(pause.image, pause.version);
    if (!current) throw err;
    return { paused: false, record: current };
  }
}

/** The pause record of a build, if its promotion ever paused. */
export async function getPause(image: string, version: string): Promise<PausedPromotion | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: pauseKey(image, version), ConsistentRead: true }),
  );
  return out.Item as PausedPromotion | undefined;
}

/** Every image's promotions paused now, by image then oldest version first: one Query of the open-work index. */
export async function pausedPromotions(read?: OpenWork): Promise<PausedPromotion[]> {
  const found = await openItemsOf<PausedPromotion>(PAUSED_PROMOTIONS, read);
  return found.sort(byImageThenVersion);
}

/** The open-work index's promotions paused now (their status restated: the index lags). */
export const PAUSED_PROMOTIONS: OpenWorkRequest = {
  kind: openWork.pause,
  filter: { expression: '#status = :paused', names: { '#status': 'status' }, values: { ':paused': 'paused' } },
};

/**
 * Marks a paused promotion resumed for the `n`th time, once: only from `paused` with `n - 1` resumptions, so two
 * resumers racing (the reconciler and an operator) cannot both count one.
 * @returns false when someone else resumed it first.
 */
export async function markResumed(
  image: string,
  version: string,
  n: number,
  by: string,
  at: string,
  reason?: string,
): Promise<boolean> {
  // The reason, when given, is kept with the resumption and as the latest one's (REMOVE drops an earlier one's).
  const why = reason ? ', resumedReason = :reason' : '';
  const dropWhy = reason ? '' : ' resumedReason,';
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: pauseKey(image, version),
        UpdateExpression: `SET #status = :resumed, resumes = :n, resumedAt = :at, resumedBy = :by${why}, resumptions = list_append(if_not_exists(resumptions, :none), :resumption) REMOVE${dropWhy} ${OPEN}`,
        ConditionExpression: '#status = :paused AND resumes = :before',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':resumed': 'resumed',
          ':paused': 'paused',
          ':n': n,
          ':before': n - 1,
          ':at': at,
          ':by': by,
          ':none': [],
          ':resumption': [{ at, by, n, ...(reason ? { reason } : {}) }],
          ...(reason ? { ':reason': reason } : {}),
        },
      }),
    ),
  );
}

/**
 * Forgets an approval request nobody answered, so a resumed execution can ask again with its own task token (the
 * paused execution's token no longer waits). A decided one is kept: the decision carries over.
 */
export async function discardUnansweredApproval(image: string, version: string, channel: string): Promise<void> {
  try {
    await documentClient().send(
      new DeleteCommand({
        TableName: ledgerTable(),
        Key: { pk: imagePk(image), sk: `${skPrefix.approval}${version}#${channel}` },
        ConditionExpression: 'attribute_exists(sk) AND attribute_not_exists(decision)',
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}
