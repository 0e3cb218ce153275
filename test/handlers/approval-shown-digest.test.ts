import { SendTaskSuccessCommand, SFNServiceException } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { getApproval } from '../../aws/promotion/promotion-approvals.js';
import { approvalIdFor, approvalLink } from '../../core/promotion/approval-link.js';
import { approvalCallback } from '../../functions/approval-callback.js';
import { deliverRecordedDecisions } from '../../functions/reconcile-approvals.js';
import { PATCH_DIGEST, PATCH_REQUEST } from '../fixtures/sbom-changes.js';
import { localLedgerClient, useLocalDynamo } from '../helpers/ledger-table.js';
import {
  CATALOG_APPROVERS,
  LINK_NONCE,
  LINK_SECRET,
  linkClaims,
  pressLinkButton,
  useApprovalDoors,
} from './approval-fixtures.js';

const TOKEN = `AQCEAAAAKgAAAA${'d'.repeat(600)}`;
const dynamo = useLocalDynamo();

describe('a decision on a request that showed a diff', () => {
  const { sfn } = useApprovalDoors(dynamo, {
    image: 'base',
    version: '1.0.0/3',
    channel: 'prod',
    approvalId: approvalIdFor(TOKEN),
    taskToken: TOKEN,
    approvers: ['ops-lead'],
    linkNonce: LINK_NONCE,
    requestedAt: '2027-01-14T10:00:00.000Z',
    expiresAt: '2027-01-17T10:00:00.000Z',
    changes: PATCH_REQUEST.detail.changes,
  });

  /** The approver's click while Step Functions is unavailable: recorded, for the reconciler to deliver. */
  async function decidedWhileUnavailable(): Promise<void> {
    sfn
      .on(SendTaskSuccessCommand)
      .rejectsOnce(
        new SFNServiceException({ name: 'ServiceUnavailable', $fault: 'server', message: 'down', $metadata: {} }),
      );
    const link = approvalLink('https://cb.example/', linkClaims(TOKEN), LINK_SECRET);
    expect((await approvalCallback(pressLinkButton(link))).statusCode).toBe(202);
  }

  it('records the digest shown, and its proof still delivers it after the diff reads otherwise', async () => {
    await decidedWhileUnavailable();
    expect(await getApproval('base', '1.0.0/3', 'prod')).toMatchObject({ shownDigest: PATCH_DIGEST });
    // Content recorded late: the diff the request would show now differs. The decision stands on what was shown.
    const report = await deliverRecordedDecisions(CATALOG_APPROVERS, new Date('2027-01-14T18:00:00Z'));

    expect(report).toMatchObject({ delivered: ['base 1.0.0/3 prod'] });
    expect(report.refused).toBeUndefined();
  });

  it('is refused when the digest it names is rewritten in the ledger: the proof covers it', async () => {
    await decidedWhileUnavailable();
    await DynamoDBDocumentClient.from(localLedgerClient(dynamo.endpoint)).send(
      new UpdateCommand({
        TableName: 'ledger',
        Key: { pk: 'IMAGE#base', sk: 'APPROVAL#1.0.0/3#prod' },
        UpdateExpression: 'SET shownDigest = :other',
        ExpressionAttributeValues: { ':other': 'b'.repeat(64) },
      }),
    );

    const report = await deliverRecordedDecisions(CATALOG_APPROVERS, new Date('2027-01-14T18:00:00Z'));

    expect(report.delivered ?? []).toEqual([]);
    expect(report.refused).toBeDefined();
  });
});
