import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApprovalLinkClaims, approvalLink } from '../../core/promotion/approval-link.js';
import { approvalCallback } from '../../functions/approval-callback.js';
import { functionUrlGet } from '../../local/simulator/function-url.js';
import { mockClient } from '../helpers/mock-client.js';
import {
  approvalEnv,
  approvalItem,
  LINK_SECRET,
  linkClaims,
  pressLinkButton,
  serveTaskTokenKey,
  TOKEN,
} from './approval-fixtures.js';

const claims = (over: Partial<ApprovalLinkClaims> = {}): ApprovalLinkClaims => linkClaims(TOKEN, over);

/** The POST of a link's button, from a documentation address so refusals can be traced to it. */
const requestFor = (link: string, reason?: string) => pressLinkButton(link, reason, '203.0.113.9');

// One mock per client class for the file: a second mockClient of the same class would replace the first.
const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const secrets = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);

describe('approvalCallback', () => {
  beforeEach(() => {
    approvalEnv();
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    secrets.on(GetSecretValueCommand).resolves({ SecretString: LINK_SECRET });
    serveTaskTokenKey(secrets);
    ddb.on(GetCommand).resolves({ Item: approvalItem });
    ddb.on(UpdateCommand).resolves({});
    // A rejection looks for the versions built on the rejected one: none here.
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(PutCommand).resolves({});
    sfn.on(SendTaskSuccessCommand).resolves({});
    sfn.on(SendTaskFailureCommand).resolves({});
  });

  afterEach(() => {
    ddb.reset();
    sfn.reset();
    secrets.reset();
    sns.reset();
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
      Item: expect.objectContaining({
        pk: expect.stringMatching(/^CALLBACK#REFUSED#\d{4}-\d{2}-\d{2}$/),
        reason: 'bad signature',
        sourceIp: '203.0.113.9',
        expiresAt: expect.any(Number),
      }),
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

describe('approvalCallback: only POST decides', () => {
  beforeEach(() => {
    approvalEnv();
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
    secrets.on(GetSecretValueCommand).resolves({ SecretString: LINK_SECRET });
    serveTaskTokenKey(secrets);
    ddb.on(GetCommand).resolves({ Item: { ...approvalItem, findings: { critical: 0, high: 1, medium: 4 } } });
    ddb.on(UpdateCommand).resolves({});
    // A rejection looks for the versions built on the rejected one: none here.
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(PutCommand).resolves({});
    sfn.on(SendTaskSuccessCommand).resolves({});
    sfn.on(SendTaskFailureCommand).resolves({});
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  afterEach(() => {
    for (const m of [ddb, sfn, secrets, sns]) m.reset();
  });

  it('answers a GET (a mail scanner, a preview, a second look) with a confirmation page and changes nothing', async () => {
    const link = approvalLink('https://cb.example/', claims(), LINK_SECRET);

    for (let i = 0; i < 5; i++) {
      const page = await approvalCallback(functionUrlGet(link));
      expect(page.statusCode).toBe(200);
      expect(page.headers).toMatchObject({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      expect(page.body).toContain('<form method="post" action="?id=');
      expect(page.body).toContain('0 critical, 1 high, 4 medium');
      expect(page.body).toContain('security-reviewer (the first answer decides)');
    }

    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('shows an already decided approval without a button', async () => {
    ddb
      .on(GetCommand)
      .resolves({ Item: { ...approvalItem, decision: 'approve', by: 'security-reviewer', via: 'slack' } });

    const page = await approvalCallback(functionUrlGet(approvalLink('https://cb.example/', claims(), LINK_SECRET)));

    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Already decided: approved by security-reviewer (slack)');
    expect(page.body).not.toContain('<form');
  });

  it("keeps the reason the rejecting approver typed, through Step Functions' cause", async () => {
    const link = approvalLink(
      'https://cb.example/',
      claims({ decision: 'reject', by: 'security-reviewer' }),
      LINK_SECRET,
    );

    const response = await approvalCallback(requestFor(link, 'openssl CVE-2027-0001 still open'));

    expect(response.statusCode).toBe(200);
    const cause = JSON.parse(sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input.cause ?? '{}');
    expect(cause).toEqual(
      expect.objectContaining({ errorMessage: 'openssl CVE-2027-0001 still open', by: 'security-reviewer' }),
    );
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ExpressionAttributeValues: expect.objectContaining({
        ':reason': 'openssl CVE-2027-0001 still open',
        ':via': 'email',
      }),
    });
  });

  it('refuses other methods, changing nothing', async () => {
    const get = functionUrlGet(approvalLink('https://cb.example/', claims(), LINK_SECRET));
    const put = {
      ...get,
      requestContext: { ...get.requestContext, http: { ...get.requestContext.http, method: 'PUT' } },
    };

    const response = await approvalCallback(put);

    expect(response.statusCode).toBe(405);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });
});

describe('approvalCallback across a rotation of the approval key', () => {
  const NEW_SECRET = 'n'.repeat(64);
  const rotatedAt = new Date(Date.now() - 3600_000);

  beforeEach(() => {
    approvalEnv();
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
    process.env.APPROVAL_KEY_GRACE_SECONDS = String(3 * 86_400);
    secrets
      .on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' })
      .resolves({ SecretString: NEW_SECRET, CreatedDate: rotatedAt });
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' }).resolves({ SecretString: LINK_SECRET });
    serveTaskTokenKey(secrets);
    ddb.on(GetCommand).resolves({ Item: approvalItem });
    ddb.on(UpdateCommand).resolves({});
    // A rejection looks for the versions built on the rejected one: none here.
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(PutCommand).resolves({});
    sfn.on(SendTaskSuccessCommand).resolves({});
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  afterEach(() => {
    delete process.env.APPROVAL_KEY_GRACE_SECONDS;
    for (const m of [ddb, sfn, secrets, sns]) m.reset();
  });

  it('accepts a link signed with the previous key that expires within the grace after the rotation', async () => {
    const response = await approvalCallback(requestFor(approvalLink('https://cb.example/', claims(), LINK_SECRET)));

    expect(response.statusCode).toBe(200);
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: TOKEN });
  });

  it('accepts a link signed with the current key', async () => {
    const response = await approvalCallback(requestFor(approvalLink('https://cb.example/', claims(), NEW_SECRET)));

    expect(response.statusCode).toBe(200);
  });

  it('refuses a previous-key link forged to expire after the grace (a leaked old key signs nothing new)', async () => {
    const late = Math.floor(rotatedAt.getTime() / 1000) + 3 * 86_400 + 60;
    const link = approvalLink('https://cb.example/', claims({ expires: late }), LINK_SECRET);

    const response = await approvalCallback(requestFor(link));

    expect(response.statusCode).toBe(403);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });
});
