import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNServiceException } from '@aws-sdk/client-sfn';
import { PublishCommand } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { holdApprovalRequest } from '../../aws/promotion/approval-requests.js';
import { type ApprovalRecord, getApproval, recordApprovalRequest } from '../../aws/promotion/promotion-approvals.js';
import { openWork, openWorkIndex } from '../../core/ledger/keys.js';
import { approvalIdFor } from '../../core/promotion/approval-link.js';
import { answerApproval } from '../../functions/lib/approval-decision.js';
import { deliverRecordedDecisions } from '../../functions/reconcile-approvals.js';
import { localLedgerClient, useLocalDynamo } from '../helpers/ledger-table.js';
import { useApprovalDoors } from './approval-fixtures.js';

const DEV_TOKEN = `AQCEAAAAKgAAAA${'d'.repeat(600)}`;
const PROD_TOKEN = `AQCEAAAAKgAAAA${'p'.repeat(600)}`;
const RETRY_TOKEN = `AQCEAAAAKgAAAA${'q'.repeat(600)}`;
const MACHINE = 'arn:aws:states:us-east-1:111122223333:execution:goldsmith-promotion';
/** Who may decide what, as the catalog says: dev-lead decides dev, ops-lead decides prod. */
const APPROVERS = { base: { dev: ['dev-lead'], prod: ['ops-lead'] } };
const NOW = new Date('2027-01-14T18:00:00Z');
const dynamo = useLocalDynamo();

const unavailable = () =>
  new SFNServiceException({ name: 'ServiceUnavailable', $fault: 'server', message: 'down', $metadata: {} });

/** An approval request of base 1.0.0/3 on `channel`, waiting on `token`. */
async function request(channel: string, token: string, approvers: string[]): Promise<ApprovalRecord> {
  const record = {
    image: 'base',
    version: '1.0.0/3',
    channel,
    approvalId: approvalIdFor(token),
    taskToken: token,
    // Execution names as core/promotion/naming.ts makes them: the build's readable part, then a 12-hex hash.
    execution: `${MACHINE}:base-1-0-0-3-${channel === 'prod' ? '0123456789ab' : 'ba9876543210'}`,
    approvers,
    requestedAt: '2027-01-14T10:00:00.000Z',
    expiresAt: '2027-01-17T10:00:00.000Z',
  };
  await recordApprovalRequest(record);
  return record;
}

/** Writes `fields` onto the pending prod request, as a principal with dynamodb:UpdateItem and no Goldsmith role. */
async function writeOntoProd(fields: Record<string, unknown>): Promise<void> {
  const entries = Object.entries(fields);
  await DynamoDBDocumentClient.from(localLedgerClient(dynamo.endpoint)).send(
    new UpdateCommand({
      TableName: 'ledger',
      Key: { pk: 'IMAGE#base', sk: 'APPROVAL#1.0.0/3#prod' },
      UpdateExpression: `SET ${entries.map(([k]) => `#${k} = :${k}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(entries.map(([k]) => [`#${k}`, k])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([k, v]) => [`:${k}`, v])),
    }),
  );
}

