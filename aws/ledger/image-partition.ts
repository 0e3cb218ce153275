import { GetCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { buildSk, imagePk, skPrefix } from '../../core/ledger/keys.js';
import type { OutcomeRef } from '../../core/status/gauge-reads.js';
import type { LedgerItem } from '../../core/status/image-view.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { batchGetItems } from './batch-get.js';

/**
 * Every ledger item of one image (its whole partition, paginated, strongly consistent), for the operator's
 * `status` / `history`. `table` defaults to the function's `LEDGER_TABLE`.
 */
export async function readImagePartition(image: string, table: string = ledgerTable()): Promise<LedgerItem[]> {
  return readPartition(imagePk(image), table);
}

/**
 * Some sort-key prefixes of an image's partition: the daily sweep reads its builds, outcomes, revocations, pointers,
 * usage, holds and out-of-cycle rebuilds (`readImagePartitionByPrefix`), and not the rest of the partition (pointer
 * history, shares, decisions, approvals, gates, soaks: most of its bytes, growing with every promotion). Items are
 * raw, as each prefix's own reader returns them.
 */
export class ImagePartition {
  private readonly byPrefix = new Map<string, LedgerItem[]>();

  constructor(items: readonly LedgerItem[], prefixes: readonly string[]) {
    for (const prefix of prefixes) this.byPrefix.set(prefix, []);
    for (const item of items) {
      const sk = typeof item.sk === 'string' ? item.sk : '';
      const hash = sk.indexOf('#');
      // An item of a prefix nobody asked for, read because it sorts between two that were, is left out.
      this.byPrefix.get(hash < 0 ? sk : sk.slice(0, hash + 1))?.push(item);
    }
  }

  /** The items whose sort key starts with `prefix`, one of the prefixes read (core/ledger/keys.ts). */
  of<T>(prefix: string): T[] {
    const items = this.byPrefix.get(prefix);
    if (!items) throw new Error(`the sort-key prefix ${prefix} was not read from the image's partition`);
    return [...items] as T[];
  }
}

/** The smallest sort key above every key starting with `prefix` (`BUILD#` → `BUILD$`: `$` follows `#` in UTF-8). */
function pastPrefix(prefix: string): string {
  return `${prefix.slice(0, -1)}${String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)}`;
}

/** How `readImagePartitionByPrefix` reads. */
export interface PartitionReadOptions {
  /** The ledger table (default: the function's `LEDGER_TABLE`). */
  table?: string;
  /** Strongly consistent (the default), or not: half the read units, for a read that needs no write made just before it. */
  consistent?: boolean;
  /** The table's Region (default: the function's own), for a reader outside it (`preflight`). */
  region?: string;
  /**
   * Only these attributes of each item (`sk` is always read): a smaller answer, the same read units (DynamoDB bills
   * the whole items: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ProjectionExpressions.html).
   */
  attributes?: readonly string[];
}

/**
 * The items of `image` under the prefixes of `groups` (whole prefixes up to their `#`), strongly consistent unless
 * `options.consistent` is false: one paginated Query per group, over the sort keys from its first prefix to past its
 * last (`sk BETWEEN`). A group holds prefixes next to each other in the partition's sort-key order, so the range
 * reads little else; what else it reads is left out. A Query reads, and is billed for, only the items its key
 * condition matches (their sizes summed, rounded up to 4 KB:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html), in sort-key order
 * (strings by their UTF-8 bytes).
 */
export async function readImagePartitionByPrefix(
  image: string,
  groups: readonly (readonly string[])[],
  options: PartitionReadOptions = {},
): Promise<ImagePartition> {
  const { table = ledgerTable(), consistent = true, region, attributes } = options;
  const projected = attributes?.length ? [...new Set(['sk', ...attributes])] : [];
  const names = projectionNames(projected);
  const read = await Promise.all(
    groups.map(async (group) => {
      const sorted = [...group].sort();
      const items: LedgerItem[] = [];
      const pages = paginateQuery(
        { client: documentClient(region) },
        {
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :past',
          ExpressionAttributeValues: {
            ':pk': imagePk(image),
            ':from': sorted[0],
            ':past': pastPrefix(sorted[sorted.length - 1] ?? ''),
          },
          ...(consistent ? { ConsistentRead: true } : {}),
          ...(names ? { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names } : {}),
        },
      );
      for await (const page of pages) items.push(...((page.Items ?? []) as LedgerItem[]));
      return items;
    }),
  );
  return new ImagePartition(read.flat(), groups.flat());
}

/** Every item of one ledger partition (`ORG`, `COMPLIANCE`, an image's), paginated and strongly consistent. */
export async function readPartition(pk: string, table: string = ledgerTable()): Promise<LedgerItem[]> {
  const items: LedgerItem[] = [];
  const pages = paginateQuery(
    { client: documentClient() },
    {
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) items.push(...((page.Items ?? []) as LedgerItem[]));
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
  const table = options.table ?? ledgerTable();
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

/** One build's ledger record (`BUILD#<version>`), if any. */
export async function getBuildRecord(image: string, version: string): Promise<LedgerItem | undefined> {
  const table = ledgerTable();
  const out = await documentClient().send(
    new GetCommand({ TableName: table, Key: { pk: imagePk(image), sk: buildSk(version) }, ConsistentRead: true }),
  );
  return out.Item;
}
