import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  buildSk,
  imagePk,
  imageViewUpdate,
  markerKey,
  openWork,
  openWorkIndex,
  skPrefix,
  ttlAfter,
} from '../../core/ledger/keys.js';
import { MARKER_TTL_DAYS, type MarkerRecord } from '../../core/ledger/records.js';
import type { Decision, KnownMarker } from '../../core/triggers/decide.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { isConditionFailure } from '../ledger/ledger-writes.js';

/**
 * The trigger side of the ledger: dedupe markers, decisions, requested builds, watcher state, pipeline events.
 * Every write that decides something is conditional; see core/ledger/README.md for the key design.
 */

/** The markers recorded for these dedupe keys (strongly consistent reads: they decide). */
export async function readMarkers(dedupeKeys: readonly string[]): Promise<Map<string, KnownMarker>> {
  const found = await Promise.all(
    [...new Set(dedupeKeys)].map(async (dedupeKey) => {
      const out = await documentClient().send(
        new GetCommand({ TableName: ledgerTable(), Key: markerKey(dedupeKey), ConsistentRead: true }),
      );
      const item = out.Item as MarkerRecord | undefined;
      return item
        ? ([
            dedupeKey,
            { state: item.state, changeId: item.changeId, claimedAt: item.claimedAt, releases: item.releases },
          ] as const)
        : undefined;
    }),
  );
  return new Map(found.filter((entry) => entry !== undefined));
}

/**
 * Claims a decision's dedupe key before its build is started. False when another delivery claimed it first
 * (`attribute_not_exists(pk)` failed, or a released claim is no longer the one decided on): the caller then starts
 * nothing.
 */
export async function claimMarker(decision: Decision, at: Date): Promise<boolean> {
  const item: MarkerRecord = {
    ...markerKey(decision.dedupeKey),
    sk: 'MARKER',
    dedupeKey: decision.dedupeKey,
    image: decision.image,
    changeId: decision.changeId,
    trigger: decision.trigger,
    clientToken: decision.clientToken,
    state: 'claimed',
    claimedAt: at.toISOString(),
    expiresAt: ttlAfter(at, MARKER_TTL_DAYS),
    ...(decision.reclaims === undefined ? {} : { releases: decision.reclaims }),
  };
  const condition =
    decision.reclaims === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: '#state = :released AND releases = :releases',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':released': 'released', ':releases': decision.reclaims },
        };
  try {
    await documentClient().send(new PutCommand({ TableName: ledgerTable(), Item: item, ...condition }));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Confirms a claimed marker once Image Builder accepted the start; repeating it changes nothing. */
export async function markStarted(dedupeKey: string, buildVersionArn: string): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: ledgerTable(),
      Key: markerKey(dedupeKey),
      UpdateExpression: 'SET #state = :started, buildVersionArn = :arn',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':started': 'started', ':arn': buildVersionArn },
    }),
  );
}

/**
 * Records the build a start produced. An update with `if_not_exists`, because the image-event handler may have
 * written the build's status first; neither side overwrites what the other decided.
 */
export async function recordBuildRequested(
  decision: Decision,
  build: { buildVersion: string; buildVersionArn: string },
  at: Date,
): Promise<void> {
  const sk = buildSk(build.buildVersion);
  const view = imageViewUpdate(decision.image, sk);
  // A build of a released claim (core/triggers/package-release.ts) says which claim of its dedupe key it is.
  const reclaim =
    decision.reclaims === undefined
      ? { set: '', values: {} }
      : { set: ', claimReleases = :releases', values: { ':releases': decision.reclaims } };
  await documentClient().send(
    new UpdateCommand({
      TableName: ledgerTable(),
      Key: { pk: imagePk(decision.image), sk },
      UpdateExpression: `SET #kind = :kind, ${view.set}, image = :image, buildVersion = :version, buildVersionArn = :arn, #trigger = if_not_exists(#trigger, :trigger), changeId = if_not_exists(changeId, :changeId), dedupeKey = if_not_exists(dedupeKey, :dedupeKey), requestedAt = if_not_exists(requestedAt, :at), #status = if_not_exists(#status, :pending), #open = :open${reclaim.set}`,
      ExpressionAttributeNames: {
        '#kind': 'kind',
        '#trigger': 'trigger',
        '#status': 'status',
        '#open': openWorkIndex.partitionKey,
        ...view.names,
      },
      ExpressionAttributeValues: {
        // Open until its final status is handled (markBuildHandled): the reconciler asks Image Builder about it.
        ':open': openWork.build,
        ':kind': 'build',
        ...view.values,
        ':image': decision.image,
        ':version': build.buildVersion,
        ':arn': build.buildVersionArn,
        ':trigger': decision.trigger,
        ':changeId': decision.changeId,
        ':dedupeKey': decision.dedupeKey,
        ':at': at.toISOString(),
        ':pending': 'PENDING',
        ...reclaim.values,
      },
    }),
  );
}

/**
 * Records a pipeline event (e.g. automatically disabled) in the image's partition, once per event id.
 * @returns whether people were already told about it, so a retry notifies only when the first attempt did not.
 */
export async function recordPipelineEvent(
  image: string,
  event: { name: string; at: string; eventId: string; details: Record<string, unknown> },
): Promise<{ key: { pk: string; sk: string }; notified: boolean }> {
  const key = { pk: imagePk(image), sk: `${skPrefix.pipeline}${event.at}#${event.eventId}` };
  try {
    await documentClient().send(
      new PutCommand({
        TableName: ledgerTable(),
        Item: {
          ...key,
          kind: 'pipeline-event',
          image,
          event: event.name,
          at: event.at,
          notified: false,
          ...event.details,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { key, notified: false };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const out = await documentClient().send(
      new GetCommand({ TableName: ledgerTable(), Key: key, ConsistentRead: true }),
    );
    return { key, notified: out.Item?.notified === true };
  }
}

/** Marks a recorded pipeline event as announced. */
export async function markPipelineEventNotified(key: { pk: string; sk: string }): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: ledgerTable(),
      Key: key,
      UpdateExpression: 'SET notified = :true',
      ExpressionAttributeValues: { ':true': true },
    }),
  );
}
