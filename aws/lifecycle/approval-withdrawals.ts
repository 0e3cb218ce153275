import { paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { imagePk, openWorkIndex } from '../../core/ledger/keys.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite } from '../ledger/ledger-writes.js';
import { type ApprovalRecord, approvalKey } from '../promotion/promotion-approvals.js';

/**
 * Approvals a revocation withdraws: the request stays in the ledger, marked `withdrawn` with why, so every door (the
 * signed link, Slack, the operator, the reconciler) refuses it and `pendingApprovals` no longer lists it.
 */

/** Every approval request of one build, in any channel (one Query of the image's partition). */
export async function approvalsOfVersion(image: string, version: string): Promise<ApprovalRecord[]> {
  const found: ApprovalRecord[] = [];
  const pages = paginateQuery(
    { client: documentClient() },
    {
      TableName: ledgerTable(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      // The '#' after the version: 1.0.0/1 never reaches 1.0.0/10's approvals.
      ExpressionAttributeValues: { ':pk': imagePk(image), ':prefix': approvalKey(image, version, '').sk },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) found.push(...((page.Items ?? []) as ApprovalRecord[]));
  return found;
}

/**
 * Marks an undecided approval withdrawn (again, on a retry, with the same reason): only while nobody decided it and
 * nothing was sent for it, so a door's decision recorded first is never overwritten.
 * @returns false when a door decided it first (or it was answered already).
 */
export async function withdrawApproval(approval: ApprovalRecord, reason: string, at: string): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: approvalKey(approval.image, approval.version, approval.channel),
        UpdateExpression: `SET withdrawn = :reason, withdrawnAt = if_not_exists(withdrawnAt, :at) REMOVE ${openWorkIndex.partitionKey}`,
        ConditionExpression:
          'approvalId = :id AND attribute_not_exists(decision) AND attribute_not_exists(sentAt) AND attribute_not_exists(undeliverable)',
        ExpressionAttributeValues: { ':reason': reason, ':at': at, ':id': approval.approvalId },
      }),
    ),
  );
}
