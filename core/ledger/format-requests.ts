import { openWorkIndex } from './keys.js';
import {
  FORMAT_NAME,
  guardCondition,
  itemKeyOf,
  RECORD_FORMAT_ATTRIBUTE,
  RecordFormatError,
  refusalOf,
  stampItem,
  stampUpdateExpression,
  withFormatProjection,
} from './record-format.js';

/**
 * What the record format changes in a ledger request and its answer, by DynamoDB operation (the document client's
 * commands resolve to these names). Pure: aws/ledger/ledger-format.ts runs it on every request of the document client, so no
 * writer or reader of the ledger spells the format itself.
 *
 * - writes (PutItem, UpdateItem, DeleteItem): stamped with this release's format, and conditional on the item
 *   holding no newer record; BatchWriteItem takes no conditions, so its puts are only stamped; a TransactWriteItems
 *   is shaped by its writer, action by action, with this function (core/ledger/format-transactions.ts);
 * - reads (GetItem, Query, Scan, BatchGetItem): a projection also reads the format; a newer record is refused: a
 *   GetItem throws {@link RecordFormatError}, a page of many leaves it out (the others are read as usual).
 */

type Input = Record<string, unknown>;
type Item = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request as this release sends it to the ledger table `table`; other tables' requests are left as they are. */
export function shapeLedgerRequest(operation: string, input: Input, table: string): Input {
  const batch = input.RequestItems;
  if (isRecord(batch) && batch[table] !== undefined) {
    const request = batch[table];
    // BatchGetItem: `{ Keys, ProjectionExpression }`; BatchWriteItem: `[{ PutRequest: { Item } } | { DeleteRequest }]`.
    const shaped = Array.isArray(request)
      ? request.map((r) =>
          isRecord(r?.PutRequest) ? { PutRequest: { Item: stampItem(r.PutRequest.Item as Item) } } : r,
        )
      : withFormatProjection(request as Input);
    return { ...input, RequestItems: { ...batch, [table]: shaped } };
  }
  if (input.TableName !== table) return input;
  switch (operation) {
    case 'PutItemCommand':
      return guardCondition({ ...input, Item: stampItem(input.Item as Item) });
    case 'UpdateItemCommand':
      return guardCondition({
        ...input,
        UpdateExpression: stampUpdateExpression(String(input.UpdateExpression ?? '')),
      });
    case 'DeleteItemCommand':
      return guardCondition(input);
    // The open-work index holds every attribute; the image-view index projects only the gauges' few, not the format.
    case 'QueryCommand':
    case 'ScanCommand':
      return input.IndexName === undefined || input.IndexName === openWorkIndex.name
        ? withFormatProjection(input)
        : input;
    case 'GetItemCommand':
      return withFormatProjection(input);
    default:
      return input;
  }
}

/** A newer record a read left out: its key and why. */
export interface RefusedRecord {
  key: string;
  reason: string;
}

/**
 * The answer without the records this release does not read, and those records. A GetItem's one record is not
 * left out but refused by throwing: its caller asked for that record and must not go on as if it were absent.
 * @throws RecordFormatError for a GetItem of a newer record
 */
export function screenLedgerOutput(
  operation: string,
  input: Input,
  output: Input,
  table: string,
): { output: Input; refused: RefusedRecord[] } {
  const refused: RefusedRecord[] = [];
  /** The items this release reads, as their reader asked for them; the others go to `refused`. */
  const screen = (request: Input, items: Item[]): Item[] =>
    items.flatMap((item) => {
      const reason = refusalOf(item);
      if (reason) refused.push({ key: itemKeyOf(item), reason });
      return reason ? [] : [asAsked(request, item)];
    });
  if (operation === 'GetItemCommand' && input.TableName === table && isRecord(output.Item)) {
    const [item] = screen(input, [output.Item]);
    const first = refused[0];
    if (first) throw new RecordFormatError(first.key, first.reason);
    return { output: { ...output, Item: item }, refused };
  }
  if ((operation === 'QueryCommand' || operation === 'ScanCommand') && input.TableName === table) {
    if (!Array.isArray(output.Items)) return { output, refused };
    const Items = screen(input, output.Items as Item[]);
    return { output: { ...output, Items, Count: Items.length }, refused };
  }
  const responses = output.Responses;
  if (operation === 'BatchGetItemCommand' && isRecord(responses) && Array.isArray(responses[table])) {
    const requests = isRecord(input.RequestItems) ? input.RequestItems[table] : undefined;
    const items = screen(isRecord(requests) ? requests : {}, responses[table] as Item[]);
    return { output: { ...output, Responses: { ...responses, [table]: items } }, refused };
  }
  return { output, refused };
}

/** Whether the format was added to the request's projection here (the caller asked for other attributes only). */
function projectedByUs(request: Input): boolean {
  const projection = request.ProjectionExpression;
  return typeof projection === 'string' && projection.endsWith(`, ${FORMAT_NAME}`);
}

/** The item with only what its reader's projection asked for: the format read for the check is taken out again. */
function asAsked(request: Input, item: Item): Item {
  if (!projectedByUs(request) || !(RECORD_FORMAT_ATTRIBUTE in item)) return item;
  const { [RECORD_FORMAT_ATTRIBUTE]: _format, ...asked } = item;
  return asked;
}
