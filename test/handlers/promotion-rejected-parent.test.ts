import { GetImageCommand, ImagebuilderClient, ListImageScanFindingsCommand } from '@aws-sdk/client-imagebuilder';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetApprovalSecret } from '../../aws/promotion/approval-secret.js';
import { gate } from '../../functions/promotion/gate.js';
import { requestApproval } from '../../functions/promotion/request-approval.js';
import { mockClient } from '../helpers/mock-client.js';
import { catalog, channelItem, getImageOutput, ledgerFactsAnswer } from './promotion-fixtures.js';

const ddb = mockClient(DynamoDBDocumentClient);
const imagebuilder = mockClient(ImagebuilderClient);
const sns = mockClient(SNSClient);
const secrets = mockClient(SecretsManagerClient);

/** base 1.0.0/3 was built on os-base 1.0.0/2 (following os-base's staging channel). */
const PARENT = { image: 'os-base', channel: 'staging', buildVersion: '1.0.0/2' };
const REJECTED = {
  pk: 'IMAGE#os-base',
  sk: 'APPROVAL#1.0.0/2#prod',
  decision: 'reject',
  by: 'sec-oncall',
  reason: 'CHG-2001: wait for the kernel fix',
};
const HOLD = 'held: built on os-base 1.0.0/2, rejected for prod by sec-oncall: CHG-2001: wait for the kernel fix';

/** The ledger: the build's own facts as the fixtures give them, and os-base's items as `parent` lists them. */
function ledger(parent: { pk: string; sk: string; [attribute: string]: unknown }[], flaggedReason?: string) {
  const own = ledgerFactsAnswer({ lineage: { parent: PARENT, ...(flaggedReason ? { flaggedReason } : {}) } });
  ddb
    .on(BatchGetCommand)
    .callsFake((input: { RequestItems?: Record<string, { Keys?: { pk: string; sk: string }[] }> }) => {
      const [table, request] = Object.entries(input.RequestItems ?? {})[0] ?? ['ledger', { Keys: [] }];
      const keys = request.Keys ?? [];
      if (!keys.some((k) => k.pk === 'IMAGE#os-base')) return own(input);
      const items = [{ pk: 'IMAGE#os-base', sk: 'BUILD#1.0.0/2' }, ...parent];
      return { Responses: { [table]: items.filter((i) => keys.some((k) => k.pk === i.pk && k.sk === i.sk)) } };
    });
}

beforeEach(() => {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
  process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
  ddb.on(GetCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  imagebuilder.on(GetImageCommand).resolves(getImageOutput());
  imagebuilder.on(ListImageScanFindingsCommand).resolves({ findings: [] });
  sns.on(PublishCommand).resolves({});
});

afterEach(() => {
  for (const m of [ddb, imagebuilder, sns, secrets]) m.reset();
});

describe('gate of a version whose parent an approver rejected for the channel', () => {
  it('holds it there, naming the parent, who rejected it and why, and records no pass', async () => {
    ledger([REJECTED, { pk: 'IMAGE#os-base', sk: 'PROMOTION#1.0.0/2#prod', outcome: 'rejected' }]);

    await expect(gate(channelItem('prod'))).rejects.toMatchObject({ name: 'BuiltOnRevoked', message: HOLD });
    expect(ddb).not.toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ sk: 'GATE#1.0.0/3#prod' }),
    });
  });

  it('lets it into the channels the parent was not rejected for', async () => {
    ledger([REJECTED]);

    await expect(gate(channelItem('staging'))).resolves.toMatchObject({ passed: true });
  });

  it('lets it in once a later promotion of the same parent version reached the channel after all', async () => {
    ledger([REJECTED, { pk: 'IMAGE#os-base', sk: 'PROMOTION#1.0.0/2#prod', outcome: 'promoted' }]);

    await expect(gate(channelItem('prod'))).resolves.toMatchObject({ passed: true });
  });

  it('does not hold it for a parent approval that expired without a decision', async () => {
    ledger([
      { pk: 'IMAGE#os-base', sk: 'APPROVAL#1.0.0/2#prod', by: undefined },
      { pk: 'IMAGE#os-base', sk: 'PROMOTION#1.0.0/2#prod', outcome: 'expired' },
    ]);

    await expect(gate(channelItem('prod'))).resolves.toMatchObject({ passed: true });
  });
});

describe('gate of a version built on its parent after the parent was revoked', () => {
  const REVOKED = { pk: 'IMAGE#os-base', sk: 'REVOCATION#1.0.0/2', state: 'revoked', reason: 'CVE-2027-0001' };
  const FLAG = 'built on revoked os-base 1.0.0/2';
  const flagWrites = () =>
    ddb
      .commandCalls(UpdateCommand)
      .filter(
        (c) =>
          c.args[0].input.Key?.sk === 'BUILD#1.0.0/3' && c.args[0].input.UpdateExpression?.includes('flaggedReason'),
      );

  it('holds it and flags it there, so status and history say why it waits (the revocation never saw it)', async () => {
    ledger([REVOKED]);

    await expect(gate(channelItem('staging'))).rejects.toMatchObject({
      name: 'BuiltOnRevoked',
      message: `${FLAG}: held, it passes no further gate, soak check or approval; its rebuild on the rolled-back parent is promoted instead`,
    });
    const [write] = flagWrites();
    expect(write?.args[0].input).toMatchObject({
      Key: { pk: 'IMAGE#base', sk: 'BUILD#1.0.0/3' },
      ConditionExpression: 'attribute_exists(sk)',
      ExpressionAttributeValues: expect.objectContaining({ ':r': FLAG }),
    });
    // Once: an existing flag or time is never overwritten.
    expect(write?.args[0].input.UpdateExpression).toContain('flaggedReason = if_not_exists(flaggedReason, :r)');
    expect(write?.args[0].input.UpdateExpression).toContain('flaggedAt = if_not_exists(flaggedAt, :at)');
  });

  it('writes nothing when its build already carries the flag', async () => {
    ledger([REVOKED], FLAG);

    await expect(gate(channelItem('staging'))).rejects.toMatchObject({ name: 'BuiltOnRevoked' });
    expect(flagWrites()).toEqual([]);
  });

  it('flags nothing for a parent an approver rejected: that holds it at one channel only', async () => {
    ledger([REJECTED, { pk: 'IMAGE#os-base', sk: 'PROMOTION#1.0.0/2#prod', outcome: 'rejected' }]);

    await expect(gate(channelItem('prod'))).rejects.toMatchObject({ name: 'BuiltOnRevoked' });
    expect(flagWrites()).toEqual([]);
  });
});

describe('approval request of a version built on a parent version', () => {
  beforeEach(() => {
    process.env.APPROVAL_URL = 'https://approve.example/';
    process.env.APPROVAL_SECRET_NAME = 'goldsmith/test/approval-links';
    process.env.TASK_TOKEN_SECRET_NAME = 'goldsmith/test/task-tokens';
    process.env.APPROVAL_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:goldsmith-test-approval-links';
    resetApprovalSecret();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'q'.repeat(64) });
  });

  it("names the parent version and its standing at the channel, in the team's announcement and each approver's mail", async () => {
    ledger([{ pk: 'IMAGE#os-base', sk: 'PROMOTION#1.0.0/2#prod', outcome: 'expired' }]);

    await requestApproval({ taskToken: 'TOKEN-1', image: 'base', version: '1.0.0/3', channel: 'prod' });

    const messages = sns.commandCalls(PublishCommand).map((c) => String(c.args[0].input.Message));
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) expect(message).toContain('os-base 1.0.0/2, expired at prod');
  });
});
