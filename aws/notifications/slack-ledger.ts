import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Notification } from '../../events/notification.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { putItemOnce } from '../ledger/ledger-writes.js';
import { postRecordOf, recordPost } from './sink-ledger.js';
import type { SlackMessageRef } from './slack.js';

/**
 * What Goldsmith posted to Slack, in the ledger: each announcement's message (its claim and record are the delivery
 * path's: aws/notifications/sink-ledger.ts, so a re-delivered announcement posts nothing), each image version's thread
 * root, each approval request's message (to update it once decided), and
 * the interactivity requests already seen (replay guard).
 */

/** Slack's partition of the ledger (aws/notifications/sink-ledger.ts keeps the posts and their claims there too). */
export const SLACK_PK = 'SLACK';
const PK = SLACK_PK;

/** Records where announcement `id` was posted (after chat.postMessage answered). */
export async function recordSlackPost(
  id: string,
  ref: SlackMessageRef,
  extra: {
    event: string;
    threadTs?: string | undefined;
    at: string;
    /** When the post was first parked, and how many attempts it took, for one that waited in the backlog. */
    deferredSince?: string | undefined;
    attempts?: number | undefined;
  },
): Promise<void> {
  await recordPost(PK, id, { ...ref, ...extra });
}

/** Where announcement `id` was posted, if chat.postMessage answered (a retry then only finishes what followed). */
export async function slackPostOf(id: string): Promise<SlackMessageRef | undefined> {
  const item = await postRecordOf(PK, id);
  return typeof item?.ts === 'string' ? { channel: String(item.channel), ts: item.ts } : undefined;
}

/** The thread of an image version, if one was started. */
export async function slackThreadOf(image: string, version: string): Promise<SlackMessageRef | undefined> {
  const out = await documentClient().send(
    new GetCommand({
      TableName: ledgerTable(),
      Key: { pk: PK, sk: `THREAD#${image}#${version}` },
      ConsistentRead: true,
    }),
  );
  return out.Item ? { channel: String(out.Item.channel), ts: String(out.Item.ts) } : undefined;
}

/** Makes `ref` the thread of an image version unless another message already is. */
export async function recordSlackThread(image: string, version: string, ref: SlackMessageRef): Promise<void> {
  await putItemOnce({ pk: PK, sk: `THREAD#${image}#${version}`, kind: 'slack-thread', ...ref });
}

/** The posted approval request of `approvalId`, with the announcement it rendered (to re-render it decided). */
export async function slackApprovalOf(
  approvalId: string,
): Promise<(SlackMessageRef & { request: Notification }) | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: { pk: PK, sk: `APPROVAL#${approvalId}` }, ConsistentRead: true }),
  );
  const item = out.Item;
  return item
    ? { channel: String(item.channel), ts: String(item.ts), request: item.request as Notification }
    : undefined;
}

/** Records the message that carries an approval request's buttons. */
export async function recordSlackApproval(
  approvalId: string,
  ref: SlackMessageRef,
  request: Notification,
): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: ledgerTable(),
      Item: { pk: PK, sk: `APPROVAL#${approvalId}`, kind: 'slack-approval', ...ref, request },
    }),
  );
}

/**
 * Remembers an interactivity request by its signature, for as long as its timestamp is acceptable (plus a margin):
 * the same signed request seen twice is a replay.
 * @returns false when this exact request was seen before.
 */
export async function rememberSlackRequest(signature: string, at: string, expiresAtSeconds: number): Promise<boolean> {
  // `expiresAt` is the ledger's TTL attribute (stacks/Ledger.ts): the guard item goes once the request is too old anyway.
  return putItemOnce({ pk: 'CALLBACK#SLACK', sk: signature, kind: 'slack-request', at, expiresAt: expiresAtSeconds });
}
