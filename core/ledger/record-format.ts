/**
 * The ledger's record format: every item Goldsmith writes carries `recordFormat`, the format its writer wrote, so a
 * release reads the records of the release before it and refuses, untouched, those of a release after it
 * (docs/upgrading.md, "Records and events"). Pure: aws/ledger/ledger-format.ts applies these to every ledger request.
 *
 * | format | written by | what it adds |
 * | --- | --- | --- |
 * | 1 | 0.2.0 and before (no attribute) | — |
 * | 2 | this release | `recordFormat`; every item carries the index keys its kind needs (core/ledger/migrations.ts) |
 */

/** The attribute every ledger item carries. */
export const RECORD_FORMAT_ATTRIBUTE = 'recordFormat';

/** The format this release writes, and the newest it reads. */
export const RECORD_FORMAT = 2;

/** The format of an item without the attribute: what release 0.2.0 and before wrote. */
export const UNVERSIONED_RECORD_FORMAT = 1;

/** Expression placeholders of the attribute and of this release's format (no writer of ours uses these names). */
export const FORMAT_NAME = '#gsRecordFormat';
export const FORMAT_VALUE = ':gsRecordFormat';

/**
 * Why this release refuses `item`, or undefined when it reads it: formats 1 (no attribute) to {@link RECORD_FORMAT}
 * are read; a newer format, or a value that is no format, is refused.
 */
export function refusalOf(item: Readonly<Record<string, unknown>>): string | undefined {
  const format = item[RECORD_FORMAT_ATTRIBUTE];
  if (
    format === undefined ||
    (Number.isInteger(format) && (format as number) > 0 && (format as number) <= RECORD_FORMAT)
  )
    return undefined;
  return `${RECORD_FORMAT_ATTRIBUTE} ${JSON.stringify(format)} ${
    Number.isInteger(format) && (format as number) > 0
      ? `is newer than this release reads (${RECORD_FORMAT})`
      : 'is not a format number'
  }`;
}

/** A one-line name of an item for logs: its key. */
export function itemKeyOf(item: Readonly<Record<string, unknown>>): string {
  return `${String(item.pk)} / ${String(item.sk)}`;
}

/** Refused: a read met a record of a format this release does not know. Nothing was done with it. */
export class RecordFormatError extends Error {
  override readonly name = 'RecordFormatError';
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`ledger record ${key} refused: ${reason}; left as it is`);
  }
}

type Request = Record<string, unknown>;

function operands(input: Request, key: 'ExpressionAttributeNames' | 'ExpressionAttributeValues'): Request {
  const value = input[key];
  return typeof value === 'object' && value !== null ? (value as Request) : {};
}

/**
 * The condition every write adds: the item holds no record of a newer format (absent items and older records pass).
 * Joined with the writer's own condition by AND, so a write the guard stops fails as a failed condition: nothing is
 * written over a newer release's record.
 */
export function guardCondition(input: Request): Request {
  const guard = `(attribute_not_exists(${FORMAT_NAME}) OR ${FORMAT_NAME} <= ${FORMAT_VALUE})`;
  const own = input.ConditionExpression;
  return {
    ...input,
    ConditionExpression: typeof own === 'string' && own !== '' ? `(${own}) AND ${guard}` : guard,
    ExpressionAttributeNames: {
      ...operands(input, 'ExpressionAttributeNames'),
      [FORMAT_NAME]: RECORD_FORMAT_ATTRIBUTE,
    },
    ExpressionAttributeValues: { ...operands(input, 'ExpressionAttributeValues'), [FORMAT_VALUE]: RECORD_FORMAT },
  };
}

/** A Put's item as this release writes it: stamped with {@link RECORD_FORMAT}. */
export function stampItem(item: Request): Request {
  return { ...item, [RECORD_FORMAT_ATTRIBUTE]: RECORD_FORMAT };
}

/**
 * An UpdateExpression that also sets the format: into its `SET` clause, or a `SET` clause of its own in front.
 * `SET` is a reserved word, so it appears in an expression only as the clause keyword (attribute names that are
 * reserved words go through `#` placeholders:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html).
 */
export function stampUpdateExpression(expression: string): string {
  // A migration (core/ledger/migrations.ts) sets the format itself.
  if (expression.includes(FORMAT_NAME)) return expression;
  const set = /\bSET\s+/i.exec(expression);
  const assignment = `${FORMAT_NAME} = ${FORMAT_VALUE}`;
  if (!set) return `SET ${assignment} ${expression}`;
  const at = set.index + set[0].length;
  return `${expression.slice(0, at)}${assignment}, ${expression.slice(at)}`;
}

/** A ProjectionExpression that also reads the format, so a projected read can refuse a newer record too. */
export function withFormatProjection(input: Request): Request {
  const projection = input.ProjectionExpression;
  if (typeof projection !== 'string' || projection === '') return input;
  return {
    ...input,
    ProjectionExpression: `${projection}, ${FORMAT_NAME}`,
    ExpressionAttributeNames: {
      ...operands(input, 'ExpressionAttributeNames'),
      [FORMAT_NAME]: RECORD_FORMAT_ATTRIBUTE,
    },
  };
}
