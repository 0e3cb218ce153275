import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  ImagebuilderClient,
  type ImageStatus,
  type ImageSummary,
  ListImagePipelineImagesCommand,
} from '@aws-sdk/client-imagebuilder';
import { SFNClient } from '@aws-sdk/client-sfn';
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
  ScanCommand,
  type ScanCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, vi } from 'vitest';
import { openWork, openWorkIndex } from '../../core/ledger/keys.js';
import { mockClient } from '../helpers/mock-client.js';
import { ACCOUNT, BUILD_ARN, catalog, PIPELINE_ARN } from './promotion-fixtures.js';

/** Shared fixtures of the reconcileBuilds handler tests: its input, Image Builder's build list, an in-memory ledger. */
export const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:promotion';
export const INPUT = { reconcile: 'image-builds', windowDays: 14 } as const;
export const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

/** One entry of ListImagePipelineImages for the build of `base`, created two days ago unless overridden. */
export function summary(status: ImageStatus, overrides: Partial<ImageSummary> = {}): ImageSummary {
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
function inMemoryLedger(ddb: AwsClientStub<DynamoDBDocumentClient>, items: Map<string, Record<string, unknown>>) {
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
  // An open-work index entry its reader keeps: a pending intent, an open build.
  const open = (i: Record<string, unknown>) =>
    i[openWorkIndex.partitionKey] !== undefined &&
    (i.status === 'pending' || i[openWorkIndex.partitionKey] === openWork.build);
  // A partition's pending items. An index Query is refused, as the reconciler's role refuses it (it may Scan the index).
  ddb.on(QueryCommand).callsFake((input: QueryCommandInput) => {
    if (input.IndexName) throw new Error(`AccessDeniedException: no dynamodb:Query on index/${input.IndexName}`);
    return {
      Items: [...items.values()].filter(
        (i) => i.pk === input.ExpressionAttributeValues?.[':pk'] && i.status === 'pending',
      ),
    };
  });
  // The ledger migration's walk (aws/ledger/migrations.ts): the whole ledger in one page; with IndexName, the run's
  // read of every open kind (aws/ledger/open-work.ts readOpenWork).
  ddb.on(ScanCommand).callsFake((input: ScanCommandInput) => ({
    Items: [...items.values()].filter((i) => input.IndexName !== openWorkIndex.name || open(i)),
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
    if (
      input.ConditionExpression === 'contains(handledStatuses, :status)' &&
      !(item.handledStatuses instanceof Set && item.handledStatuses.has(String(values[':status'])))
    ) {
      throw new ConditionalCheckFailedException({ message: 'not handled', $metadata: {} });
    }
    // `REMOVE #name` (closing open work).
    for (const [, attr] of (input.UpdateExpression ?? '').matchAll(/REMOVE (#?\w+)/g)) {
      if (attr) delete item[names[attr] ?? attr];
    }
    items.set(key, item);
    return {};
  });
}

/** Per test: client mocks, an emptied in-memory `ledger`, a Wednesday clock; `listBase` lists base's builds. */
/** The fixtures' catalog with the pipelines listed every `every` (the day's pass of a listing day lists them all). */
export const listingEvery = (every: string) => ({
  ...catalog,
  monitoring: { ...catalog.monitoring, pipelineListingEvery: every },
});

export function useReconcileWorld() {
  const ddb = mockClient(DynamoDBDocumentClient);
  const imagebuilder = mockClient(ImagebuilderClient);
  const sfn = mockClient(SFNClient);
  const sns = mockClient(SNSClient);
  const ledger = new Map<string, Record<string, unknown>>();

  const listBase = (summaries: ImageSummary[]) =>
    imagebuilder.on(ListImagePipelineImagesCommand, { imagePipelineArn: PIPELINE_ARN }).resolves({
      imageSummaryList: summaries,
    });

  beforeEach(() => {
    // A Wednesday with no schedule firing in the reconciler's look-back: only the builds listed here matter. The
    // day's first run, which lists every pipeline (listed daily here; a test of the other runs sets a later hour).
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2027-03-03T02:00:00Z'));
    process.env.LEDGER_TABLE = 'ledger';
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
    process.env.STATE_MACHINE_ARN = STATE_MACHINE_ARN;
    process.env.PIPELINE_ARN_PREFIX = `arn:aws:imagebuilder:us-east-1:${ACCOUNT}:image-pipeline/goldsmith-`;
    process.env.GOLDSMITH_CATALOG = JSON.stringify(listingEvery('1d'));
    ledger.clear();
    inMemoryLedger(ddb, ledger);
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

  return { ddb, imagebuilder, sfn, sns, ledger, listBase };
}
