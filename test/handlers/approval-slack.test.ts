import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureSlack } from '../../aws/notifications/slack.js';
import { approvalIdFor, approvalLink } from '../../core/promotion/approval-link.js';
import { slackSignature } from '../../core/promotion/slack-request.js';
import { approvalCallback } from '../../functions/approval-callback.js';
import { functionUrlPost } from '../../local/simulator/function-url.js';
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

const SIGNING_SECRET = 'slack-signing-secret-0123456789abcdef';
const APPROVAL_ID = approvalIdFor(TOKEN);

/** The body Slack sends when `user` presses a button of the prod approval. */
function pressBody(user: string, action: 'approve' | 'reject' = 'approve'): string {
  const value = JSON.stringify({ approvalId: APPROVAL_ID, image: 'base', version: '1.0.0/3', channel: 'prod' });
  const payload = {
    type: 'block_actions',
    user: { id: user },
    container: { channel_id: 'C00000001', message_ts: '1800000000.000001' },
    actions: [{ action_id: `goldsmith_${action}`, value }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

function slackRequest(body: string, options: { secret?: string; ageSeconds?: number; signedBody?: string } = {}) {
  const timestamp = String(Math.floor(Date.now() / 1000) - (options.ageSeconds ?? 0));
  const signature = slackSignature(options.secret ?? SIGNING_SECRET, timestamp, options.signedBody ?? body);
  return functionUrlPost('https://callback.example/', body, {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': signature,
  });
}

// One mock per client class for the file: a second mockClient of the same class would replace the first.
const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const secrets = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);

afterEach(() => {
  for (const m of [ddb, sfn, secrets, sns]) m.reset();
});

describe('approvalCallback from Slack', () => {
  const seen = new Set<string>();

  const refusals = () =>
    ddb
      .commandCalls(PutCommand)
      .map((c) => c.args[0].input.Item)
      .filter((i) => i?.kind === 'refused-callback')
      .map((i) => i?.reason);

  beforeEach(() => {
    approvalEnv();
    process.env.SLACK_SECRET_NAME = 'goldsmith/slack';
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
    process.env.SLACK_APPROVERS = JSON.stringify({ U0OPSLEAD: 'ops-lead', U0DEVLEAD: 'dev-lead' });
    configureSlack({});
    secrets
      .on(GetSecretValueCommand, { SecretId: 'goldsmith/slack' })
      .resolves({ SecretString: JSON.stringify({ botToken: 'xoxb-test', signingSecret: SIGNING_SECRET }) });
    secrets
      .on(GetSecretValueCommand, { SecretId: 'goldsmith/test/approval-links' })
      .resolves({ SecretString: LINK_SECRET });
    secrets
      .on(GetSecretValueCommand, { SecretId: 'goldsmith/test/approval-decisions' })
      .resolves({ SecretString: `decision-${LINK_SECRET}` });
    serveTaskTokenKey(secrets);
    ddb.on(GetCommand).resolves({ Item: approvalItem });
    ddb.on(UpdateCommand).resolves({});
    // A rejection looks for the versions built on the rejected one: none here.
    ddb.on(QueryCommand).resolves({ Items: [] });
    // The replay guard is a conditional put keyed by the signature: a second put of the same key fails.
    ddb.on(PutCommand).callsFake((input: { Item: { pk: string; sk: string } }) => {
      if (input.Item.pk !== 'CALLBACK#SLACK') return {};
      if (seen.has(input.Item.sk)) throw new ConditionalCheckFailedException({ message: 'seen', $metadata: {} });
      seen.add(input.Item.sk);
      return {};
    });
    sfn.on(SendTaskSuccessCommand).resolves({});
    sfn.on(SendTaskFailureCommand).resolves({});
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  afterEach(() => {
    seen.clear();
  });

  it('approves for the mapped approver, recording who, via Slack and the Slack user', async () => {
    const res = await approvalCallback(slackRequest(pressBody('U0OPSLEAD')));

    expect(res.statusCode).toBe(200);
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: TOKEN });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ExpressionAttributeValues: expect.objectContaining({ ':by': 'ops-lead', ':via': 'slack', ':user': 'U0OPSLEAD' }),
    });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      MessageAttributes: expect.objectContaining({ event: { DataType: 'String', StringValue: 'approved' } }),
    });
  });

  it('rejects through SendTaskFailure when Reject is pressed, with a reason saying who rejected it in Slack', async () => {
    const res = await approvalCallback(slackRequest(pressBody('U0OPSLEAD', 'reject')));

    expect(res.statusCode).toBe(200);
    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: TOKEN,
      error: 'Rejected',
      cause: expect.stringContaining('rejected in Slack by ops-lead (Slack user U0OPSLEAD)'),
    });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ExpressionAttributeValues: expect.objectContaining({
        ':reason': 'rejected in Slack by ops-lead (Slack user U0OPSLEAD)',
      }),
    });
  });

  it('accepts the base64 body a function URL hands over for a form post', async () => {
    const request = slackRequest(pressBody('U0OPSLEAD'));
    const encoded = { ...request, body: Buffer.from(request.body ?? '').toString('base64'), isBase64Encoded: true };

    expect((await approvalCallback(encoded)).statusCode).toBe(200);
  });

  it.each([
    [
      'a tampered body',
      () => slackRequest(pressBody('U0OPSLEAD'), { signedBody: pressBody('U0SOMEONE') }),
      'bad Slack signature',
      401,
    ],
    [
      'a wrong signing secret',
      () => slackRequest(pressBody('U0OPSLEAD'), { secret: 'guessed' }),
      'bad Slack signature',
      401,
    ],
    ['a stale timestamp', () => slackRequest(pressBody('U0OPSLEAD'), { ageSeconds: 301 }), 'stale Slack request', 401],
    [
      'a Slack user the catalog does not map',
      () => slackRequest(pressBody('U0MALLORY')),
      'Slack user U0MALLORY is not mapped to an approver',
      403,
    ],
    [
      'a mapped user who is not an approver of the channel',
      () => slackRequest(pressBody('U0DEVLEAD')),
      'dev-lead is not an approver of base prod: approvers are ops-lead, security-reviewer',
      403,
    ],
  ])('refuses %s, records why and sends nothing', async (_what, request, reason, status) => {
    const res = await approvalCallback(request());

    expect(res.statusCode).toBe(status);
    expect(refusals()).toEqual([reason]);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    expect(sfn).not.toHaveReceivedCommand(SendTaskFailureCommand);
  });

  it('refuses a replayed request, even within the five minutes', async () => {
    const request = slackRequest(pressBody('U0OPSLEAD'));

    expect((await approvalCallback(request)).statusCode).toBe(200);
    const again = await approvalCallback(request);

    expect(again.statusCode).toBe(409);
    expect(refusals()).toEqual(['replayed Slack request']);
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  });
});

