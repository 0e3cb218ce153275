import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendTaskFailureCommand, SFNClient, TaskDoesNotExist } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endHeldWaits, endWaitingPromotions } from '../../functions/lifecycle/revoke-waits.js';
import { mockClient } from '../helpers/mock-client.js';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const AT = '2027-02-02T00:01:00.000Z';
const REVOCATION = { image: 'base', version: '1.0.0/1', reason: 'CVE-2027-0042', by: 'ops-lead', at: AT };
const CAUSE = 'revoked by ops-lead: CVE-2027-0042';
const waiting = (extra: Record<string, unknown> = {}) => ({
  image: 'base',
  version: '1.0.0/1',
  channel: 'prod',
  approvalId: 'a1',
  taskToken: 'token-prod',
  approvers: ['ops-lead'],
  requestedAt: '2027-02-01T00:00:00.000Z',
  expiresAt: '2027-02-04T00:00:00.000Z',
  ...extra,
});
const soak = (extra: Record<string, unknown> = {}) => ({
  image: 'base',
  version: '1.0.0/1',
  channel: 'staging',
  taskToken: 'token-soak',
  startedAt: '2027-02-01T00:00:00.000Z',
  until: '2027-02-08T00:00:00.000Z',
  state: 'soaking',
  ...extra,
});
function ledger(approvals: Record<string, unknown>[], soaks: Record<string, unknown>[] = []): void {
  ddb
    .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': 'APPROVAL#1.0.0/1#' } })
    .resolves({
      Items: approvals,
    });
  ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': 'SOAK#' } }).resolves({
    Items: soaks,
  });
}
const withdrawals = () =>
  ddb.commandCalls(UpdateCommand).filter((c) => c.args[0].input.UpdateExpression?.includes('withdrawn'));

beforeEach(() => {
  process.env.LEDGER_TABLE = 'ledger';
  ddb.on(UpdateCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
});
afterEach(() => {
  ddb.reset();
  sfn.reset();
});

describe('endWaitingPromotions (a revoked build)', () => {
  it('withdraws its waiting prod approval, then fails the task with Revoked and its reason, and marks it answered', async () => {
    ledger([waiting()]);

    expect(await endWaitingPromotions(REVOCATION)).toEqual(['prod approval withdrawn']);

    expect(withdrawals()).toHaveLength(1);
    expect(withdrawals()[0]?.args[0].input).toMatchObject({
      Key: { pk: 'IMAGE#base', sk: 'APPROVAL#1.0.0/1#prod' },
      ExpressionAttributeValues: { ':reason': CAUSE, ':id': 'a1' },
    });
    expect(withdrawals()[0]?.args[0].input.ConditionExpression).toContain('attribute_not_exists(decision)');
    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: 'token-prod',
      error: 'Revoked',
      cause: CAUSE,
    });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'IMAGE#base', sk: 'APPROVAL#1.0.0/1#prod' },
      ExpressionAttributeValues: { ':at': AT },
    });
  });

  it('on a retry after the withdrawal, whose task already ended, fails it again without error and marks it answered', async () => {
    ledger([waiting({ withdrawn: CAUSE, withdrawnAt: AT })]);
    sfn.on(SendTaskFailureCommand).rejects(new TaskDoesNotExist({ message: 'Task Does Not Exist', $metadata: {} }));

    expect(await endWaitingPromotions(REVOCATION)).toEqual(['prod approval withdrawn']);

    expect(withdrawals()).toHaveLength(0);
    expect(sfn).toHaveReceivedCommandTimes(SendTaskFailureCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { UpdateExpression: expect.stringContaining('sentAt') });
  });

  it('leaves alone an approval a door decided first, one answered, and one that expired before the revocation', async () => {
    ledger([
      waiting({ channel: 'prod', decision: 'approve', by: 'ops-lead' }),
      waiting({ channel: 'staging', sentAt: '2027-02-01T01:00:00.000Z' }),
      waiting({ channel: 'dev', expiresAt: '2027-02-01T12:00:00.000Z' }),
    ]);

    expect(await endWaitingPromotions(REVOCATION)).toEqual([]);

    expect(sfn).toHaveReceivedCommandTimes(SendTaskFailureCommand, 0);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 0);
  });

  it('sends nothing when a door decides between the read and the withdrawal (the condition refuses it)', async () => {
    ledger([waiting()]);
    ddb
      .on(UpdateCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));

    expect(await endWaitingPromotions(REVOCATION)).toEqual([]);

    expect(sfn).toHaveReceivedCommandTimes(SendTaskFailureCommand, 0);
  });

  it("ends a running soak of the build at the revocation (not when it would elapse), and leaves other versions' soaks", async () => {
    ledger([], [soak(), soak({ version: '1.0.0/2', taskToken: 'token-other' }), soak({ channel: 'dev', until: AT })]);

    expect(await endWaitingPromotions(REVOCATION)).toEqual(['staging soak ended']);

    expect(sfn).toHaveReceivedCommandTimes(SendTaskFailureCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: 'token-soak',
      error: 'Revoked',
      cause: CAUSE,
    });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'IMAGE#base', sk: 'SOAK#1.0.0/1#staging' },
      ExpressionAttributeValues: expect.objectContaining({ ':by': 'ops-lead', ':reason': 'revoked: CVE-2027-0042' }),
    });
  });
});

describe("endHeldWaits (a build flagged by its parent's revocation)", () => {
  it('ends its running soak at the flag with BuiltOnRevoked, the soak reading held: built on revoked …', async () => {
    ledger([], [soak()]);
    const hold = 'built on revoked base 1.0.0/2';
    const cause = `${hold}: held, it passes no further gate, soak check or approval`;

    const ended = await endHeldWaits({ image: 'base', version: '1.0.0/1', hold, cause, by: 'ops-lead', at: AT });

    expect(ended).toEqual(['staging soak ended']);
    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: 'token-soak',
      error: 'BuiltOnRevoked',
      cause,
    });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'IMAGE#base', sk: 'SOAK#1.0.0/1#staging' },
      ExpressionAttributeValues: expect.objectContaining({ ':reason': `held: ${hold}` }),
    });
  });
});
