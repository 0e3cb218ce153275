import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ttlAfter } from '../../core/ledger/keys.js';
import {
  FAILED_INVOCATION_TTL_DAYS,
  type FailedInvocation,
  failedInvocationKey,
} from '../../core/redrive/failed-invocations.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite } from '../ledger/ledger-writes.js';

/**
 * Records that request `requestId` of `functionArn` failed with the event whose digest is `digest`: what the re-drive
 * later requires before it invokes a dead letter again (core/redrive/failed-invocations.ts). Each failed attempt
 * writes it; the same request writes the same item.
 */
export async function recordFailedInvocation(
  requestId: string,
  functionArn: string,
  digest: string,
  now: Date,
): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: ledgerTable(),
      Item: {
        ...failedInvocationKey(requestId),
        kind: 'failed-invocation',
        functionArn,
        digest,
        failedAt: now.toISOString(),
        expiresAt: ttlAfter(now, FAILED_INVOCATION_TTL_DAYS),
      },
    }),
  );
}

/** What was recorded of failed request `requestId`, if anything. */
export async function readFailedInvocation(requestId: string): Promise<FailedInvocation | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: failedInvocationKey(requestId), ConsistentRead: true }),
  );
  const item = out.Item;
  if (!item || typeof item.functionArn !== 'string' || typeof item.digest !== 'string') return undefined;
  return {
    functionArn: item.functionArn,
    digest: item.digest,
    failedAt: String(item.failedAt ?? ''),
    ...(typeof item.consumedBy === 'string' ? { consumedBy: item.consumedBy } : {}),
  };
}

/**
 * Consumes the record for the re-drive of dead letter `messageId`, conditionally: only while it still names the
 * function and digest that were checked and no other dead letter consumed it. A replay loses the race.
 * @returns false when the condition failed (another message consumed it, or it changed).
 */
export async function consumeFailedInvocation(
  requestId: string,
  expected: { functionArn: string; digest: string },
  messageId: string,
  now: Date,
): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: failedInvocationKey(requestId),
        UpdateExpression: 'SET consumedBy = :message, consumedAt = if_not_exists(consumedAt, :now)',
        ConditionExpression:
          'functionArn = :fn AND digest = :digest AND (attribute_not_exists(consumedBy) OR consumedBy = :message)',
        ExpressionAttributeValues: {
          ':message': messageId,
          ':now': now.toISOString(),
          ':fn': expected.functionArn,
          ':digest': expected.digest,
        },
      }),
    ),
  );
}