describe('approvalCallback from an email link, single use', () => {
  beforeEach(() => {
    approvalEnv();
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
    secrets.on(GetSecretValueCommand).resolves({ SecretString: LINK_SECRET });
    serveTaskTokenKey(secrets);
    ddb.on(PutCommand).resolves({});
    sfn.on(SendTaskSuccessCommand).resolves({});
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  const link = (expires: number) =>
    approvalLink('https://callback.example/', linkClaims(TOKEN, { expires }), LINK_SECRET);

  it('refuses a replayed link once the decision was sent, recording the refusal', async () => {
    ddb
      .on(GetCommand)
      .resolves({ Item: { ...approvalItem, decision: 'approve', by: 'ops-lead', sentAt: '2027-01-01T00:00:00Z' } });
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'decided', $metadata: {} }));

    const res = await approvalCallback(pressLinkButton(link(Math.floor(Date.now() / 1000) + 3600)));

    expect(res.statusCode).toBe(409);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ kind: 'refused-callback', reason: 'already decided' }),
    });
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('refuses a link signed for someone who is not an approver in the words Slack and the CLI use', async () => {
    ddb.on(GetCommand).resolves({ Item: approvalItem });
    const claims = linkClaims(TOKEN, { by: 'dev-lead' });

    const res = await approvalCallback(pressLinkButton(approvalLink('https://callback.example/', claims, LINK_SECRET)));

    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('dev-lead is not an approver of base prod: approvers are ops-lead, security-reviewer');
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('refuses an expired link, recording the refusal', async () => {
    ddb.on(GetCommand).resolves({ Item: approvalItem });

    const res = await approvalCallback(pressLinkButton(link(Math.floor(Date.now() / 1000) - 1)));

    expect(res.statusCode).toBe(410);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ kind: 'refused-callback', reason: 'link expired' }),
    });
  });
});
