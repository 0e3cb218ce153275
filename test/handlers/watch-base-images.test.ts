import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MalformedEventError } from '../../core/errors.js';
import { handler } from '../../functions/watch-base-images.js';
import { mockClient } from '../helpers/mock-client.js';
import { AL2023, triggerCatalog } from '../unit/triggers/fixtures.js';

const context = { functionName: 'watch-base-images', awsRequestId: 'req-1' } as Context;
const input = { watch: 'base-images' };
const WATCH_KEY = { pk: `WATCH#us-east-1#${AL2023}`, sk: 'STATE' };

describe('watch-base-images handler', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const ssm = mockClient(SSMClient);
  const eventbridge = mockClient(EventBridgeClient);

  beforeEach(() => {
    process.env.LEDGER_TABLE = 'ledger';
    process.env.EVENT_BUS_NAME = 'goldsmith-bus';
    process.env.GOLDSMITH_CATALOG = JSON.stringify(triggerCatalog());
    ssm
      .on(GetParametersCommand)
      .resolves({ Parameters: [{ Name: AL2023, Value: 'ami-0bbbbbbbbbbbbbbbb', Version: 8 }] });
    ddb.on(PutCommand).resolves({});
    eventbridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  });

  afterEach(() => {
    ddb.reset();
    ssm.reset();
    eventbridge.reset();
  });

  it('announces a new AMI on the bus and then advances the watcher state', async () => {
    ddb
      .on(GetCommand, { Key: WATCH_KEY })
      .resolves({ Item: { ...WATCH_KEY, value: 'ami-0aaaaaaaaaaaaaaaa', version: 7 } });

    const result = await handler(input, context);

    expect(ssm).toHaveReceivedCommandWith(GetParametersCommand, { Names: [AL2023] });
    const entry = eventbridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({
      EventBusName: 'goldsmith-bus',
      Source: 'goldsmith',
      DetailType: 'Base Image Changed',
    });
    expect(JSON.parse(entry?.Detail ?? '{}')).toMatchObject({
      parameter: AL2023,
      previous: 'ami-0aaaaaaaaaaaaaaaa',
      current: 'ami-0bbbbbbbbbbbbbbbb',
      region: 'us-east-1',
    });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ ...WATCH_KEY, value: 'ami-0bbbbbbbbbbbbbbbb', version: 8 }),
      ConditionExpression: 'attribute_not_exists(pk) OR #version < :version',
    });
    expect(result.announced).toHaveLength(1);
  });

  it('announces nothing when the parameter version is the one already seen', async () => {
    ddb
      .on(GetCommand, { Key: WATCH_KEY })
      .resolves({ Item: { ...WATCH_KEY, value: 'ami-0bbbbbbbbbbbbbbbb', version: 8 } });

    await handler(input, context);

    expect(eventbridge).not.toHaveReceivedCommand(PutEventsCommand);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('records a baseline without announcing the first time it sees a parameter', async () => {
    ddb.on(GetCommand).resolves({});

    await handler(input, context);

    expect(eventbridge).not.toHaveReceivedCommand(PutEventsCommand);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ version: 8 }) });
  });

  it('tolerates losing the state update to a concurrent watcher', async () => {
    ddb
      .on(GetCommand, { Key: WATCH_KEY })
      .resolves({ Item: { ...WATCH_KEY, value: 'ami-0aaaaaaaaaaaaaaaa', version: 7 } });
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'lost', $metadata: {} }));

    await expect(handler(input, context)).resolves.toMatchObject({ announced: [expect.anything()] });
  });

  it('fails loudly when a watched parameter does not exist', async () => {
    ssm.on(GetParametersCommand).resolves({ Parameters: [], InvalidParameters: [AL2023] });

    await expect(handler(input, context)).rejects.toThrow(`base-image parameter ${AL2023} not found in us-east-1`);
  });

  it('rejects an input that is not the watcher schedule', async () => {
    await expect(handler({ watch: 'everything' }, context)).rejects.toBeInstanceOf(MalformedEventError);
    expect(ssm.calls()).toHaveLength(0);
  });
});
