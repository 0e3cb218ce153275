import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  SFNServiceException,
  TaskDoesNotExist,
} from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getApproval, recordApprovalRequest } from '../../aws/promotion/promotion-approvals.js';
import { approvalIdFor, approvalLink } from '../../core/promotion/approval-link.js';
import { approvalCallback } from '../../functions/approval-callback.js';
import { deliverRecordedDecisions } from '../../functions/reconcile-approvals.js';
import { textOf } from '../../local/simulator/approval-pages.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';
import {
  approvalEnv,
  CATALOG_APPROVERS,
  LINK_NONCE,
  LINK_SECRET,
  linkClaims,
  pressLinkButton,
} from './approval-fixtures.js';

const TOKEN = `AQCEAAAAKgAAAA${'t'.repeat(600)}`;
const unavailable = () =>
  new SFNServiceException({
    name: 'ServiceUnavailable',
    $fault: 'server',
    message: 'Service unavailable',
    $metadata: {},
  });

const dynamo = useLocalDynamo();

/** A prod approval of base 1.0.0/3 waiting on TOKEN, in a fresh ledger. */
async function waitingApproval(): Promise<void> {
  const ddb = localLedgerClient(dynamo.endpoint);
  await recreateLedgerTable(ddb);
  await recordApprovalRequest({
    image: 'base',
    version: '1.0.0/3',
    channel: 'prod',
    approvalId: approvalIdFor(TOKEN),
    taskToken: TOKEN,
    approvers: ['ops-lead'],
    linkNonce: LINK_NONCE,
    requestedAt: '2027-01-14T10:00:00.000Z',
    expiresAt: '2027-01-17T10:00:00.000Z',
  });
}

const approveLink = () => approvalLink('https://cb.example/', linkClaims(TOKEN), LINK_SECRET);

describe('an approval answered while Step Functions is unavailable', () => {
  const sfn = mockClient(SFNClient);
  const sns = mockClient(SNSClient);
  const secrets = mockClient(SecretsManagerClient);

  beforeEach(async () => {
    approvalEnv();
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
    secrets.on(GetSecretValueCommand).resolves({ SecretString: LINK_SECRET });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await waitingApproval();
  });

  afterEach(() => {
    sfn.reset();
    sns.reset();
    secrets.reset();
  });

  it('counts: the decision is recorded first and the approver is told it will be delivered', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(unavailable());

    const response = await approvalCallback(pressLinkButton(approveLink()));

    expect(response.statusCode).toBe(202);
    expect(textOf(response.body ?? '')).toMatch(
      /^Approved base 1\.0\.0\/3 for prod as ops-lead\. Step Functions is unavailable/,
    );
    const recorded = await getApproval('base', '1.0.0/3', 'prod');
    expect(recorded).toMatchObject({ decision: 'approve', by: 'ops-lead', via: 'email' });
    expect(recorded?.sentAt).toBeUndefined();
  });

  it('is delivered by the reconciler once Step Functions answers, exactly once', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(unavailable());
    await approvalCallback(pressLinkButton(approveLink()));
    const decidedAt = (await getApproval('base', '1.0.0/3', 'prod'))?.decidedAt;

    const stillDown = await deliverRecordedDecisions(CATALOG_APPROVERS, new Date('2027-01-14T13:00:00Z'));
    sfn.reset();
    sfn.on(SendTaskSuccessCommand).resolves({});
    const first = await deliverRecordedDecisions(CATALOG_APPROVERS, new Date('2027-01-14T18:00:00Z'));
    const second = await deliverRecordedDecisions(CATALOG_APPROVERS, new Date('2027-01-15T00:00:00Z'));

    expect(stillDown).toMatchObject({ delivered: [], pending: 1 });
    expect(first).toMatchObject({ delivered: ['base 1.0.0/3 prod'], pending: 0, undeliverable: [] });
    expect(second).toMatchObject({ delivered: [], pending: 0 });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: TOKEN });
    const output = JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output ?? '{}');
    expect(output).toEqual({ decision: 'approved', by: 'ops-lead', at: decidedAt, schemaVersion: 2 });
    expect((await getApproval('base', '1.0.0/3', 'prod'))?.sentAt).toBe('2027-01-14T18:00:00.000Z');
  });

  it('delivers a rejection as SendTaskFailure Rejected naming the approver', async () => {
    sfn.on(SendTaskFailureCommand).rejects(unavailable());
    const rejectLink = approvalLink('https://cb.example/', linkClaims(TOKEN, { decision: 'reject' }), LINK_SECRET);
    expect((await approvalCallback(pressLinkButton(rejectLink))).statusCode).toBe(202);
    sfn.reset();
    sfn.on(SendTaskFailureCommand).resolves({});

    const report = await deliverRecordedDecisions(CATALOG_APPROVERS, new Date('2027-01-14T18:00:00Z'));

    expect(report.delivered).toEqual(['base 1.0.0/3 prod']);
    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, { taskToken: TOKEN, error: 'Rejected' });
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input.cause).toContain('ops-lead');
  });

  it('keeps a decision whose task no longer waits, and stops sending it', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(unavailable());
    await approvalCallback(pressLinkButton(approveLink()));
    sfn.reset();
    sfn.on(SendTaskSuccessCommand).rejects(new TaskDoesNotExist({ message: 'Task Does Not Exist', $metadata: {} }));

    const first = await deliverRecordedDecisions(CATALOG_APPROVERS, new Date('2027-01-18T12:00:00Z'));
    const second = await deliverRecordedDecisions(CATALOG_APPROVERS, new Date('2027-01-18T18:00:00Z'));

    expect(first).toMatchObject({ delivered: [], undeliverable: ['base 1.0.0/3 prod'], failures: [] });
    expect(second).toMatchObject({ delivered: [], undeliverable: [], pending: 0 });
    // One attempt since the callback's: the second run does not try again.
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    const kept = await getApproval('base', '1.0.0/3', 'prod');
    expect(kept).toMatchObject({ decision: 'approve', by: 'ops-lead' });
    expect(kept?.undeliverable).toMatch(/^TaskDoesNotExist/);
  });
});
