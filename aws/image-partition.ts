import { GetCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { buildSk, imagePk, skPrefix } from '../core/ledger/keys.js';
import type { OutcomeRef } from '../core/status/gauge-reads.js';
import type { LedgerItem } from '../core/status/image-view.js';
import { batchGetItems } from './batch-get.js';
import { documentClient } from './clients/dynamodb.js';

/**
 * Every ledger item of one image (its whole partition, paginated, strongly consistent), for the health gauges and
 * the operator's `status` / `history`. `table` defaults to the function's `LEDGER_TABLE`.
 */
export async function readImagePartition(image: string, table = process.env.LEDGER_TABLE): Promise<LedgerItem[]> {
  if (!table) throw new Error('LEDGER_TABLE is not set');
  const items: LedgerItem[] = [];
  const pages = paginateQuery(
    { client: documentClient() },
    {
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': imagePk(image) },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) items.push(...((page.Items ?? []) as LedgerItem[]));
  return items;
}

/** A range of one image's sort keys: from `from` (inclusive) to `to` (inclusive). */
export interface SortKeyRange {
  readonly from: string;
  readonly to: string;
}

/**
 * The ledger items of one image in the given sort-key ranges (all their attributes, or only `attributes`): one paginated, strongly consistent Query per range
 * with a `BETWEEN` key condition, so DynamoDB reads (and bills) only those items rather than the whole partition
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.KeyConditionExpressions.html). Items come
 * range by range, each in sort-key order.
 */
export async function readImageRanges(
  image: string,
  ranges: readonly SortKeyRange[],
  options: { attributes?: readonly string[]; table?: string } = {},
): Promise<LedgerItem[]> {
  const table = options.table ?? process.env.LEDGER_TABLE;
  if (!table) throw new Error('LEDGER_TABLE is not set');
  // Only the named attributes come back (a ProjectionExpression): DynamoDB still reads whole items, but a build's
  // AMIs per Region and its cost stay out of the response the function downloads and parses
  // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ProjectionExpressions.html).
  // Names go through placeholders: several (`status`, `version`, `channel`) are reserved words.
  const names = projectionNames(options.attributes ?? []);
  const projection = names
    ? { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names }
    : {};
  const items: LedgerItem[] = [];
  for (const range of ranges) {
    const pages = paginateQuery(
      { client: documentClient() },
      {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': imagePk(image), ':from': range.from, ':to': range.to },
        ConsistentRead: true,
        ...projection,
      },
    );
    for await (const page of pages) items.push(...((page.Items ?? []) as LedgerItem[]));
  }
  return items;
}

/** Placeholders for a projection's attribute names (several, such as `status`, are reserved words). */
function projectionNames(attributes: readonly string[]): Record<string, string> | undefined {
  return attributes.length > 0 ? Object.fromEntries(attributes.map((a, i) => [`#a${i}`, a])) : undefined;
}

/**
 * Some channel decisions (`PROMOTION#<version>#<channel>`) of several images, by key: one BatchGetItem per 100 keys
 * whatever the number of images, instead of a Query over every decision each image ever had. Decisions not recorded
 * are absent; each image's come in sort-key order, as a Query would have given them.
 */
export async function readOutcomes(
  wanted: readonly { image: string; refs: readonly OutcomeRef[] }[],
  options: { attributes?: readonly string[]; table?: string } = {},
): Promise<Map<string, LedgerItem[]>> {
  const table = options.table ?? process.env.LEDGER_TABLE;
  if (!table) throw new Error('LEDGER_TABLE is not set');
  const byPk = new Map(wanted.map((w) => [imagePk(w.image), w.image]));
  const found = new Map<string, LedgerItem[]>(wanted.map((w) => [w.image, []]));
  const keys = wanted.flatMap((w) =>
    w.refs.map((r) => ({ pk: imagePk(w.image), sk: `${skPrefix.promotion}${r.version}#${r.channel}` })),
  );
  if (keys.length === 0) return found;
  // `pk` tells the images apart in the one answer.
  const attributes = options.attributes?.length ? [...new Set([...options.attributes, 'pk'])] : [];
  const names = projectionNames(attributes);
  const items = await batchGetItems(table, keys, names && { expression: Object.keys(names).join(', '), names });
  for (const item of items as LedgerItem[]) found.get(byPk.get(String(item.pk)) ?? '')?.push(item);
  for (const list of found.values()) list.sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
  return found;
}

/**
 * Every sort key from the first that starts with `first` to the last that starts with `last` (both `skPrefix`
 * values): `prefixRange(skPrefix.promotion, skPrefix.promotion)` is one kind; `prefixRange(skPrefix.approval,
 * skPrefix.channel)` is every kind that sorts between them too (BUILD#).
 */
export function prefixRange(first: string, last: string): SortKeyRange {
  // U+FFFF sorts after every character of our keys (ASCII): DynamoDB compares the keys' UTF-8 bytes.
  return { from: first, to: `${last}\uffff` };
}

/** One build's ledger record (`BUILD#<version>`), if any. */
export async function getBuildRecord(image: string, version: string): Promise<LedgerItem | undefined> {
  const table = process.env.LEDGER_TABLE;
  if (!table) throw new Error('LEDGER_TABLE is not set');
  const out = await documentClient().send(
    new GetCommand({ TableName: table, Key: { pk: imagePk(image), sk: buildSk(version) }, ConsistentRead: true }),
  );
  return out.Item;
}
