import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { addLedgerFormat, type FormatStack } from '../ledger/ledger-format.js';
import { defaultRegion, makeClient } from './registry.js';

/** The cached DynamoDB client for `region` (default: the function's own region). */
export function dynamodbClient(region?: string): DynamoDBClient {
  return makeClient('dynamodb', DynamoDBClient, region);
}

/** The ledger table's name: `LEDGER_TABLE`, which every stack that lets a function use the ledger sets. */
export function ledgerTable(): string {
  const name = process.env.LEDGER_TABLE;
  if (!name) throw new Error('LEDGER_TABLE is not set');
  return name;
}

const documentClients = new Map<string, { base: DynamoDBClient; doc: DynamoDBDocumentClient }>();

/**
 * The DynamoDB document client (plain JS values in and out, undefined attributes dropped), with the ledger's record
 * format on every request (aws/ledger/ledger-format.ts). Its middleware stack is its own copy of the base client's (the
 * document client shares the base client's stack otherwise), so the format applies to document requests only.
 */
export function documentClient(region: string = defaultRegion()): DynamoDBDocumentClient {
  const base = dynamodbClient(region);
  const existing = documentClients.get(region);
  // configureClients replaces the base client; a document client wrapping the old one must not outlive it.
  if (existing?.base === base) return existing.doc;
  const doc = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  doc.middlewareStack = doc.middlewareStack.clone();
  addLedgerFormat(doc.middlewareStack as unknown as FormatStack);
  documentClients.set(region, { base, doc });
  return doc;
}
