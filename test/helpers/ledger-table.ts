import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { dynamodbClient } from '../../aws/clients/dynamodb.js';
import { configureClients } from '../../aws/clients/registry.js';
import { imageViewIndex, openWorkIndex } from '../../core/ledger/keys.js';
import { type LocalDynamo, startLocalDynamo } from '../../local/dynalite.js';
import type { InProcessDynamo } from '../../local/dynalite-in-process.js';
import { localEndpoint } from '../../local/fakes/common.js';

/**
 * Test helpers for a ledger table in dynalite (local/dynalite.ts over HTTP, or local/dynalite-in-process.ts):
 * the table keyed as stacks/Ledger.ts keys it (string `pk` and `sk`, on-demand), made ACTIVE before a test writes.
 */

/** How often and how long to poll DescribeTable: dynalite changes a table's status on a timer, even at 0 ms. */
const POLL_MS = 5;
const WAIT_MS = 5_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The table's status, or `undefined` once it no longer exists. */
async function statusOf(ddb: DynamoDBClient, name: string): Promise<string | undefined> {
  try {
    return (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

async function waitFor(ddb: DynamoDBClient, name: string, done: (status: string | undefined) => boolean) {
  const deadline = Date.now() + WAIT_MS;
  for (let status = await statusOf(ddb, name); !done(status); status = await statusOf(ddb, name)) {
    if (Date.now() > deadline) throw new Error(`table ${name} is still ${status ?? 'absent'} after ${WAIT_MS} ms`);
    await pause(POLL_MS);
  }
}

/**
 * The ledger's global secondary indexes as stacks/Ledger.ts defines them (the sparse open-work and image-view
 * indexes): the test tables are made with them, and the stack test checks the synthesized table against them.
 */
export const LEDGER_INDEXES: GlobalSecondaryIndex[] = [
  {
    IndexName: openWorkIndex.name,
    KeySchema: [
      { AttributeName: openWorkIndex.partitionKey, KeyType: 'HASH' },
      { AttributeName: openWorkIndex.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  },
  {
    IndexName: imageViewIndex.name,
    KeySchema: [
      { AttributeName: imageViewIndex.partitionKey, KeyType: 'HASH' },
      { AttributeName: imageViewIndex.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...imageViewIndex.projected] },
  },
];

/** Creates an empty ledger table `name` and resolves once it is ACTIVE. */
export async function createLedgerTable(ddb: DynamoDBClient, name = 'ledger'): Promise<void> {
  await ddb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: openWorkIndex.partitionKey, AttributeType: 'S' },
        { AttributeName: imageViewIndex.partitionKey, AttributeType: 'S' },
        { AttributeName: imageViewIndex.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: LEDGER_INDEXES,
    }),
  );
  await waitFor(ddb, name, (status) => status === 'ACTIVE');
}

/** Deletes the ledger table `name` if there is one, then creates it empty: a fresh ledger for each test. */
export async function recreateLedgerTable(ddb: DynamoDBClient, name = 'ledger'): Promise<void> {
  try {
    await ddb.send(new DeleteTableCommand({ TableName: name }));
    await waitFor(ddb, name, (status) => status === undefined);
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await createLedgerTable(ddb, name);
}

/**
 * Where a test's ledger table lives: dynalite's HTTP server at an endpoint (local/dynalite.ts), or dynalite answered
 * in process (local/dynalite-in-process.ts, as the local cloud runs it: the same validations and actions without the
 * loopback socket and the HTTP parsing of every request).
 */
export type LedgerDynamo = string | InProcessDynamo;

/**
 * Points the application's DynamoDB client (aws/clients.ts) at dynalite (`dynamo`: an endpoint, or one in process),
 * with fake keys and one attempt per request, and returns it. `sleep`: how the AWS edge waits before it reads an
 * asynchronous effect again (a timer by default). `configureClients({})` in `afterAll` undoes it.
 */
export function localLedgerClient(
  dynamo: LedgerDynamo,
  { sleep }: Pick<Parameters<typeof configureClients>[0], 'sleep'> = {},
): DynamoDBClient {
  const at =
    typeof dynamo === 'string'
      ? { endpoint: dynamo }
      : { endpoint: localEndpoint('dynamodb.local.test'), requestHandler: dynamo.requestHandler };
  configureClients({
    ...(sleep ? { sleep } : {}),
    overrides: {
      dynamodb: { ...at, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 },
    },
  });
  return dynamodbClient();
}

/**
 * Starts dynalite over HTTP before a test file's tests (beforeAll) and, after them, forgets the SDK clients pointed
 * at it and stops it (afterAll). The returned object's `endpoint` is readable once the tests run.
 */
export function useLocalDynamo(): { readonly endpoint: string } {
  let dynamo: LocalDynamo | undefined;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });
  afterAll(async () => {
    configureClients({});
    await dynamo?.stop();
  });
  return {
    get endpoint() {
      if (!dynamo) throw new Error('dynalite is not started yet: read the endpoint inside a test or hook');
      return dynamo.endpoint;
    },
  };
}
