import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetImageCommand,
  ImagebuilderClient,
  type ImageStatus,
  type ImageSummary,
  ListImagePipelineImagesCommand,
  StartImagePipelineExecutionCommand,
} from '@aws-sdk/client-imagebuilder';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openWork, openWorkIndex } from '../../core/ledger/keys.js';
import { executionNameFor } from '../../core/promotion/naming.js';
import { onImageEvent } from '../../functions/on-image-event.js';
import { reconcileBuilds } from '../../functions/reconcile.js';
import {
  ACCOUNT,
  BUILD_ARN,
  basePlan,
  catalog,
  getImageOutput,
  PIPELINE_ARN,
  stateChangeEvent,
} from './promotion-fixtures.js';

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:promotion';
const INPUT = { reconcile: 'image-builds', windowDays: 14 } as const;
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

function summary(status: ImageStatus, overrides: Partial<ImageSummary> = {}): ImageSummary {
  return {
    arn: BUILD_ARN,
    state: { status },
    dateCreated: daysAgo(2),
    ...overrides,
  };
}

/**
 * A minimal in-memory ledger behind the document client mock: enough of UpdateItem (SET / ADD to sets),
 * conditional PutItem and GetItem for the reconciler's idempotency to be observable across runs.
 */
function inMemoryLedger(ddb: AwsClientStub<DynamoDBDocumentClient>) {
  const items = new Map<string, Record<string, unknown>>();
  const keyOf = (k: Record<string, unknown> | undefined) => `${String(k?.pk)}|${String(k?.sk)}`;
  ddb.on(GetCommand).callsFake((input: GetCommandInput) => ({ Item: items.get(keyOf(input.Key)) }));
  ddb.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => ({
    Responses: Object.fromEntries(
      Object.entries(input.RequestItems ?? {}).map(([table, request]) => [
        table,
        (request.Keys ?? []).flatMap((k) => items.get(keyOf(k)) ?? []),
      ]),
    ),
  }));
  // A partition's pending items, or (with IndexName) the open-work index's entries of one kind.
  ddb.on(QueryCommand).callsFake((input: QueryCommandInput) => ({
    Items: [...items.values()].filter((i) =>
      input.IndexName === openWorkIndex.name
        ? i[openWorkIndex.partitionKey] === input.ExpressionAttributeValues?.[':kind'] && i.status === 'pending'
        : i.pk === input.ExpressionAttributeValues?.[':pk'] && i.status === 'pending',
    ),
  }));
  ddb.on(PutCommand).callsFake((input: PutCommandInput) => {
    const key = keyOf(input.Item);
    if (input.ConditionExpression === 'attribute_not_exists(sk)' && items.has(key)) {
      throw new ConditionalCheckFailedException({ message: 'exists', $metadata: {} });
    }
    items.set(key, { ...input.Item });
  });
  ddb.on(UpdateCommand).callsFake((input: UpdateCommandInput) => {
    const key = keyOf(input.Key);
    const item = items.get(key) ?? { ...input.Key };
    const values = input.ExpressionAttributeValues ?? {};
    if (input.ConditionExpression === 'attribute_not_exists(announcedAt)' && item.announcedAt) {
      throw new ConditionalCheckFailedException({ message: 'announced', $metadata: {} });
    }
    if (values[':at'] !== undefined && input.UpdateExpression?.includes('announcedAt'))
      item.announcedAt = values[':at'];
    // Plain `SET #name = :value` assignments (marker and intent states).
    const names = input.ExpressionAttributeNames ?? {};
    for (const [, attr, placeholder] of (input.UpdateExpression ?? '').matchAll(/(#?\w+) = (:\w+)/g)) {
      if (attr && placeholder && values[placeholder] !== undefined) item[names[attr] ?? attr] = values[placeholder];
    }
    for (const [attr, placeholder] of [
      ['statusesSeen', ':seen'],
      ['handledStatuses', ':status'],
    ] as const) {
      const added = values[placeholder];
      if (input.UpdateExpression?.includes(`ADD ${attr}`) && added instanceof Set) {
        const current = item[attr] instanceof Set ? (item[attr] as Set<string>) : new Set<string>();
        item[attr] = new Set([...current, ...added]);
      }
    }
    items.set(key, item);
    return {};
  });
  return items;
}

describe('reconcileBuilds', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const imagebuilder = mockClient(ImagebuilderClient);
  const sfn = mockClient(SFNClient);
  const sns = mockClient(SNSClient);
  let ledger: Map<string, Record<string, unknown>>;

  const listBase = (summaries: ImageSummary[]) =>
    imagebuilder.on(ListImagePipelineImagesCommand, { imagePipelineArn: PIPELINE_ARN }).resolves({
      imageSummaryList: summaries,
    });

  beforeEach(() => {
    // A Wednesday with no schedule firing in the reconciler's look-back: only the builds listed here matter.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2027-03-03T12:00:00Z'));
    process.env.LEDGER_TABLE = 'ledger';
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
    process.env.STATE_MACHINE_ARN = STATE_MACHINE_ARN;
    process.env.PIPELINE_ARN_PREFIX = `arn:aws:imagebuilder:us-east-1:${ACCOUNT}:image-pipeline/goldsmith-`;
    process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
    ledger = inMemoryLedger(ddb);
    imagebuilder.on(ListImagePipelineImagesCommand).resolves({ imageSummaryList: [] });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  afterEach(() => {
    vi.useRealTimers();
    ddb.reset();
    imagebuilder.reset();
    sfn.reset();
    sns.reset();
  });

  it('starts the promotion on-image-event would have started when an AVAILABLE event was missed', async () => {
    listBase([summary('AVAILABLE')]);
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });

    const report = await reconcileBuilds(INPUT);

    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: STATE_MACHINE_ARN,
      name: executionNameFor(BUILD_ARN),
    });
    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}');
    expect(input).toEqual({ image: 'base', buildVersionArn: BUILD_ARN, version: '1.0.0/3', plan: basePlan });
    expect(report.reconciled).toEqual([
      { image: 'base', version: '1.0.0/3', status: 'AVAILABLE', missed: 'event', result: 'promotion-started' },
    ]);
    expect(ledger.get('IMAGE#base|RECONCILED#1.0.0/3#AVAILABLE')).toMatchObject({
      kind: 'reconciled',
      status: 'AVAILABLE',
      missed: 'event',
      result: 'promotion-started',
    });
  });

  it('does nothing for a build on-image-event already handled', async () => {
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });
    await onImageEvent(stateChangeEvent('AVAILABLE'));
    listBase([summary('AVAILABLE')]);
    imagebuilder.resetHistory();
    sfn.resetHistory();

    const report = await reconcileBuilds(INPUT);

    expect(report.reconciled).toEqual([]);
    expect(imagebuilder).not.toHaveReceivedCommand(GetImageCommand);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
    expect([...ledger.keys()].some((k) => k.includes('RECONCILED#'))).toBe(false);
  });

  it('has no extra effect when it runs twice', async () => {
    listBase([summary('AVAILABLE'), summary('FAILED', { arn: BUILD_ARN.replace(/3$/, '4') })]);
    imagebuilder.on(GetImageCommand, { imageBuildVersionArn: BUILD_ARN }).resolves(getImageOutput());
    const failed = getImageOutput('FAILED', 'component update-linux failed');
    failed.image.arn = BUILD_ARN.replace(/3$/, '4');
    imagebuilder.on(GetImageCommand, { imageBuildVersionArn: BUILD_ARN.replace(/3$/, '4') }).resolves(failed);
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });

    const first = await reconcileBuilds(INPUT);
    const second = await reconcileBuilds(INPUT);

    expect(first.reconciled.map((r) => r.status)).toEqual(['AVAILABLE', 'FAILED']);
    expect(second.reconciled).toEqual([]);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    // One announcement per build: image-available for the first, build-failed for the second.
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      Message: expect.stringContaining('component update-linux failed'),
    });
  });

  it('catches a build whose status was recorded but whose promotion never started', async () => {
    ledger.set('IMAGE#base|BUILD#1.0.0/3', {
      pk: 'IMAGE#base',
      sk: 'BUILD#1.0.0/3',
      statusesSeen: new Set(['TESTING', 'AVAILABLE']),
    });
    listBase([summary('AVAILABLE')]);
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });

    const report = await reconcileBuilds(INPUT);

    expect(report.reconciled).toMatchObject([{ status: 'AVAILABLE', missed: 'handling' }]);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });

  it('asks the ledger again for builds it left unprocessed before deciding', async () => {
    const key = { pk: 'IMAGE#base', sk: 'BUILD#1.0.0/3' };
    ledger.set('IMAGE#base|BUILD#1.0.0/3', {
      ...key,
      statusesSeen: new Set(['AVAILABLE']),
      handledStatuses: new Set(['AVAILABLE']),
    });
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { ledger: [] }, UnprocessedKeys: { ledger: { Keys: [key] } } })
      .resolvesOnce({ Responses: { ledger: [ledger.get('IMAGE#base|BUILD#1.0.0/3') ?? {}] } });
    listBase([summary('AVAILABLE')]);

    const report = await reconcileBuilds(INPUT);

    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, 2);
    expect(report.reconciled).toEqual([]);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('leaves builds in progress and builds older than the window alone', async () => {
    listBase([
      summary('TESTING'),
      summary('AVAILABLE', { arn: BUILD_ARN.replace(/3$/, '1'), dateCreated: daysAgo(30) }),
    ]);

    const report = await reconcileBuilds(INPUT);

    expect(report).toMatchObject({ listed: 2, skipped: 2, reconciled: [] });
    expect(imagebuilder).not.toHaveReceivedCommand(GetImageCommand);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("reads every page of a pipeline's builds and lists only the catalog's pipelines", async () => {
    imagebuilder
      .on(ListImagePipelineImagesCommand, { imagePipelineArn: PIPELINE_ARN })
      .resolvesOnce({ imageSummaryList: [summary('TESTING', { arn: BUILD_ARN.replace(/3$/, '4') })], nextToken: 't' })
      .resolvesOnce({ imageSummaryList: [summary('AVAILABLE')] });
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    sfn.on(StartExecutionCommand).resolves({});

    const report = await reconcileBuilds(INPUT);

    expect(report.listed).toBe(2);
    expect(report.reconciled.map((r) => r.version)).toEqual(['1.0.0/3']);
    const pipelines = imagebuilder
      .commandCalls(ListImagePipelineImagesCommand)
      .map((c) => c.args[0].input.imagePipelineArn?.split('/').pop());
    expect(new Set(pipelines)).toEqual(new Set(Object.keys(catalog.images).map((i) => `goldsmith-${i}`)));
  });

  it('does not act on a listed build that Image Builder says is not ours', async () => {
    listBase([summary('AVAILABLE')]);
    const foreign = getImageOutput();
    foreign.image.sourcePipelineArn = `arn:aws:imagebuilder:us-east-1:${ACCOUNT}:image-pipeline/someone-else`;
    foreign.image.tags = { 'goldsmith:image': 'not-in-catalog' };
    imagebuilder.on(GetImageCommand).resolves(foreign);

    const report = await reconcileBuilds(INPUT);

    expect(report.reconciled).toEqual([]);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
    expect(ledger.size).toBe(0);
  });

  it('reconciles the other builds and then fails the run when one build cannot be reconciled', async () => {
    const other = BUILD_ARN.replace(/3$/, '4');
    listBase([summary('AVAILABLE'), summary('AVAILABLE', { arn: other, dateCreated: daysAgo(1) })]);
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    sfn
      .on(StartExecutionCommand, { name: executionNameFor(BUILD_ARN) })
      .rejects(new Error('Rate exceeded'))
      .on(StartExecutionCommand, { name: executionNameFor(other) })
      .resolves({});

    await expect(reconcileBuilds(INPUT)).rejects.toThrow(/1 build\(s\) could not be reconciled.*Rate exceeded/);
    expect(ledger.has('IMAGE#base|RECONCILED#1.0.0/4#AVAILABLE')).toBe(true);
    expect(ledger.has('IMAGE#base|RECONCILED#1.0.0/3#AVAILABLE')).toBe(false);
  });

  it('issues a patch build whose scheduled invocation never recorded its intent, once', async () => {
    // Two hours after base's March patch build was due (Thursday 11 March, 03:00 London); nothing recorded it.
    vi.setSystemTime(new Date('2027-03-11T05:00:00Z'));
    imagebuilder.on(StartImagePipelineExecutionCommand).resolves({
      imageBuildVersionArn: `arn:aws:imagebuilder:us-east-1:${ACCOUNT}:image/base/1.0.0/4`,
    });

    const first = await reconcileBuilds(INPUT);
    const second = await reconcileBuilds(INPUT);

    expect(first.intents?.schedulesRederived).toEqual(['schedule:base@2027-03-11T03:00:00Z']);
    expect(second.intents?.schedulesRederived).toEqual([]);
    expect(imagebuilder).toHaveReceivedCommandTimes(StartImagePipelineExecutionCommand, 1);
    expect(ledger.get('INTENTS|INTENT#2027-03-11T03:00:00Z#schedule:base@2027-03-11T03:00:00Z')).toMatchObject({
      kind: 'intent',
      status: 'done',
    });
  });

  it('re-issues a pending build intent through the same dedupe, and leaves it done', async () => {
    const change = {
      kind: 'package',
      name: 'openssl',
      version: '3.0.16',
      source: 'codeartifact',
      observedAt: '2027-03-02T10:00:00Z',
    };
    const key = 'INTENTS|INTENT#2027-03-02T10:00:00Z#package:openssl@3.0.16';
    ledger.set(key, {
      pk: 'INTENTS',
      sk: 'INTENT#2027-03-02T10:00:00Z#package:openssl@3.0.16',
      kind: 'intent',
      changeId: 'package:openssl@3.0.16',
      change,
      status: 'pending',
      openWork: openWork.intent,
    });
    imagebuilder.on(StartImagePipelineExecutionCommand).resolves({
      imageBuildVersionArn: `arn:aws:imagebuilder:us-east-1:${ACCOUNT}:image/base/1.0.0/4`,
    });

    const report = await reconcileBuilds(INPUT);

    expect(report.intents?.reissued).toEqual(['package:openssl@3.0.16']);
    expect(imagebuilder).toHaveReceivedCommandWith(StartImagePipelineExecutionCommand, {
      imagePipelineArn: PIPELINE_ARN,
    });
    expect(ledger.get(key)).toMatchObject({ status: 'done' });
  });

  it('rejects an input that is not the schedule', async () => {
    await expect(reconcileBuilds({ reconcile: 'image-builds', windowDays: 400 })).rejects.toThrow();
    expect(imagebuilder).not.toHaveReceivedCommand(ListImagePipelineImagesCommand);
  });
});
