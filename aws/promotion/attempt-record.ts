import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { attemptSk, imagePk } from '../../core/ledger/keys.js';
import type { AttemptRecord } from '../../core/promotion/attempts.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';

/**
 * The attempt record of a version (`ATTEMPT#<v>#current`, core/promotion/attempts.ts), read alone: the operator's
 * `promote --through-gates` decides on it, and Publish names the rollout it starts after it. One strongly consistent
 * GetItem. Undefined when no attempt after the first ever began.
 */
export async function getAttemptRecord(image: string, version: string): Promise<AttemptRecord | undefined> {
  const out = await documentClient().send(
    new GetCommand({
      TableName: ledgerTable(),
      Key: { pk: imagePk(image), sk: attemptSk(version) },
      ConsistentRead: true,
    }),
  );
  return out.Item as AttemptRecord | undefined;
}
