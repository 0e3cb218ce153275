/** A ledger item as DynamoDB's document client returns it. */
export type LedgerItem = Record<string, unknown>;

/** A ledger item's string field, or '' when the item or the field is absent or the field not a string. */
export const fieldText = (item: LedgerItem | undefined, field: string): string =>
  typeof item?.[field] === 'string' ? (item[field] as string) : '';
