import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getApproval, recordApprovalRequest } from '../../aws/promotion-approvals.js';
import { getPause, recordPause } from '../../aws/promotion-pauses.js';
import { resumedExecutionNameFor } from '../../core/promotion/naming.js';
import { resumePausedPromotions } from '../../functions/reconcile-pauses.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';
import { BUILD_ARN, basePlan, catalog } from './promotion-fixtures.js';

const MACHINE = 'arn:aws:states:us-east-1:111122223333:stateMachine:promotion';
const dynamo = useLocalDynamo();

async function freshLedger(): Promise<void> {
  const ddb = localLedgerClient(dynamo.endpoint);
  await recreateLedgerTable(ddb);
}

const pauseProd = () =>
  recordPause({
    image: 'base',
    version: '1.0.0/3',
    buildVersionArn: BUILD_ARN,
    channel: 'prod',
    error: 'ServiceUnavailableException',
    reason: 'ServiceUnavailableException: down — still failing after the 24h retry horizon',
    pausedAt: '2027-01-15T05:00:00.000Z',
  });

describe('resumePausedPromotions', () => {
  const sfn = mockClient(SFNClient);
  const sns = mockClient(SNSClient);

  beforeEach(async () => {
    process.env.LEDGER_TABLE = 'ledger';
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
    process.env.STATE_MACHINE_ARN = MACHINE;
    process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${MACHINE}:x`, startDate: new Date() });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await freshLedger();
  });

  afterEach(() => {
    sfn.reset();
    sns.reset();
  });

  it('starts the build again under its first resumption name, with the promotion input, and announces it once', async () => {
    await pauseProd();

    const first = await resumePausedPromotions(['base'], new Date('2027-01-15T06:00:00Z'));
    const second = await resumePausedPromotions(['base'], new Date('2027-01-15T12:00:00Z'));

    expect(first).toMatchObject({ resumed: ['base 1.0.0/3 prod'], leftForOperator: [], failures: [] });
    expect(second.resumed).toEqual([]);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: MACHINE,
      name: resumedExecutionNameFor(BUILD_ARN, 1),
    });
    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}');
    expect(input).toEqual({ image: 'base', buildVersionArn: BUILD_ARN, version: '1.0.0/3', plan: basePlan });
    expect(await getPause('base', '1.0.0/3')).toMatchObject({ status: 'resumed', resumes: 1, resumedBy: 'goldsmith' });
    const events = sns.commandCalls(PublishCommand).map((c) => c.args[0].input.MessageAttributes?.event?.StringValue);
    expect(events).toEqual(['resumed']);
  });

  it('forgets the paused channel’s unanswered approval request, so the resumed execution can ask again', async () => {
    await recordApprovalRequest({
      image: 'base',
      version: '1.0.0/3',
      channel: 'prod',
      approvalId: 'old-request',
      taskToken: 'token-of-the-paused-execution',
      approvers: ['ops-lead'],
      requestedAt: '2027-01-14T05:00:00.000Z',
      expiresAt: '2027-01-17T05:00:00.000Z',
    });
    await pauseProd();

    await resumePausedPromotions(['base'], new Date('2027-01-15T06:00:00Z'));

    expect(await getApproval('base', '1.0.0/3', 'prod')).toBeUndefined();
  });

  it('counts a resumption whose execution a crashed run already started, once', async () => {
    await pauseProd();
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));

    const report = await resumePausedPromotions(['base'], new Date('2027-01-15T06:00:00Z'));

    expect(report.resumed).toEqual(['base 1.0.0/3 prod']);
    expect(await getPause('base', '1.0.0/3')).toMatchObject({ status: 'resumed', resumes: 1 });
  });

  it('leaves a promotion that paused again after three resumptions to an operator, and says how', async () => {
    for (let n = 0; n < 4; n++) {
      await pauseProd();
      if (n < 3) await resumePausedPromotions(['base'], new Date(`2027-01-1${5 + n}T06:00:00Z`));
    }

    const report = await resumePausedPromotions(['base'], new Date('2027-01-19T06:00:00Z'));

    expect(report.resumed).toEqual([]);
    expect(report.leftForOperator).toEqual([
      expect.stringMatching(
        /^base 1\.0\.0\/3 prod: paused again after 3 automatic resumptions: .*goldsmith resume base 1\.0\.0\/3/,
      ),
    ]);
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual(
      [1, 2, 3].map((n) => resumedExecutionNameFor(BUILD_ARN, n)),
    );
  });
});
