import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApprovalLinkClaims, approvalLink } from '../../core/promotion/approval-link.js';
import { approvalCallback } from '../../functions/approval-callback.js';
import { functionUrlGet } from '../../local/simulator/function-url.js';
import { approvalEnv, approvalItem, LINK_SECRET, linkClaims, TOKEN } from './approval-fixtures.js';

const claims = (over: Partial<ApprovalLinkClaims> = {}): ApprovalLinkClaims => linkClaims(TOKEN, over);

/** A function-URL request for a link, from a documentation address so refusals can be traced to it. */
const requestFor = (link: string) => functionUrlGet(link, '203.0.113.9');

describe('approvalCallback', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const sfn = mockClient(SFNClient);
  const secrets = mockClient(SecretsManagerClient);

  beforeEach(() => {
    approvalEnv();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: LINK_SECRET });
    ddb.on(GetCommand).resolves({ Item: approvalItem });
    ddb.on(UpdateCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    sfn.on(SendTaskSuccessCommand).resolves({});
    sfn.on(SendTaskFailureCommand).resolves({});
  });

  afterEach(() => {
    ddb.reset();
    sfn.reset();
    secrets.reset();
  });

  it('approves with the stored task token and records who and when', async () => {
    const response = await approvalCallback(requestFor(approvalLink('https://cb.example/', claims(), LINK_SECRET)));

    expect(response.statusCode).toBe(200);
    const output = JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output ?? '{}');
    expect(output).toMatchObject({ decision: 'approved', by: 'ops-lead' });
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: TOKEN });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'IMAGE#base', sk: 'APPROVAL#1.0.0/3#prod' },
      ExpressionAttributeValues: expect.objectContaining({ ':d': 'approve', ':by': 'ops-lead' }),
    });
  });

  it('rejects with SendTaskFailure error Rejected naming the approver', async () => {
    const link = approvalLink(
      'https://cb.example/',
      claims({ decision: 'reject', by: 'security-reviewer' }),
      LINK_SECRET,
    );

    const response = await approvalCallback(requestFor(link));

    expect(response.statusCode).toBe(200);
    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, { taskToken: TOKEN, error: 'Rejected' });
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input.cause).toContain('security-reviewer');
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('answers 403 to a bad signature, records the attempt and sends nothing', async () => {
    const link = approvalLink('https://cb.example/', claims(), 'w'.repeat(64));

    const response = await approvalCallback(requestFor(link));

    expect(response.statusCode).toBe(403);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ pk: 'CALLBACK#REFUSED', reason: 'bad signature', sourceIp: '203.0.113.9' }),
    });
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    expect(sfn).not.toHaveReceivedCommand(SendTaskFailureCommand);
  });

  it('answers 410 to an expired link and sends nothing', async () => {
    const link = approvalLink('https://cb.example/', claims({ expires: 1_000 }), LINK_SECRET);

    const response = await approvalCallback(requestFor(link));

    expect(response.statusCode).toBe(410);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('answers 409 when the approval was already decided', async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'decided', $metadata: {} }));

    const response = await approvalCallback(requestFor(approvalLink('https://cb.example/', claims(), LINK_SECRET)));

    expect(response.statusCode).toBe(409);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('throws when SendTaskSuccess fails, and does not mark the decision sent', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));

    await expect(
      approvalCallback(requestFor(approvalLink('https://cb.example/', claims(), LINK_SECRET))),
    ).rejects.toThrow('Task Timed Out');
    expect(ddb).not.toHaveReceivedCommandWith(UpdateCommand, { UpdateExpression: 'SET sentAt = :at' });
  });

  it('refuses a link for an approval request that does not exist', async () => {
    ddb.on(GetCommand).resolves({});

    const response = await approvalCallback(requestFor(approvalLink('https://cb.example/', claims(), LINK_SECRET)));

    expect(response.statusCode).toBe(404);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });
});
