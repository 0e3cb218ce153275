import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { compiledCheckValidations, dynaliteOwnCheckValidations } from '../../../local/dynalite-validations.js';

/**
 * The compiled validations answer every request as dynalite's own `checkValidations` does: the same error thrown,
 * or none, and the request left for the action as dynalite's action checks leave it. Only requests dynalite finds no
 * fault with skip dynalite's walk; any other is handed to dynalite.
 */

const require = createRequire(import.meta.url);
const db = require('dynalite/db') as { validationError(message: string): Error };
const actionOf = (action: string) => require(`dynalite/validations/${action}`) as { types: unknown; custom?: unknown };

/** What the action checks read of the store: its item size limit (dynalite's default). */
const STORE = { options: { maxItemSize: 409600 } };
const key = { pk: { S: 'IMAGE#base' }, sk: { S: 'BUILD#1' } };

/** Requests dynalite finds no fault with (its action checks may still refuse them: the last two). */
const sound: [string, Record<string, unknown>][] = [
  [
    'query',
    {
      TableName: 'ledger',
      IndexName: 'open-work',
      KeyConditionExpression: '#o = :k',
      FilterExpression: 'attribute_exists(decision)',
      ProjectionExpression: '#p0',
      ExpressionAttributeNames: { '#o': 'open', '#p0': 'pk' },
      ExpressionAttributeValues: { ':k': { S: 'approval' } },
      Limit: 10,
      Select: 'SPECIFIC_ATTRIBUTES',
      ReturnConsumedCapacity: 'NONE',
    },
  ],
  ['getItem', { TableName: 'ledger', Key: key, AttributesToGet: ['a', 'b'], ConsistentRead: true }],
  [
    'updateItem',
    {
      TableName: 'ledger',
      Key: key,
      UpdateExpression: 'SET #n = :n',
      ConditionExpression: 'attribute_exists(sk)',
      ExpressionAttributeNames: { '#n': 'n' },
      ExpressionAttributeValues: { ':n': { N: '3' } },
      ReturnValues: 'ALL_NEW',
    },
  ],
  ['batchGetItem', { RequestItems: { ledger: { Keys: [key], ConsistentRead: true } } }],
  ['batchWriteItem', { RequestItems: { ledger: [{ PutRequest: { Item: key } }, { DeleteRequest: { Key: key } }] } }],
  ['putItem', { TableName: 'ledger', Item: key, ConditionExpression: 'attribute_not_exists(sk)' }],
  // Refused by the action's own checks, after the walk.
  ['getItem', { TableName: 'ledger', Key: key, AttributesToGet: ['a', 'a'] }],
  [
    'query',
    {
      TableName: 'ledger',
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'x' }, ':unused': { S: 'y' } },
    },
  ],
];

/** Requests dynalite's walk refuses: handed to dynalite, which throws its own error. */
const faulty: [string, Record<string, unknown>][] = [
  ['query', { KeyConditionExpression: 'pk = :pk' }],
  ['query', { TableName: 'ab', KeyConditionExpression: 'pk = :pk' }],
  ['query', { TableName: 'ledger', Limit: 0, Select: 'SOME', IndexName: 'no spaces allowed' }],
  ['getItem', { TableName: 'ledger', Key: key, AttributesToGet: [] }],
  ['batchWriteItem', { RequestItems: { ledger: [] } }],
  ['batchWriteItem', { RequestItems: {} }],
  ['batchGetItem', { RequestItems: { ledger: { Keys: [] } } }],
  [
    'query',
    {
      TableName: 'ledger',
      IndexName: '!',
      Select: 'X',
      ReturnConsumedCapacity: 'X',
      ConditionalOperator: 'X',
      Limit: -1,
      KeyConditions: { pk: { ComparisonOperator: 'X' }, sk: { ComparisonOperator: 'Y' } },
      QueryFilter: { a: { ComparisonOperator: 'Z' }, b: { ComparisonOperator: 'W' } },
      AttributesToGet: [],
      ReturnItemCollectionMetrics: 'X',
    },
  ],
];

/** What a check answers: the error it throws (status, body, message), or none, and the request it leaves. */
function outcome(
  check: (data: unknown, validations: unknown, custom: unknown, store: unknown) => void,
  action: string,
  request: unknown,
) {
  const { types, custom } = actionOf(action);
  const data = structuredClone(request) as Record<string, unknown>;
  try {
    check(data, types, custom, STORE);
    return { thrown: null, request: JSON.stringify(data) };
  } catch (error) {
    const e = error as { statusCode?: number; body?: unknown; message: string };
    return { thrown: JSON.stringify([e.statusCode, e.body, e.message]), request: JSON.stringify(data) };
  }
}

describe("dynalite's validations, compiled", () => {
  const own = dynaliteOwnCheckValidations();
  const compiled = () => compiledCheckValidations(own, (message) => db.validationError(message));

  it.each([...sound, ...faulty])('answers %s as dynalite does (request %#)', (action, request) => {
    expect(outcome(compiled(), action, request)).toEqual(outcome(own, action, request));
  });

  it("checks the requests dynalite finds no fault with without dynalite's walk, and hands it every other", () => {
    let handed = 0;
    const check = compiledCheckValidations(
      (...args) => {
        handed++;
        own(...args);
      },
      (message) => db.validationError(message),
    );
    const refusedByCustom = sound.filter(([action, request]) => outcome(check, action, request).thrown !== null);
    expect(handed).toBe(0);
    expect(refusedByCustom).toHaveLength(2);
    for (const [action, request] of faulty) expect(outcome(check, action, request).thrown).not.toBeNull();
    expect(handed).toBe(faulty.length);
  });
});
