import { PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { chunkSkOf, chunksOf } from '../../core/rollout/group-chunks.js';
import type { RolloutRecord } from '../../core/rollout/record.js';
import { rolloutRecordsOf } from '../../core/status/rollout-records.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';

/**
 * The chunk items that hold each rollout wave's groups beside its record (core/rollout/group-chunks.ts), and the one
 * way the ledger's rollout records are read with their groups: a query by sort key prefix, every page, each record
 * put back together with its chunks.
 */

/**
 * Every rollout record whose sort key starts with `prefix` in partition `pk`, each with its waves' groups
 * (strongly consistent, paginated: the engine and the operator decide on them).
 */
export async function readRolloutsUnder(pk: string, prefix: string): Promise<(RolloutRecord & { sk: string })[]> {
  const items: Record<string, unknown>[] = [];
  const pages = paginateQuery(
    { client: documentClient() },
    {
      TableName: ledgerTable(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) items.push(...(page.Items ?? []));
  return rolloutRecordsOf(items).map((r) => {
    const { pk: _pk, kind: _kind, ...record } = r as RolloutRecord & { pk?: unknown; kind?: unknown; sk: string };
    return record;
  });
}

/** A record read without its chunks (an index, an update's new image), with its waves' groups read back. */
export async function withGroups(pk: string, sk: string, record: RolloutRecord): Promise<RolloutRecord> {
  if (!record.waves.some((w) => (w.groupChunks ?? 0) > 0)) return record;
  const [full] = (await readRolloutsUnder(pk, sk)).filter((r) => r.sk === sk);
  if (!full) return record;
  const { sk: _sk, ...rest } = full;
  return { ...rest, ...record, waves: record.waves.map((w, i) => ({ ...w, groups: full.waves[i]?.groups ?? [] })) };
}

/**
 * Writes the chunks of `record`'s waves that differ from `before`'s (all of them without `before`): each a plain
 * put of the same key, so a retried step rewrites the same chunks. Written before the record moves on, so the record
 * never counts a chunk the ledger does not hold.
 */
export async function writeGroupChunks(
  pk: string,
  sk: string,
  record: Pick<RolloutRecord, 'waves'>,
  before?: Pick<RolloutRecord, 'waves'>,
): Promise<void> {
  const had = new Map((before ? chunksOf(sk, before.waves) : []).map((c) => [c.sk, JSON.stringify(c.groups)]));
  for (const chunk of chunksOf(sk, record.waves)) {
    if (had.get(chunk.sk) === JSON.stringify(chunk.groups)) continue;
    await documentClient().send(
      new PutCommand({ TableName: ledgerTable(), Item: { pk, ...chunk, sk: chunkSkOf(sk, chunk.wave, chunk.chunk) } }),
    );
  }
}
