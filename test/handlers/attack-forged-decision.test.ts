import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNServiceException } from '@aws-sdk/client-sfn';
import { PublishCommand } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { getApproval } from '../../aws/promotion/promotion-approvals.js';
import { openWork, openWorkIndex } from '../../core/ledger/keys.js';
import { approvalIdFor, approvalLink } from '../../core/promotion/approval-link.js';
import { decisionProof } from '../../core/promotion/decision-proof.js';
import { approvalCallback } from '../../functions/approval-callback.js';
import { deliverRecordedDecisions } from '../../functions/reconcile-approvals.js';
import { localLedgerClient, useLocalDynamo } from '../helpers/ledger-table.js';
import {
  CATALOG_APPROVERS,
  DECISION_KEY,
  LINK_NONCE,
  LINK_SECRET,
  linkClaims,
  pressLinkButton,
  useApprovalDoors,
} from './approval-fixtures.js';

const TOKEN = `AQCEAAAAKgAAAA${'f'.repeat(600)}`;
const APPROVAL_ID = approvalIdFor(TOKEN);
const dynamo = useLocalDynamo();

/**
 * The attacker: a principal with dynamodb:UpdateItem on the ledger and no Goldsmith role writes "approved by
 * ops-lead" on the pending prod approval, as open work for the reconciler (a write the table's policy would refuse,
 * made here as if it got through).
 */
async function forgeDecision(proof?: string): Promise<void> {
  const doc = DynamoDBDocumentClient.from(localLedgerClient(dynamo.endpoint));
  await doc.send(
    new UpdateCommand({
      TableName: 'ledger',
      Key: { pk: 'IMAGE#base', sk: 'APPROVAL#1.0.0/3#prod' },
      UpdateExpression: `SET decision = :d, #by = :by, decidedAt = :at, via = :via, ${openWorkIndex.partitionKey} = :open${proof ? ', proof = :proof' : ''}`,
      ExpressionAttributeNames: { '#by': 'by' },
      ExpressionAttributeValues: {
        ':d': 'approve',
        ':by': 'ops-lead',
        ':at': '2027-01-14T12:00:00.000Z',
        ':via': 'slack',
        ':open': openWork.decision,
        ...(proof ? { ':proof': proof } : {}),
      },
    }),
  );
}

describe('a decision written to the ledger outside the doors', () => {
  const { sfn, sns } = useApprovalDoors(dynamo, {
    image: 'base',
    version: '1.0.0/3',
    channel: 'prod',
    approvalId: APPROVAL_ID,
    taskToken: TOKEN,
    approvers: ['ops-lead'],
    linkNonce: LINK_NONCE,
    requestedAt: '2027-01-14T10:00:00.000Z',
    expiresAt: '2027-01-17T10:00:00.000Z',
  });

  const refusedAnnouncements = () =>
    sns
      .commandCalls(PublishCommand)
      .map((c) => c.args[0].input.MessageAttributes?.event?.StringValue)
      .filter((e) => e === 'claim-refused');

  it('without a proof is never delivered: taken back, announced, the approval undecided', async () => {
    await forgeDecision();

    const report = await deliverRecordedDecisions(CATALOG_APPROVERS, new Date('2027-01-14T18:00:00Z'));

    expect(report.refused).toEqual(['base 1.0.0/3 prod']);
    expect(report.delivered).toEqual([]);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
    const after = await getApproval('base', '1.0.0/3', 'prod');
    expect(after?.decision).toBeUndefined();
    expect(after?.by).toBeUndefined();
    expect(refusedAnnouncements()).toEqual(['claim-refused']);
  });

  it('with a proof made with another key, or over other fields, is refused the same way', async () => {
    const claims = {
      approvalId: APPROVAL_ID,
      image: 'base',
      version: '1.0.0/3',
      channel: 'prod',
      taskToken: TOKEN,
      decision: 'approve',
      by: 'ops-lead',
      via: 'slack',
    } as const;
    for (const proof of [
      decisionProof({ ...claims, at: '2027-01-14T12:00:00.000Z' }, 'an-attackers-own-key'.repeat(3)),
      // A real proof of a rejection by the same approver does not prove an approval.
      decisionProof({ ...claims, decision: 'reject', at: '2027-01-14T12:00:00.000Z' }, DECISION_KEY),
    ]) {
      await forgeDecision(proof);
      const report = await deliverRecordedDecisions(CATALOG_APPROVERS, new Date('2027-01-14T18:00:00Z'));
      expect(report.refused).toEqual(['base 1.0.0/3 prod']);
    }
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('leaves the approval to its approver: their own click afterwards decides it', async () => {
    await forgeDecision();
    await deliverRecordedDecisions(CATALOG_APPROVERS, new Date('2027-01-14T18:00:00Z'));

    const link = approvalLink('https://cb.example/', linkClaims(TOKEN, { decision: 'reject' }), LINK_SECRET);
    const response = await approvalCallback(pressLinkButton(link));

    expect(response.statusCode).toBe(200);
    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, { taskToken: TOKEN, error: 'Rejected' });
    expect(await getApproval('base', '1.0.0/3', 'prod')).toMatchObject({ decision: 'reject', via: 'email' });
  });

  it("delivers a door's own decision recorded while Step Functions was unavailable", async () => {
    sfn
      .on(SendTaskSuccessCommand)
      .rejectsOnce(
        new SFNServiceException({ name: 'ServiceUnavailable', $fault: 'server', message: 'down', $metadata: {} }),
      );
    const link = approvalLink('https://cb.example/', linkClaims(TOKEN), LINK_SECRET);
    expect((await approvalCallback(pressLinkButton(link))).statusCode).toBe(202);

    const report = await deliverRecordedDecisions(CATALOG_APPROVERS, new Date('2027-01-14T18:00:00Z'));

    expect(report).toMatchObject({ delivered: ['base 1.0.0/3 prod'] });
    expect(report.refused).toBeUndefined();
    expect(refusedAnnouncements()).toEqual([]);
  });
});