describe('a genuine decision copied onto another approval request', () => {
  const { sfn, sns } = useApprovalDoors(dynamo);
  beforeEach(() => {
    // Step Functions is down while approvers answer: every decision waits in the ledger for the reconciler.
    sfn.on(SendTaskSuccessCommand).rejects(unavailable());
  });

  /** Step Functions answers again; what it was asked while down is forgotten. */
  const stepFunctionsBack = () => {
    sfn.resetHistory();
    sfn.on(SendTaskSuccessCommand).resolves({});
  };
  const sentTo = (token: string) =>
    [...sfn.commandCalls(SendTaskSuccessCommand), ...sfn.commandCalls(SendTaskFailureCommand)].filter(
      (c) => c.args[0].input.taskToken === token,
    );
  const refusedAnnouncements = () =>
    sns
      .commandCalls(PublishCommand)
      .filter((c) => c.args[0].input.MessageAttributes?.event?.StringValue === 'claim-refused');

  it("dev-lead's dev approval copied onto the prod request is refused: nothing sent to prod, taken back, announced", async () => {
    const dev = await request('dev', DEV_TOKEN, ['dev-lead']);
    await request('prod', PROD_TOKEN, ['ops-lead']);
    await answerApproval(dev, 'approve', 'dev-lead', '2027-01-14T12:00:00.000Z', 'email');
    const genuine = await getApproval('base', '1.0.0/3', 'dev');
    await writeOntoProd({
      approvalId: genuine?.approvalId,
      decision: genuine?.decision,
      by: genuine?.by,
      via: genuine?.via,
      decidedAt: genuine?.decidedAt,
      proof: genuine?.proof,
      [openWorkIndex.partitionKey]: openWork.decision,
    });
    stepFunctionsBack();

    const report = await deliverRecordedDecisions(APPROVERS, NOW);

    expect(sentTo(PROD_TOKEN)).toEqual([]);
    expect(report.refused).toEqual(['base 1.0.0/3 prod']);
    expect(await getApproval('base', '1.0.0/3', 'prod')).not.toHaveProperty('decision');
    expect(refusedAnnouncements()).toHaveLength(1);
    // The genuine dev decision itself still reaches the dev task.
    expect(report.delivered).toEqual(['base 1.0.0/3 dev']);
    expect(sentTo(DEV_TOKEN)).toHaveLength(1);
  });

  it('a decision by someone the ledger, but not the catalog, lists as an approver is refused', async () => {
    const prod = await request('prod', PROD_TOKEN, ['ops-lead']);
    await writeOntoProd({ approvers: ['ops-lead', 'dev-lead'] });
    await answerApproval(
      { ...prod, approvers: ['ops-lead', 'dev-lead'] },
      'approve',
      'dev-lead',
      NOW.toISOString(),
      'operator',
    );
    stepFunctionsBack();

    const report = await deliverRecordedDecisions(APPROVERS, NOW);

    expect(report.refused).toEqual(['base 1.0.0/3 prod']);
    expect(sentTo(PROD_TOKEN)).toEqual([]);
    const announced = refusedAnnouncements()[0]?.args[0].input.Message ?? '';
    expect(announced).toContain('dev-lead is not an approver of prod');
  });

  it("ops-lead's own prod approval is delivered to the prod task", async () => {
    const prod = await request('prod', PROD_TOKEN, ['ops-lead']);
    await answerApproval(prod, 'approve', 'ops-lead', '2027-01-14T12:00:00.000Z', 'slack');
    stepFunctionsBack();

    const report = await deliverRecordedDecisions(APPROVERS, NOW);

    expect(report).toMatchObject({ delivered: ['base 1.0.0/3 prod'] });
    expect(report.refused).toBeUndefined();
    expect(sentTo(PROD_TOKEN)).toHaveLength(1);
  });

  it("a decision given before a retried RequestApproval took the request over reaches the retry's token", async () => {
    const prod = await request('prod', PROD_TOKEN, ['ops-lead']);
    await answerApproval(prod, 'approve', 'ops-lead', '2027-01-14T12:00:00.000Z', 'email');
    // The retry of the same promotion's resumption gets a new token; the request keeps its id and its decision.
    const taken = await holdApprovalRequest({
      ...prod,
      approvalId: approvalIdFor(RETRY_TOKEN),
      taskToken: RETRY_TOKEN,
      execution: `${prod.execution}-r1`,
    });
    expect(taken).toMatchObject({ taskToken: RETRY_TOKEN, approvalId: prod.approvalId, decision: 'approve' });
    stepFunctionsBack();

    const report = await deliverRecordedDecisions(APPROVERS, NOW);

    expect(report).toMatchObject({ delivered: ['base 1.0.0/3 prod'] });
    expect(sentTo(RETRY_TOKEN)).toHaveLength(1);
    expect(sentTo(PROD_TOKEN)).toHaveLength(0);
  });
});
