import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeImageAttributeCommand } from '@aws-sdk/client-ec2';
import { GetParametersCommand } from '@aws-sdk/client-ssm';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { client, configureClients, documentClient } from '../aws/clients.js';
import { startInProcessDynamo } from '../local/dynalite-in-process.js';
import { localEndpoint, UNSIGNED_AUTH_SCHEMES, withoutWireMiddleware } from '../local/fakes/common.js';
import { attachModelCheck, checkResponse, operationSchemaOf, serviceIdOf } from '../local/models/request-check.js';

/**
 * The laboratory's floor: what one request costs in the local cloud with none of Goldsmith's code and none of the
 * fakes' logic in its path. Each request is sent as the simulator sends it (the SDK client as aws/clients builds it,
 * unsigned and without the wire's headers, checked against AWS's model), to dynalite in process, or answered the way
 * a fake answers (a fixed output from the deserialize step, checked against the model: local/fakes/middleware.ts).
 */
export interface RequestFloor {
  requests: number;
  /** Wall µs per request, one request after the other (as one handler awaits each call), the kinds in turn. */
  getItem: number;
  /** A Query of one partition that returns one item (the cheapest Query that finds anything). */
  query: number;
  putItem: number;
  /** Another service's call answered as a fake answers: the cheaper of EC2's and SSM's. */
  other: number;
  /** CPU µs per request of each kind (this process's user and system time: V8's garbage collector threads count). */
  cpu: { getItem: number; query: number; putItem: number; other: number };
}

export type Kind = 'getItem' | 'query' | 'putItem' | 'ec2' | 'ssm';
export type PerCall = Record<Kind, { wall: number; cpu: number }>;

const TABLE = 'floor-ledger';
const credentials = { accessKeyId: 'AKIALOCALGOLDSMITH', secretAccessKey: 'local' };

/** What the stand-ins for a fake answer, by service. */
const FIXED_OUTPUT: Record<string, Record<string, unknown>> = {
  ec2: {
    ImageId: 'ami-0123456789abcdef0',
    LaunchPermissions: [{ UserId: '123456789012' }, { UserId: '210987654321' }],
  },
  ssm: {
    Parameters: [{ Name: '/goldsmith/base/prod', Type: 'String', Value: 'ami-0123456789abcdef0', Version: 3 }],
    InvalidParameters: [],
  },
};

interface DeserializeStack {
  add(
    mw: (next: unknown, context: { commandName?: string }) => () => Promise<{ output: unknown; response: unknown }>,
    options: { step: 'deserialize'; name: string; priority: 'high' },
  ): void;
}

/** Answers every call of the client from the deserialize step, as attachFake does, with `output`. */
function answerAsAFake(sdkClient: unknown, output: Record<string, unknown>): void {
  const serviceId = serviceIdOf(sdkClient);
  (sdkClient as { middlewareStack: DeserializeStack }).middlewareStack.add(
    (_next, context) => async () => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      checkResponse(serviceId, operation, output, operationSchemaOf(context as never));
      const $metadata = { httpStatusCode: 200, requestId: 'floor', attempts: 1, totalRetryDelay: 0 };
      return { output: { ...output, $metadata }, response: { statusCode: 200, headers: {}, body: undefined } };
    },
    { step: 'deserialize', name: 'goldsmithFloorAnswer', priority: 'high' },
  );
}

/** Passes sent before timing (at most as many as timed): V8 compiles and optimizes the path over the first thousands. */
const WARM_UP = 2000;

/**
 * Wall and CPU µs per call of each kind, the kinds sent in turn, one call after the other, so that the SDK's shared
 * code sees a mix of operations and protocols as it does in a simulation (a loop of one operation only runs faster
 * than a simulation's mix), after min(`WARM_UP`, n) untimed passes, over `n` timed passes.
 */
export async function perCall<K extends string>(
  n: number,
  sends: Record<K, (i: number) => Promise<unknown>>,
): Promise<Record<K, { wall: number; cpu: number }>> {
  const kinds = Object.keys(sends) as K[];
  const wall = Object.fromEntries(kinds.map((k) => [k, 0])) as Record<K, number>;
  const cpu = { ...wall };
  const warm = Math.min(WARM_UP, n);
  for (let pass = 0; pass < warm + n; pass++) {
    for (const kind of kinds) {
      const cpuBefore = process.cpuUsage();
      const before = performance.now();
      await sends[kind](pass);
      if (pass < warm) continue;
      wall[kind] += performance.now() - before;
      const used = process.cpuUsage(cpuBefore);
      cpu[kind] += (used.user + used.system) / 1000;
    }
  }
  const perRequest = (ms: number) => Math.round((ms * 1000) / n);
  return Object.fromEntries(kinds.map((k) => [k, { wall: perRequest(wall[k]), cpu: perRequest(cpu[k]) }])) as Record<
    K,
    { wall: number; cpu: number }
  >;
}

/** The floor from the measured kinds: another service's call is the cheaper of EC2's and SSM's (a lower bound). */
export function floorOf(measured: PerCall, requests: number): RequestFloor {
  const other = measured.ec2.wall <= measured.ssm.wall ? measured.ec2 : measured.ssm;
  const { getItem, query, putItem } = measured;
  return {
    requests,
    getItem: getItem.wall,
    query: query.wall,
    putItem: putItem.wall,
    other: other.wall,
    cpu: { getItem: getItem.cpu, query: query.cpu, putItem: putItem.cpu, other: other.cpu },
  };
}

