import {
  ImagebuilderClient,
  ListImagePipelineImagesCommand,
  StartImagePipelineExecutionCommand,
} from '@aws-sdk/client-imagebuilder';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { handler } from '../../functions/start-builds.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';
import { triggerCatalog } from '../unit/triggers/fixtures.js';
import { PIPELINE_ARN_PREFIX } from './start-builds-events.js';

/**
 * start-builds failed after its effect and before its record: Image Builder started the build, and the function timed
 * out before the answer (so the marker never got the build's ARN). Lambda runs it again with the same event. The
 * ledger is dynalite (real conditional writes); Image Builder is a mock that keeps its builds by client token, as
 * StartImagePipelineExecution does (docs/aws-behaviours.md).
 */

const dynamo = useLocalDynamo();
const imagebuilder = mockClient(ImagebuilderClient);
const sns = mockClient(SNSClient);
const context = { functionName: 'start-builds', awsRequestId: 'req-1' } as Context;
const patchDay = { image: 'base', window: '2027-01-14T03:00:00Z' };

/** Builds Image Builder started, by client token; and whether the next start's answer is lost. */
let builds: Map<string, string>;
let loseAnswer: boolean;

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2027-01-14T03:01:00Z') });
  await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:notify';
  process.env.PIPELINE_ARN_PREFIX = PIPELINE_ARN_PREFIX;
  process.env.GOLDSMITH_CATALOG = JSON.stringify(triggerCatalog());
  builds = new Map();
  loseAnswer = false;
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  imagebuilder.on(ListImagePipelineImagesCommand).resolves({ imageSummaryList: [] });
  imagebuilder.on(StartImagePipelineExecutionCommand).callsFake((input: { clientToken: string }) => {
    const known = builds.get(input.clientToken);
    if (known) return { imageBuildVersionArn: known, clientToken: input.clientToken };
    const arn = `arn:aws:imagebuilder:us-east-1:123456789012:image/goldsmith-base/1.0.0/${builds.size + 4}`;
    builds.set(input.clientToken, arn);
    if (loseAnswer) {
      loseAnswer = false;
      throw Object.assign(new Error('the function timed out before the answer'), { name: 'FunctionTimedOut' });
    }
    return { imageBuildVersionArn: arn, clientToken: input.clientToken };
  });
});

afterEach(() => {
  vi.useRealTimers();
  imagebuilder.reset();
  sns.reset();
});

async function decisions(): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await documentClient().send(new ScanCommand({ TableName: 'ledger' }));
  return Items.filter((i) => String(i.sk).startsWith('DECISION#'));
}

describe('start-builds failed after Image Builder started the build, and run again', () => {
  it('starts no second build: the retry resumes its claimed change with the same client token and records the build', async () => {
    loseAnswer = true;
    await expect(handler(patchDay, context)).rejects.toThrow(/timed out/);
    expect(builds.size).toBe(1);

    const retry = await handler(patchDay, context);

    expect(builds.size).toBe(1);
    const [token] = [...builds.keys()];
    const starts = imagebuilder.commandCalls(StartImagePipelineExecutionCommand).map((c) => c.args[0].input);
    expect(starts.map((s) => s.clientToken)).toEqual([token, token]);
    expect(retry.decisions).toMatchObject([{ image: 'base', outcome: 'start' }]);
    expect(await decisions()).toMatchObject([
      { outcome: 'start', buildVersionArn: 'arn:aws:imagebuilder:us-east-1:123456789012:image/goldsmith-base/1.0.0/4' },
    ]);
    // A third delivery finds the change done: nothing is started or asked again.
    await handler(patchDay, context);
    expect(imagebuilder.commandCalls(StartImagePipelineExecutionCommand)).toHaveLength(2);
    expect(await decisions()).toMatchObject([{ outcome: 'start' }, { outcome: 'skip' }]);
  });

  it('keeps the "build started" decision when the same event is delivered twice at one instant', async () => {
    await handler(patchDay, context);
    await handler(patchDay, context);

    expect(builds.size).toBe(1);
    const recorded = await decisions();
    expect(recorded.map((d) => d.outcome).sort()).toEqual(['skip', 'start']);
    expect(recorded.find((d) => d.outcome === 'start')).toMatchObject({
      buildVersionArn: 'arn:aws:imagebuilder:us-east-1:123456789012:image/goldsmith-base/1.0.0/4',
    });
    expect(new Set(recorded.map((d) => d.sk)).size).toBe(2);
  });
});
