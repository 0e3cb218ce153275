import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../aws/clients.js';

export type Item = Record<string, unknown>;

export async function scanLedger(table: string): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of paginateScan({ client: documentClient() }, { TableName: table })) {
    items.push(...((page.Items ?? []) as Item[]));
  }
  return items;
}

export const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
