import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TransientError } from '../../core/errors/classify.js';
import { AlreadyDecidedError } from '../../core/errors.js';
import { openWork, openWorkIndex } from '../../core/ledger/keys.js';
import { judgeHeldRequest } from '../../core/promotion/approval-retry.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite } from '../ledger/ledger-writes.js';
import { type ApprovalRecord, approvalKey, getApproval, recordApprovalRequest } from './promotion-approvals.js';

/** What a RequestApproval attempt writes: the request, under this attempt's token and execution. */
export type ApprovalRequest = Omit<
  ApprovalRecord,
  | 'decision'
  | 'by'
  | 'via'
  | 'slackUser'
  | 'reason'
  | 'decidedAt'
  | 'sentAt'
  | 'linksSentTo'
  | 'undeliverable'
  | 'decidedOnToken'
  | 'spentLinkNonce'
  | 'spentLinkNonceDigest'
  | 'linkNonce'
> & { execution?: string | undefined };

/** How often a request is read again when it changed between the read and the write (a race with a click). */
const ATTEMPTS = 3;

/**
 * Holds the approval request of `request`'s build and channel for this attempt, and returns it as the ledger now
 * has it: written afresh, or, when an earlier attempt of the same promotion wrote it (Step Functions gave the retry a
 * new token, core/promotion/approval-retry.ts), taken over: the new token and expiry, the earlier short id (links
 * already sent stay valid) and `linksSentTo`. A decision given on the earlier token that Step Functions could not
 * take is re-opened for delivery to the new one (the reconciler delivers it).
 * @throws AlreadyDecidedError when another promotion holds it, or its decision already reached Step Functions.
 */
export async function holdApprovalRequest(request: ApprovalRequest): Promise<ApprovalRecord> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (await recordApprovalRequest(request)) return request;
    const held = await getApproval(request.image, request.version, request.channel);
    if (!held) continue;
    const judged = judgeHeldRequest(held, request);
    if (judged.verdict === 'same-attempt') return held;
    if (judged.verdict === 'refuse') {
      throw new AlreadyDecidedError(
        `another approval request holds ${request.image} ${request.version} ${request.channel}: ${judged.reason}`,
      );
    }
    const taken = await takeOver(held, request);
    if (taken) return taken;
  }
  throw new TransientError(
    `the approval request of ${request.image} ${request.version} ${request.channel} kept changing while it was taken over`,
  );
}

/** Moves `held` to this attempt's token, only if it is still as read (same token, not delivered). */
async function takeOver(held: ApprovalRecord, mine: ApprovalRequest): Promise<ApprovalRecord | undefined> {
  // A decision the earlier token could not deliver goes back on the open-work index for the reconciler, with the
  // token it was given on (its proof covers that one; the first such token stays through later take-overs).
  const redeliver = held.decision !== undefined;
  let taken: ApprovalRecord | undefined;
  const written = await conditionalWrite(async () => {
    const out = await documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: approvalKey(mine.image, mine.version, mine.channel),
        UpdateExpression: `SET taskToken = :token, execution = :execution, expiresAt = :expires${
          redeliver
            ? `, ${openWorkIndex.partitionKey} = :open, decidedOnToken = if_not_exists(decidedOnToken, :held) REMOVE undeliverable`
            : ''
        }`,
        ConditionExpression: 'approvalId = :id AND taskToken = :held AND attribute_not_exists(sentAt)',
        ExpressionAttributeValues: {
          ':token': mine.taskToken,
          ':execution': mine.execution,
          ':expires': mine.expiresAt,
          ':id': held.approvalId,
          ':held': held.taskToken,
          ...(redeliver ? { ':open': openWork.decision } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    taken = out.Attributes as ApprovalRecord | undefined;
  });
  return written ? taken : undefined;
}

/**
 * Adds the digest of this attempt's link nonce to the request (a retried attempt's token, or a rotated key, gives a
 * nonce of its own; the links already sent keep theirs), unless a decision through a link spent the request's
 * nonces. Conditional on the request still being `approvalId`'s.
 * @returns the request as the ledger now has it, or undefined when the digest was not added (spent, or taken over).
 */
export async function holdLinkNonceDigest(
  ref: Pick<ApprovalRecord, 'image' | 'version' | 'channel' | 'approvalId'>,
  digest: string,
): Promise<ApprovalRecord | undefined> {
  let held: ApprovalRecord | undefined;
  const written = await conditionalWrite(async () => {
    const out = await documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: approvalKey(ref.image, ref.version, ref.channel),
        // ADD to a string set: adding a digest it holds changes nothing.
        UpdateExpression: 'ADD linkNonceDigests :digest',
        ConditionExpression:
          'approvalId = :id AND attribute_not_exists(spentLinkNonceDigest) AND attribute_not_exists(spentLinkNonce)',
        ExpressionAttributeValues: { ':digest': new Set([digest]), ':id': ref.approvalId },
        ReturnValues: 'ALL_NEW',
      }),
    );
    held = out.Attributes as ApprovalRecord | undefined;
  });
  return written ? held : undefined;
}

/**
 * Notes that `approver`'s links went out for this request (after SNS accepted the Publish), so a retried request
 * does not send them twice. Conditional on the request still being `approvalId`'s.
 */
export async function markLinksSent(
  ref: Pick<ApprovalRecord, 'image' | 'version' | 'channel' | 'approvalId'>,
  approver: string,
): Promise<void> {
  // A failed condition: already noted (this very call, retried by the SDK after DynamoDB took it), or no longer this
  // request's (taken over by a later attempt, which noted what it saw).
  await conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: approvalKey(ref.image, ref.version, ref.channel),
        UpdateExpression: 'SET linksSentTo = list_append(if_not_exists(linksSentTo, :none), :one)',
        ConditionExpression: 'approvalId = :id AND NOT contains(linksSentTo, :approver)',
        ExpressionAttributeValues: { ':none': [], ':one': [approver], ':id': ref.approvalId, ':approver': approver },
      }),
    ),
  );
}
