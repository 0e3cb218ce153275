import { paginateQuery, paginateScan } from '@aws-sdk/lib-dynamodb';
import { type OpenWorkKind, openWorkIndex } from '../../core/ledger/keys.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';

/** A filter on an open-work Query: what makes an item of that kind still open, restated (the index lags). */
export interface OpenWorkFilter {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** One kind of open work and the condition its readers restate: what a reader asks of the index. */
export interface OpenWorkRequest {
  kind: OpenWorkKind;
  filter?: OpenWorkFilter;
}

/**
 * Every ledger item of one kind of open work, from the sparse `open-work` index (core/ledger/keys.ts): one paginated
 * Query whatever the size of the ledger's history. The index is eventually consistent
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.ReadConsistency.html: "All reads from
 * GSIs ... are eventually consistent"): an item opened a moment
 * ago may be missing and one closed a moment ago may still be listed, so `filter` restates the item's open condition
 * and callers act through conditional writes.
 */
export async function openWorkItems<T>(
  kind: OpenWorkKind,
  filter?: OpenWorkFilter,
  /** Only these attributes of each item (a projection), when the items are large and the caller needs few. */
  attributes?: readonly string[],
  /** Another stage's ledger than the function's (`goldsmith preflight --stage` reads the stage's with the operators' credentials). */
  at?: { table: string; region: string },
): Promise<T[]> {
  const table = at?.table ?? ledgerTable();
  const found: T[] = [];
  const pages = paginateQuery(
    { client: documentClient(at?.region) },
    {
      TableName: table,
      IndexName: openWorkIndex.name,
      KeyConditionExpression: '#open = :kind',
      ...(filter ? { FilterExpression: filter.expression } : {}),
      ...(attributes ? { ProjectionExpression: attributes.map((_, i) => `#p${i}`).join(', ') } : {}),
      ExpressionAttributeNames: {
        '#open': openWorkIndex.partitionKey,
        ...filter?.names,
        ...Object.fromEntries((attributes ?? []).map((a, i) => [`#p${i}`, a])),
      },
      ExpressionAttributeValues: { ':kind': kind, ...filter?.values },
    },
  );
  for await (const page of pages) found.push(...((page.Items ?? []) as T[]));
  return found;
}

/**
 * What one read of the open-work index found for several kinds at once ({@link readOpenWork}): each kind's items, the
 * ones the kind's own Query would list, and the filter they were read with.
 */
export class OpenWork {
  constructor(
    private readonly read: ReadonlyMap<OpenWorkKind, { request: OpenWorkRequest; items: unknown[] }>,
    /** The index entries the Scan read, and of them those the filter kept: what the read cost against what it found. */
    readonly counts: { scanned: number; kept: number },
  ) {}

  /**
   * The items of `request`'s kind, when this read holds that kind under the same filter (the same object); undefined
   * otherwise ({@link openItemsOf} refuses that).
   */
  itemsOf<T>(request: OpenWorkRequest): T[] | undefined {
    const found = this.read.get(request.kind);
    return found && found.request.filter === request.filter ? ([...found.items] as T[]) : undefined;
  }
}

/** Prefixes every placeholder (`#name`, `:value`) of an expression, so filters of several kinds can share one. */
const prefixed = (expression: string, prefix: string) =>
  expression.replace(/([#:])([A-Za-z0-9_]+)/g, (_, sigil: string, name: string) => `${sigil}${prefix}${name}`);

/**
 * One filter for a Scan of the index that keeps, of each requested kind, the items its own Query would keep: `(kind
 * is k0 AND its condition) OR (kind is k1) OR …`, each kind's placeholders prefixed (`#k0_status`) so they cannot
 * clash. Items of kinds not requested are read and left out.
 */
export function combinedFilter(requests: readonly OpenWorkRequest[]): Required<OpenWorkFilter> {
  const names: Record<string, string> = { '#open': openWorkIndex.partitionKey };
  const values: Record<string, unknown> = {};
  const terms = requests.map((request, i) => {
    const prefix = `k${i}_`;
    values[`:kind${i}`] = request.kind;
    const { filter } = request;
    if (!filter) return `#open = :kind${i}`;
    for (const [name, attribute] of Object.entries(filter.names ?? {})) names[prefixed(name, prefix)] = attribute;
    for (const [name, value] of Object.entries(filter.values ?? {})) values[prefixed(name, prefix)] = value;
    return `(#open = :kind${i} AND (${prefixed(filter.expression, prefix)}))`;
  });
  return { expression: terms.join(' OR '), names, values };
}

/**
 * Every open item of several kinds in one paginated Scan of the sparse index, instead of a Query per kind: the index
 * holds only what is open, so the Scan reads what those Queries would, plus the open items of the kinds not asked
 * for (left out by the filter). "The Scan operation returns one or more items and item attributes by accessing every
 * item in a table or a secondary index", and "first reads up to ... 1 MB of data and then applies any filtering"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Scan.html); like every read of a global
 * secondary index it is eventually consistent, as the Queries were. AWS documents no order for a Scan's items: the
 * readers that need an order sort what they get (intents, decisions, pauses); the others act on each item alone. A
 * failed Scan fails the read of every kind at once: the run fails and is retried, where each Query failed alone.
 */
export async function readOpenWork(requests: readonly OpenWorkRequest[]): Promise<OpenWork> {
  const byKind = new Map(requests.map((request) => [request.kind, { request, items: [] as unknown[] }]));
  if (byKind.size !== requests.length) throw new Error('readOpenWork: each kind once');
  const filter = combinedFilter(requests);
  const pages = paginateScan(
    { client: documentClient() },
    {
      TableName: ledgerTable(),
      IndexName: openWorkIndex.name,
      FilterExpression: filter.expression,
      ExpressionAttributeNames: filter.names,
      ExpressionAttributeValues: filter.values,
    },
  );
  const counts = { scanned: 0, kept: 0 };
  for await (const page of pages) {
    counts.scanned += page.ScannedCount ?? 0;
    counts.kept += page.Count ?? 0;
    for (const item of page.Items ?? []) byKind.get(item[openWorkIndex.partitionKey] as OpenWorkKind)?.items.push(item);
  }
  return new OpenWork(byKind, counts);
}

/**
 * The open items of `request`'s kind: from `read` when given (a read that does not hold the kind under this filter is
 * a caller's mistake, refused: the reconciler's role may Scan the index, not Query it), else the kind's own Query.
 */
export async function openItemsOf<T>(request: OpenWorkRequest, read?: OpenWork): Promise<T[]> {
  if (!read) return openWorkItems<T>(request.kind, request.filter);
  const items = read.itemsOf<T>(request);
  if (!items) throw new Error(`the read of the open-work index holds no ${request.kind} items under this condition`);
  return items;
}
