import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getApproval, recordApprovalRequest } from '../../aws/promotion/promotion-approvals.js';
import { getPause, recordPause } from '../../aws/promotion/promotion-pauses.js';
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

const pauseProd = (pausedAt = '2027-01-15T05:00:00.000Z') =>
  recordPause({
    image: 'base',
    version: '1.0.0/3',
    buildVersionArn: BUILD_ARN,
    channel: 'prod',
    error: 'ServiceUnavailableException',
    reason: 'ServiceUnavailableException: down — still failing after the 24h retry horizon',
    pausedAt,
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

    expect(first).toMatchObject({ resumed: ['base 1.0.0/3 prod'], waiting: [], failures: [] });
    expect(second.resumed).toEqual([]);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: MACHINE,
      name: resumedExecutionNameFor(BUILD_ARN, 1),
    });
    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}');
    expect(input).toEqual({
      image: 'base',
      buildVersionArn: BUILD_ARN,
      version: '1.0.0/3',
      plan: basePlan,
      schemaVersion: 2,
    });
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

  it('keeps resuming a promotion that pauses again, each time longer after its pause, with no count running out', async () => {
    // Paused again a day after each resumption (a 24 h retry horizon in a week-long outage).
    const resumedAt: string[] = [];
    let at = Date.parse('2027-01-15T05:00:00.000Z');
    for (let n = 0; n < 6; n++) {
      await pauseProd(new Date(at).toISOString());
      // The reconciler runs every six hours until it resumes the pause.
      for (let run = Math.ceil(at / 21_600_000) * 21_600_000; ; run += 21_600_000) {
        const report = await resumePausedPromotions(['base'], new Date(run));
        if (report.resumed.length === 0) {
          expect(report.waiting).toEqual([expect.stringMatching(/^base 1\.0\.0\/3 prod: resumed by itself from /)]);
          continue;
        }
        resumedAt.push(new Date(run).toISOString());
        at = run + 24 * 3_600_000;
        break;
      }
    }

    // The first run after the pause, then 6, 12 and 24 hours after each later pause, and daily after that.
    expect(resumedAt).toEqual([
      '2027-01-15T06:00:00.000Z',
      '2027-01-16T12:00:00.000Z',
      '2027-01-18T00:00:00.000Z',
      '2027-01-20T00:00:00.000Z',
      '2027-01-22T00:00:00.000Z',
      '2027-01-24T00:00:00.000Z',
    ]);
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => resumedExecutionNameFor(BUILD_ARN, n)),
    );
  });
});
