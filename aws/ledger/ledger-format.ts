import { type RefusedRecord, screenLedgerOutput, shapeLedgerRequest } from '../../core/ledger/format-requests.js';
import { RecordFormatError } from '../../core/ledger/record-format.js';

/**
 * The ledger's record format on every request of the document client (core/ledger/format-requests.ts): writes
 * stamped and kept off newer records, reads refusing newer records. Added to the document client's own middleware
 * stack (aws/clients/dynamodb.ts) at the initialize step, where a request is still plain values: lib-dynamodb
 * marshals it just before the serializer and unmarshals the answer just after the deserializer
 * (@aws-sdk/lib-dynamodb `DynamoDBDocumentClientCommand.addMarshallingMiddleware`).
 */

/**
 * Where a refused record is reported: the Lambda middleware (functions/lib) logs and counts it; aws/ cannot import
 * it (imports run one way), so it registers here.
 */
export const ledgerFormatHooks: { onRefused: (record: RefusedRecord, operation: string) => void } = {
  onRefused: () => undefined,
};

type Values = Record<string, unknown>;
interface Answer {
  output: Values;
}

/** The part of a client's middleware stack this uses (the SDK's `MiddlewareStack`). */
export interface FormatStack {
  add(
    mw: (
      next: (args: { input: Values }) => Promise<Answer>,
      context: { commandName?: string },
    ) => (args: { input: Values }) => Promise<Answer>,
    options: { step: 'initialize'; name: string },
  ): void;
}

/** Adds the record format to every ledger request sent through a client with this stack. */
export function addLedgerFormat(stack: FormatStack): void {
  stack.add(
    (next, context) => async (args) => {
      const table = process.env.LEDGER_TABLE;
      const operation = context.commandName ?? '';
      if (!table) return next(args);
      const input = shapeLedgerRequest(operation, args.input, table);
      const answer = await next({ ...args, input });
      try {
        const screened = screenLedgerOutput(operation, input, answer.output, table);
        for (const record of screened.refused) ledgerFormatHooks.onRefused(record, operation);
        return { ...answer, output: screened.output };
      } catch (error) {
        if (error instanceof RecordFormatError) ledgerFormatHooks.onRefused(error, operation);
        throw error;
      }
    },
    { step: 'initialize', name: 'goldsmithLedgerRecordFormat' },
  );
}
