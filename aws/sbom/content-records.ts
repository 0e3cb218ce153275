import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { contentItem, type RecordedContent, scanItem } from '../../core/sbom/ledger-content.js';
import type { VersionFinding } from '../../core/sbom/model.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';

/**
 * Records what a version is made of (`CONTENT#<version>`) and what its build's scan found (`SCAN#<version>`),
 * core/sbom/ledger-content.ts's items. Both idempotent: the same build gives the same item.
 */

/**
 * Records a build's content. `builtAt` and `packageSource` keep their first value (`if_not_exists`): the reconciler
 * handles a missed AVAILABLE at the time it observes it, and a container's packages read from Inspector's export
 * since (`inspector`) must not be turned back into `none` by a re-delivered event. Everything else is GetImage's,
 * the same on every delivery.
 */
export async function recordContent(content: RecordedContent): Promise<void> {
  const { pk, sk, builtAt, packageSource, ...rest } = contentItem(content);
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':builtAt': builtAt, ':packageSource': packageSource };
  const sets = [
    'builtAt = if_not_exists(builtAt, :builtAt)',
    'packageSource = if_not_exists(packageSource, :packageSource)',
  ];
  for (const [i, [name, value]] of Object.entries(rest).entries()) {
    names[`#a${i}`] = name;
    values[`:a${i}`] = value;
    sets.push(`#a${i} = :a${i}`);
  }
  await documentClient().send(
    new UpdateCommand({
      TableName: ledgerTable(),
      Key: { pk, sk },
      UpdateExpression: `SET ${sets.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

/** Records the findings the gate read for a build (a Put of the whole list: the same scan writes the same item). */
export async function recordScanFindings(
  image: string,
  version: string,
  findings: readonly VersionFinding[],
): Promise<void> {
  await documentClient().send(new PutCommand({ TableName: ledgerTable(), Item: scanItem(image, version, findings) }));
}
