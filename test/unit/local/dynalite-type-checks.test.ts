import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { compiledCheckTypes, dynaliteOwnCheckTypes } from '../../../local/dynalite-type-checks.js';

/**
 * The compiled type checks answer every request as dynalite's own `checkTypes` does: the same checked copy (members
 * and their order), the same error, and the request left as dynalite leaves it. Only requests dynalite takes as
 * they are go through the compiled checks; any other is handed to dynalite.
 */

const require = createRequire(import.meta.url);
const typesOf = (action: string) => (require(`dynalite/validations/${action}`) as { types: unknown }).types;

const every = { S: 'a', N: '1.5', B: 'AAEC', BOOL: false, NULL: true, SS: ['x', 'y'], NS: ['1', '2'], BS: ['AAEC'] };
const nested = { L: [{ S: 'a' }, { M: { inner: { N: '2' }, list: { L: [{ BOOL: true }, { NULL: true }] } } }] };

/** Requests dynalite takes as they are: the compiled checks answer them alone. */
const plain: [string, Record<string, unknown>][] = [
  [
    'query',
    {
      TableName: 'ledger',
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      FilterExpression: '#s IN (:a, :b)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':pk': { S: 'IMAGE#base' }, ':p': { S: 'B#' }, ':a': { N: '1' }, ':b': nested },
      ExclusiveStartKey: { pk: { S: 'IMAGE#base' }, sk: { S: 'B#1' } },
      ConsistentRead: true,
      Limit: 10.7,
      ScanIndexForward: false,
      NotAMember: 'dropped',
      Select: null,
    },
  ],
  [
    'putItem',
    { TableName: 'ledger', Item: { pk: { S: 'p' }, sk: { S: 's' }, m: { M: { a: { S: 'x' }, n: nested } } } },
  ],
  [
    'updateItem',
    {
      TableName: 'ledger',
      Key: { pk: { S: 'p' }, sk: { S: 's' } },
      UpdateExpression: 'SET #n = :n',
      ExpressionAttributeNames: { '#n': 'n' },
      ExpressionAttributeValues: { ':n': { N: '3' }, ':empty': null },
      ReturnValues: 'ALL_NEW',
    },
  ],
  [
    'batchGetItem',
    { RequestItems: { ledger: { Keys: [{ pk: { S: 'p' }, sk: { S: 's' } }], ProjectionExpression: 'pk, sk' } } },
  ],
  [
    'batchWriteItem',
    {
      RequestItems: {
        ledger: [
          { PutRequest: { Item: { pk: { S: 'p' }, n: nested } } },
          { DeleteRequest: { Key: { pk: { S: 'q' } } } },
        ],
      },
    },
  ],
  [
    'createTable',
    {
      TableName: 'ledger',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      ProvisionedThroughput: { ReadCapacityUnits: 5.5, WriteCapacityUnits: 1 },
      GlobalSecondaryIndexes: [
        {
          IndexName: 'open',
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['a', 'b'] },
        },
      ],
    },
  ],
  ['getItem', { TableName: 'ledger', Key: { pk: { S: 'p' }, ['__proto__']: { S: 'x' } }, AttributesToGet: ['a'] }],
];

/** Requests dynalite converts or refuses (or holds a Blob, which it checks itself): handed to dynalite. */
const odd: [string, Record<string, unknown>][] = [
  ['query', { TableName: 'ledger', ConsistentRead: 'true' }],
  ['query', { TableName: 'ledger', Limit: '5' }],
  ['query', { TableName: 5 }],
  ['query', { TableName: 'ledger', ExpressionAttributeValues: { ':a': { S: 1 } } }],
  ['query', { TableName: 'ledger', ExpressionAttributeValues: { ':a': [{ S: 'x' }] } }],
  ['query', { TableName: 'ledger', ExpressionAttributeValues: { ':a': { B: 'not base64!' } } }],
  ['putItem', { TableName: 'ledger', Item: { a: every } }],
  ['putItem', { TableName: 'ledger', Item: { a: { L: { S: 'x' } } } }],
  ['putItem', { TableName: 'ledger', Item: { a: { M: [] } }, Unknown: 1 }],
  ['batchWriteItem', { RequestItems: { ledger: { PutRequest: {} } } }],
];

/** What a check answers: its value, or the error it throws (status and body, or message). */
function outcome(check: (data: unknown, types: unknown) => unknown, data: unknown, types: unknown) {
  try {
    return { value: JSON.stringify(check(data, types)), request: JSON.stringify(data) };
  } catch (error) {
    const e = error as { statusCode?: number; body?: unknown; message: string };
    return { error: JSON.stringify([e.statusCode, e.body, e.message]), request: JSON.stringify(data) };
  }
}

describe("dynalite's type checks, compiled", () => {
  const own = dynaliteOwnCheckTypes();

  it.each([...plain, ...odd])('answers %s as dynalite does (request %#)', (action, request) => {
    const types = typesOf(action);
    const expected = outcome(own, structuredClone(request), types);
    const actual = outcome(compiledCheckTypes(own), structuredClone(request), types);
    expect(actual).toEqual(expected);
  });

  it('answers the requests dynalite takes as they are without dynalite, and hands it every other', () => {
    let handed = 0;
    const check = compiledCheckTypes((data, types) => {
      handed++;
      return own(data, types);
    });
    for (const [action, request] of plain) outcome(check, structuredClone(request), typesOf(action));
    expect(handed).toBe(0);
    for (const [action, request] of odd) outcome(check, structuredClone(request), typesOf(action));
    expect(handed).toBe(odd.length);
  });
});
