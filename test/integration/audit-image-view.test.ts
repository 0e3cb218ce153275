import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { imageViewKeys } from '../../core/ledger/keys.js';
import { auditImageView } from '../../local/simulator/audit-image-view.js';
import { scanLedger } from '../../local/simulator/report-ledger.js';
import { createLedgerTable, localLedgerClient, useLocalDynamo } from '../helpers/ledger-table.js';

const TABLE = 'ledger-audit-view';
const dynamo = useLocalDynamo();

const put = (item: Record<string, unknown>) => documentClient().send(new PutCommand({ TableName: TABLE, Item: item }));

beforeAll(async () => {
  await createLedgerTable(localLedgerClient(dynamo.endpoint), TABLE);
  // As the writers store them: a build and a pointer with the index keys, a decision (not a viewed kind) without.
  await put({ pk: 'IMAGE#base', sk: 'BUILD#1.0.0/1', status: 'AVAILABLE', ...imageViewKeys('base', 'BUILD#1.0.0/1') });
  await put({ pk: 'IMAGE#base', sk: 'CHANNEL#dev', version: '1.0.0/1', ...imageViewKeys('base', 'CHANNEL#dev') });
  await put({ pk: 'IMAGE#base', sk: 'DECISION#2027-01-14T03:00:00Z#schedule', decision: 'build' });
});

describe('auditImageView', () => {
  it('passes a ledger whose builds, approvals and pointers all carry their keys, counting the items examined', async () => {
    const audit = await auditImageView(TABLE, await scanLedger(TABLE));
    expect(audit).toEqual({ checks: { 'image-view-keys': 2, 'image-view-complete': 2 }, problems: [] });
  });

  it('names an item a writer stored without its keys, and its absence from the index', async () => {
    await put({ pk: 'IMAGE#base', sk: 'APPROVAL#1.0.0/1#prod', channel: 'prod' });
    const audit = await auditImageView(TABLE, await scanLedger(TABLE));
    expect(audit.checks).toEqual({ 'image-view-keys': 3, 'image-view-complete': 3 });
    expect(audit.problems).toEqual([
      'image-view-keys: IMAGE#base APPROVAL#1.0.0/1#prod lacks its index keys',
      'image-view-complete: IMAGE#base APPROVAL#1.0.0/1#prod is not in the index',
    ]);
  });
});
