import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { PublishCommand } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catalogShapeSchema } from '../../core/config/schema.js';
import { rolloutExecutionName } from '../../core/rollout/request.js';
import { publish } from '../../functions/promotion/publish.js';
import exampleCatalog from '../../goldsmith.config.js';
import { mockClient } from '../helpers/mock-client.js';
import { channelItem, OU } from './promotion-fixtures.js';
import { newPointerShare, usePublishWorld } from './publish-fixtures.js';

const ROLLOUT_ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:rollout';

describe('publish starts the rollout of a channel that rolls out', () => {
  const { ram, sns } = usePublishWorld();
  /** The announcements Publish made: each one's event and, for a rollout's, its reason. */
  const told = () =>
    sns.commandCalls(PublishCommand).map((c) => {
      const n = JSON.parse(JSON.parse(c.args[0].input.Message ?? '{}').default) as {
        event: string;
        detail: { reason?: string; execution?: string };
      };
      return { event: n.event, reason: n.detail.reason, execution: n.detail.execution };
    });
  const squatted = () => told().filter((n) => n.event === 'rollout-stopped');
  const sfn = mockClient(SFNClient);

  beforeEach(() => {
    newPointerShare(ram, [OU('ou-x1y2-stg00001'), OU('ou-x1y2-dev00001')]);
    const catalog = catalogShapeSchema.parse({
      ...exampleCatalog,
      channels: exampleCatalog.channels.map((c) =>
        c.name === 'staging' ? { ...c, rollout: { waves: [{ name: 'all', ous: ['ou-x1y2-stg00001'] }] } } : c,
      ),
    });
    process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
    process.env.ROLLOUT_STATE_MACHINE_ARN = ROLLOUT_ARN;
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ROLLOUT_ARN}:x` });
  });

  afterEach(() => {
    sfn.reset();
    delete process.env.ROLLOUT_STATE_MACHINE_ARN;
  });

  it('starts one execution named after image, channel and version, and nothing else (its tasks read the AMIs from the ledger)', async () => {
    await publish(channelItem('staging'));

    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    const call = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(call).toMatchObject({
      stateMachineArn: ROLLOUT_ARN,
      name: rolloutExecutionName('base', 'staging', '1.0.0/3'),
    });
    expect(JSON.parse(call?.input ?? '{}')).toEqual({ image: 'base', channel: 'staging', version: '1.0.0/3' });
  });

  it('takes an execution that already exists with its own input, started by its first attempt (a retried Publish), as its own', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    sfn.on(DescribeExecutionCommand).resolves({
      status: 'RUNNING',
      // Started once this promotion had recorded its time (the first attempt's StartExecution).
      startDate: new Date(Date.now() + 60_000),
      input: '{"version":"1.0.0/3","channel":"staging","image":"base"}',
    });
    await expect(publish(channelItem('staging'))).resolves.toMatchObject({ channel: 'staging' });
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, {
      executionArn: `arn:aws:states:us-east-1:111122223333:execution:rollout:${rolloutExecutionName('base', 'staging', '1.0.0/3')}`,
    });
    expect(squatted()).toEqual([]);
  });

  it('refuses an execution of its name with another input (a squatted name), announcing once that the rollout did not start; the promotion stands', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const forged = { image: 'base', channel: 'staging', version: '1.0.0/3', amis: { 'us-east-1': 'ami-0bad' } };
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ status: 'FAILED', startDate: new Date(), input: JSON.stringify(forged) });
    await expect(publish(channelItem('staging'))).resolves.toMatchObject({ channel: 'staging' });
    expect(squatted()).toEqual([
      { event: 'rollout-stopped', reason: expect.stringContaining('another input'), execution: 'FAILED' },
    ]);
    expect(told().map((n) => n.event)).toContain('promoted');
  });

  it('refuses an execution of its name and its very input started before the promotion (pre-squatted), announcing it', async () => {
    // Started by hand before Publish moved the pointer: its StartWave was refused (not published), so it FAILED, and
    // Step Functions answers Publish's start with ExecutionAlreadyExists; its input is the one Publish would give.
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    sfn.on(DescribeExecutionCommand).resolves({
      status: 'FAILED',
      startDate: new Date('2020-01-01T00:00:00Z'),
      input: '{"image":"base","channel":"staging","version":"1.0.0/3"}',
    });
    await expect(publish(channelItem('staging'))).resolves.toMatchObject({ channel: 'staging' });
    expect(squatted()).toEqual([
      {
        event: 'rollout-stopped',
        reason: expect.stringContaining('was started at 2020-01-01T00:00:00.000Z, before'),
        execution: 'FAILED',
      },
    ]);
  });

  it('refuses an open execution of its name and input that Step Functions hands back as its own, started before the promotion', async () => {
    // Still running: StartExecution answers success with the existing execution (idempotent), and its start date.
    sfn
      .on(StartExecutionCommand)
      .resolves({ executionArn: `${ROLLOUT_ARN}:x`, startDate: new Date('2020-01-01T00:00:00Z') });
    await expect(publish(channelItem('staging'))).resolves.toMatchObject({ channel: 'staging' });
    expect(squatted()).toEqual([
      { event: 'rollout-stopped', reason: expect.stringContaining('before'), execution: 'RUNNING' },
    ]);
  });

  it('starts nothing for a channel without rollout', async () => {
    newPointerShare(ram, [OU('ou-x1y2-dev00001')]);
    await publish(channelItem('dev'));
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });
});
