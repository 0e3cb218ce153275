import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catalogShapeSchema } from '../../core/config/schema.js';
import { rolloutExecutionName } from '../../core/rollout/request.js';
import { publish } from '../../functions/promotion/publish.js';
import exampleCatalog from '../../goldsmith.config.js';
import { channelItem, OU } from './promotion-fixtures.js';
import { newPointerShare, usePublishWorld } from './publish-fixtures.js';

const ROLLOUT_ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:rollout';

describe('publish starts the rollout of a channel that rolls out', () => {
  const { ram } = usePublishWorld();
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

  it('takes an execution that already exists with its own input (a retried Publish) as its own', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    sfn.on(DescribeExecutionCommand).resolves({ input: '{"version":"1.0.0/3","channel":"staging","image":"base"}' });
    await expect(publish(channelItem('staging'))).resolves.toMatchObject({ channel: 'staging' });
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, {
      executionArn: `arn:aws:states:us-east-1:111122223333:execution:rollout:${rolloutExecutionName('base', 'staging', '1.0.0/3')}`,
    });
  });

  it('fails loudly when an execution of its name exists with another input (a squatted name)', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const forged = { image: 'base', channel: 'staging', version: '1.0.0/3', amis: { 'us-east-1': 'ami-0bad' } };
    sfn.on(DescribeExecutionCommand).resolves({ input: JSON.stringify(forged) });
    await expect(publish(channelItem('staging'))).rejects.toMatchObject({ name: 'ExecutionSquatted' });
  });

  it('starts nothing for a channel without rollout', async () => {
    newPointerShare(ram, [OU('ou-x1y2-dev00001')]);
    await publish(channelItem('dev'));
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });
});
