/** A ledger item as DynamoDB's document client returns it. */
export type LedgerItem = Record<string, unknown>;
