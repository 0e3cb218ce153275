import { shapeLedgerRequest } from './format-requests.js';

type Input = Record<string, unknown>;

const SINGLE: Readonly<Record<string, string>> = {
  Put: 'PutItemCommand',
  Update: 'UpdateItemCommand',
  Delete: 'DeleteItemCommand',
};

/**
 * A TransactWriteItems on the ledger `table` as this release sends it: each Put, Update and Delete shaped as its
 * single-item request is (core/ledger/format-requests.ts: stamped with the record format, conditional on the item
 * holding no newer record); actions on other tables, and ConditionChecks, as they are. The document client's
 * middleware leaves transactions to their writer, so the format's code for them is bundled only with the functions
 * that write one (aws/promotion/promotion-attempts.ts, aws/fleet/usage-writes.ts).
 */
export function shapeLedgerTransaction<T extends Input>(items: readonly T[], table: string): T[] {
  return items.map(
    (action) =>
      Object.fromEntries(
        Object.entries(action).map(([kind, request]) => {
          const single = SINGLE[kind];
          return [kind, single ? shapeLedgerRequest(single, request as Input, table) : request];
        }),
      ) as T,
  );
}
