import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { imagePk, imageViewIndex } from '../../core/ledger/keys.js';
import type { LedgerItem } from '../../core/status/image-view.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';

const IMAGE_PREFIX = imagePk('');

/**
 * The attributes read: the table's keys and what the index projects, not the index's own keys (`view`, the same for
 * every item, and `viewSk`, the image and sort key again), which no reader uses: a fifth of the bytes of the
 * largest Query of a simulated quarter (792 Queries, 9.0 MB returned). "Amazon DynamoDB returns all the item
 * attributes by default. To get only some, rather than all of the attributes, use a projection expression"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ProjectionExpressions.html); names as
 * placeholders, since several (`status`, `at`) are reserved words.
 */
const READ_NAMES = Object.fromEntries(['pk', 'sk', ...imageViewIndex.projected].map((a, i) => [`#r${i}`, a]));
const READ_PROJECTION = Object.keys(READ_NAMES).join(', ');

/**
 * Every image's builds, approvals and channel pointers, from the `image-view` index (core/ledger/keys.ts): one
 * paginated Query for all images, in place of one range Query per image. Each image's items come in sort-key
 * order, with the attributes the index projects (`imageViewIndex.projected`, and `pk`, `sk`). Eventually consistent
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.ReadConsistency.html: reads from a
 * global secondary index are): for gauges, not for decisions. `table` defaults to the function's `LEDGER_TABLE`.
 */
export async function readImageViews(table: string = ledgerTable()): Promise<Map<string, LedgerItem[]>> {
  const byImage = new Map<string, LedgerItem[]>();
  const pages = paginateQuery(
    { client: documentClient() },
    {
      TableName: table,
      IndexName: imageViewIndex.name,
      KeyConditionExpression: '#view = :view',
      ExpressionAttributeNames: { '#view': imageViewIndex.partitionKey, ...READ_NAMES },
      ExpressionAttributeValues: { ':view': imageViewIndex.value },
      ProjectionExpression: READ_PROJECTION,
    },
  );
  for await (const page of pages) {
    for (const item of (page.Items ?? []) as LedgerItem[]) {
      const pk = String(item.pk);
      if (!pk.startsWith(IMAGE_PREFIX)) continue;
      const image = pk.slice(IMAGE_PREFIX.length);
      const items = byImage.get(image) ?? [];
      items.push(item);
      byImage.set(image, items);
    }
  }
  return byImage;
}