/**
 * Measures the floor with `n` requests of each kind. Replaces the process's client settings (configureClients) and
 * leaves them empty: run it where nothing else uses the SDK clients at the same time.
 */
export async function measureRequestFloor(n: number): Promise<RequestFloor> {
  const dynamo = startInProcessDynamo();
  const local = (service: string) => ({
    endpoint: localEndpoint(`${service}.local.goldsmith`),
    httpAuthSchemes: UNSIGNED_AUTH_SCHEMES,
    credentials,
  });
  configureClients({
    overrides: {
      dynamodb: { ...local('dynamodb'), requestHandler: dynamo.requestHandler, maxAttempts: 3 },
      ec2: local('ec2'),
      ssm: local('ssm'),
    },
    decorate: (sdkClient, service) => {
      // As the local cloud's clients are made (local/fakes/install.ts).
      withoutWireMiddleware(sdkClient);
      attachModelCheck(sdkClient);
      const output = FIXED_OUTPUT[service];
      if (output) answerAsAFake(sdkClient, output);
    },
  });
  try {
    await client('dynamodb').send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
      }),
    );
    // CreateTable answers CREATING; dynalite makes the table ACTIVE on a timer of its own.
    for (;;) {
      const { Table } = await client('dynamodb').send(new DescribeTableCommand({ TableName: TABLE }));
      if (Table?.TableStatus === 'ACTIVE') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const doc = documentClient();
    const item = (i: number) => ({
      pk: 'IMAGE#base',
      sk: `PROMOTION#1.0.${i}#prod`,
      outcome: 'promoted',
      amis: [{ region: 'us-east-1', imageId: 'ami-0123456789abcdef0' }],
      at: '2027-01-01T00:00:00.000Z',
    });
    for (let i = 0; i < 20; i++) await doc.send(new PutCommand({ TableName: TABLE, Item: item(i) }));
    const measured = await perCall<Kind>(n, {
      getItem: (i) =>
        doc.send(new GetCommand({ TableName: TABLE, Key: { pk: 'IMAGE#base', sk: `PROMOTION#1.0.${i % 20}#prod` } })),
      query: () =>
        doc.send(
          new QueryCommand({
            TableName: TABLE,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': 'IMAGE#base', ':prefix': 'PROMOTION#1.0.7#' },
          }),
        ),
      // Each write its own item, as the ledger's are: the table grows by one item per pass.
      putItem: (i) =>
        doc.send(new PutCommand({ TableName: TABLE, Item: { pk: 'IMAGE#other', sk: `WRITE#${i}`, n: i } })),
      ec2: () =>
        client('ec2').send(
          new DescribeImageAttributeCommand({ ImageId: 'ami-0123456789abcdef0', Attribute: 'launchPermission' }),
        ),
      ssm: () => client('ssm').send(new GetParametersCommand({ Names: ['/goldsmith/base/prod'] })),
    });
    return floorOf(measured, n);
  } finally {
    configureClients({});
    await dynamo.stop();
  }
}

const READS = new Set(['dynamodb:GetItem', 'dynamodb:BatchGetItem']);
const QUERIES = new Set(['dynamodb:Query', 'dynamodb:Scan']);

/**
 * The wall seconds a run's requests take at the floor's costs: DynamoDB's by operation (reads at GetItem's cost,
 * queries and scans at the one-item Query's, every other operation, UpdateItem among them, at PutItem's), every
 * other service's at `other`. What a run that makes those requests one after the other pays before any of its own
 * work; a run's requests mostly are (a handler awaits each call; fan-outs overlap a few).
 */
export function floorSeconds(
  floor: RequestFloor,
  requests: { dynamoByOperation: Readonly<Record<string, number>>; other: number },
  measure: 'wall' | 'cpu' = 'wall',
): number {
  // CPU: the same requests at the floor's CPU costs, which a loaded machine inflates far less than wall times.
  const costs = measure === 'cpu' ? floor.cpu : floor;
  let micros = requests.other * costs.other;
  for (const [operation, count] of Object.entries(requests.dynamoByOperation)) {
    const cost = READS.has(operation) ? costs.getItem : QUERIES.has(operation) ? costs.query : costs.putItem;
    micros += count * cost;
  }
  return micros / 1e6;
}

/** The floor for people. */
export function formatRequestFloor(floor: RequestFloor): string {
  const n = floor.requests.toLocaleString('en-US');
  return [
    `request floor (wall per request, the kinds in turn: the SDK, the API model check, and dynalite or a fake's fixed answer; no Goldsmith code; ${n} timed passes after up to 2,000 untimed)`,
    `  DynamoDB GetItem ${floor.getItem} µs, Query of one item ${floor.query} µs, PutItem ${floor.putItem} µs; another service's call (the cheaper of EC2's and SSM's) ${floor.other} µs`,
    `  CPU per request: ${floor.cpu.getItem}, ${floor.cpu.query}, ${floor.cpu.putItem} and ${floor.cpu.other} µs`,
  ].join('\n');
}
