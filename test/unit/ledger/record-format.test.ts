import { describe, expect, it } from 'vitest';
import { screenLedgerOutput, shapeLedgerRequest } from '../../../core/ledger/format-requests.js';
import { shapeLedgerTransaction } from '../../../core/ledger/format-transactions.js';
import { migrationOf } from '../../../core/ledger/migrations.js';
import { RecordFormatError, refusalOf, stampUpdateExpression } from '../../../core/ledger/record-format.js';

describe('the record format', () => {
  it('reads records without a format as release 0.2.0 wrote them, and refuses newer or unreadable ones', () => {
    expect(refusalOf({ pk: 'a', sk: 'b' })).toBeUndefined();
    expect(refusalOf({ recordFormat: 1 })).toBeUndefined();
    expect(refusalOf({ recordFormat: 2 })).toBeUndefined();
    expect(refusalOf({ recordFormat: 3 })).toBe('recordFormat 3 is newer than this release reads (2)');
    expect(refusalOf({ recordFormat: '2' })).toBe('recordFormat "2" is not a format number');
    expect(refusalOf({ recordFormat: 0 })).toBe('recordFormat 0 is not a format number');
  });

  it('sets the format in an update whatever its clauses', () => {
    expect(stampUpdateExpression('SET a = :a REMOVE b')).toBe('SET #gsRecordFormat = :gsRecordFormat, a = :a REMOVE b');
    expect(stampUpdateExpression('REMOVE b')).toBe('SET #gsRecordFormat = :gsRecordFormat REMOVE b');
    expect(stampUpdateExpression('ADD n :one set #x = :x')).toBe(
      'ADD n :one set #gsRecordFormat = :gsRecordFormat, #x = :x',
    );
  });

  it('stamps and guards a ledger put, and leaves other tables alone', () => {
    const put = { TableName: 'ledger', Item: { pk: 'a', sk: 'b' }, ConditionExpression: 'attribute_not_exists(sk)' };
    expect(shapeLedgerRequest('PutItemCommand', put, 'ledger')).toEqual({
      TableName: 'ledger',
      Item: { pk: 'a', sk: 'b', recordFormat: 2 },
      ConditionExpression:
        '(attribute_not_exists(sk)) AND (attribute_not_exists(#gsRecordFormat) OR #gsRecordFormat <= :gsRecordFormat)',
      ExpressionAttributeNames: { '#gsRecordFormat': 'recordFormat' },
      ExpressionAttributeValues: { ':gsRecordFormat': 2 },
    });
    expect(shapeLedgerRequest('PutItemCommand', { ...put, TableName: 'other' }, 'ledger')).toEqual({
      ...put,
      TableName: 'other',
    });
  });

  it("stamps and guards each ledger action of a TransactWriteItems as its single-item request, and no other table's", () => {
    const put = { TableName: 'ledger', Item: { pk: 'a', sk: 'b' }, ConditionExpression: 'attribute_not_exists(sk)' };
    const del = { TableName: 'ledger', Key: { pk: 'a', sk: 'c' } };
    const other = { Put: { TableName: 'other', Item: { pk: 'x' } } };
    const shaped = shapeLedgerTransaction<Record<string, unknown>>([{ Put: put }, { Delete: del }, other], 'ledger');
    expect(shaped).toEqual([
      { Put: shapeLedgerRequest('PutItemCommand', put, 'ledger') },
      { Delete: shapeLedgerRequest('DeleteItemCommand', del, 'ledger') },
      other,
    ]);
    expect(shaped).toMatchObject([{ Put: { Item: { recordFormat: 2 } } }, {}, {}]);
  });

  it('reads the format through a projection, except from the image-view index that does not hold it', () => {
    const get = { TableName: 'ledger', Key: {}, ProjectionExpression: 'loaded' };
    expect(shapeLedgerRequest('GetItemCommand', get, 'ledger')).toMatchObject({
      ProjectionExpression: 'loaded, #gsRecordFormat',
    });
    const view = { TableName: 'ledger', IndexName: 'image-view', ProjectionExpression: 'sk' };
    expect(shapeLedgerRequest('QueryCommand', view, 'ledger')).toBe(view);
  });

  it('throws for a GetItem of a newer record, and leaves one out of a page', () => {
    const newer = { pk: 'IMAGE#a', sk: 'BUILD#1', recordFormat: 9 };
    expect(() => screenLedgerOutput('GetItemCommand', { TableName: 'ledger' }, { Item: newer }, 'ledger')).toThrow(
      RecordFormatError,
    );
    const page = { Items: [newer, { pk: 'IMAGE#a', sk: 'BUILD#2' }], Count: 2 };
    expect(screenLedgerOutput('QueryCommand', { TableName: 'ledger' }, page, 'ledger')).toEqual({
      output: { Items: [{ pk: 'IMAGE#a', sk: 'BUILD#2' }], Count: 1 },
      refused: [{ key: 'IMAGE#a / BUILD#1', reason: 'recordFormat 9 is newer than this release reads (2)' }],
    });
  });
});

describe('the ledger migration of one item', () => {
  it('needs nothing for an item of this format, and leaves a newer one alone', () => {
    expect(migrationOf({ pk: 'CHANGE#x', sk: 'MARKER', recordFormat: 2 })).toBeUndefined();
    expect(migrationOf({ pk: 'IMAGE#a', sk: 'BUILD#1.0.0/1', recordFormat: 3 })).toBeUndefined();
  });

  it('does not reopen a build whose final status was seen', () => {
    const build = { pk: 'IMAGE#a', sk: 'BUILD#1.0.0/1', requestedAt: 't', status: 'AVAILABLE' };
    expect(migrationOf(build)?.set).toEqual({ view: 'image', viewSk: 'a#BUILD#1.0.0/1' });
    expect(migrationOf({ ...build, status: 'TESTING' })?.set).toEqual({
      view: 'image',
      viewSk: 'a#BUILD#1.0.0/1',
      openWork: 'unfinished-build',
    });
  });
});
