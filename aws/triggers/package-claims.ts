import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { markerKey } from '../../core/ledger/keys.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite } from '../ledger/ledger-writes.js';

/**
 * Releases a package release's dedupe marker whose build does not hold the release (core/triggers/package-release.ts):
 * the marker becomes `released` and counts the release, so the next announcement of that release builds, with a new
 * client token. Conditional on the marker being the claim this build started (`started`, with this build's ARN): a
 * retry after the release, or a marker another build has since claimed, changes nothing.
 * @returns true when this call released it.
 */
export async function releasePackageClaim(dedupeKey: string, buildVersionArn: string, at: string): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: markerKey(dedupeKey),
        UpdateExpression: 'SET #state = :released, releasedAt = :at, releases = if_not_exists(releases, :zero) + :one',
        ConditionExpression: '#state = :started AND buildVersionArn = :arn',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':released': 'released',
          ':started': 'started',
          ':arn': buildVersionArn,
          ':at': at,
          ':zero': 0,
          ':one': 1,
        },
      }),
    ),
  );
}
