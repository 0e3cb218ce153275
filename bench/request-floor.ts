import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeImageAttributeCommand } from '@aws-sdk/client-ec2';
import { GetParametersCommand } from '@aws-sdk/client-ssm';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { client, configureClients, documentClient } from '../aws/clients.js';
import { startInProcessDynamo } from '../local/dynalite-in-process.js';
import { localEndpoint } from '../local/fakes/common.js';
import { attachModelCheck } from '../local/models/request-check.js';

/**
 * The laboratory's floor: what one request costs in the local cloud with none of Goldsmith's code and none of the
 * fakes' logic in its path. Each request is sent as the simulator sends it (the SDK client as aws/clients builds it,
 * unsigned, checked against AWS's model), to dynalite in process or to a handler that returns a fixed answer.
 */
export interface RequestFloor {
  requests: number;
  /** Wall µs per request, one request after the other (as one handler awaits each call), the kinds in turn. */
  getItem: number;
  /** A Query of one partition that returns one item (the cheapest Query that finds anything). */
  query: number;
  putItem: number;
  /** Any other service's call with a fixed answer: the cheaper of EC2 (XML) and SSM (JSON). */
  other: number;
  /** CPU µs per request of each kind (this process's user and system time: V8's garbage collector threads count). */
  cpu: { getItem: number; query: number; putItem: number; other: number };
}

const TABLE = 'floor-ledger';
const unsigned = { sign: async <T>(request: T): Promise<T> => request };
const auth = [
  {
    schemeId: 'aws.auth#sigv4',
    identityProvider: (config: { getIdentityProvider(id: string): unknown }) =>
      config.getIdentityProvider('aws.auth#sigv4'),
    signer: unsigned,
  },
];
const credentials = { accessKeyId: 'AKIALOCALGOLDSMITH', secretAccessKey: 'local' };

/** A request handler that answers every request with `body`, as a fake's answer reaches the SDK. */
function fixedAnswer(contentType: string, body: string) {
  const bytes = new TextEncoder().encode(body);
  return {
    handle: async () => ({ response: { statusCode: 200, headers: { 'content-type': contentType }, body: bytes } }),
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
  };
}

const EC2_ANSWER =
  '<DescribeImageAttributeResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>' +
  '<imageId>ami-0123456789abcdef0</imageId><launchPermission><item><userId>123456789012</userId></item>' +
  '<item><userId>210987654321</userId></item></launchPermission></DescribeImageAttributeResponse>';
const SSM_ANSWER = JSON.stringify({
  Parameters: [{ Name: '/goldsmith/base/prod', Type: 'String', Value: 'ami-0123456789abcdef0', Version: 3 }],
  InvalidParameters: [],
});

/** Rounds sent before timing (at most as many as timed): V8 compiles and optimizes the path over the first thousands. */
const WARM_UP = 2000;

type Kind = 'getItem' | 'query' | 'putItem' | 'ec2' | 'ssm';

/**
 * Wall and CPU µs per call of each kind, the kinds sent in turn, one call after the other, so that the SDK's shared
 * code sees a mix of operations and protocols as it does in a simulation (a loop of one operation only would be
 * faster than any run can be), after `WARM_UP` rounds.
 */
async function perCall(
  n: number,
  sends: Record<Kind, (i: number) => Promise<unknown>>,
): Promise<Record<Kind, { wall: number; cpu: number }>> {
  const kinds = Object.keys(sends) as Kind[];
  const wall = Object.fromEntries(kinds.map((k) => [k, 0])) as Record<Kind, number>;
  const cpu = { ...wall };
  const warm = Math.min(WARM_UP, n);
  for (let round = 0; round < warm + n; round++) {
    for (const kind of kinds) {
      const cpuBefore = process.cpuUsage();
      const before = performance.now();
      await sends[kind](round);
      if (round < warm) continue;
      wall[kind] += performance.now() - before;
      const used = process.cpuUsage(cpuBefore);
      cpu[kind] += (used.user + used.system) / 1000;
    }
  }
  const perRequest = (ms: number) => Math.round((ms * 1000) / n);
  return Object.fromEntries(kinds.map((k) => [k, { wall: perRequest(wall[k]), cpu: perRequest(cpu[k]) }])) as Record<
    Kind,
    { wall: number; cpu: number }
  >;
}

/**
 * Measures the floor with `n` requests of each kind. Replaces the process's client settings (configureClients) and
 * leaves them empty: run it where nothing else uses the SDK clients at the same time.
 */
export async function measureRequestFloor(n: number): Promise<RequestFloor> {
  const dynamo = startInProcessDynamo();
  configureClients({
    overrides: {
      dynamodb: {
        endpoint: localEndpoint('dynamodb.local.goldsmith'),
        requestHandler: dynamo.requestHandler,
        httpAuthSchemes: auth,
        credentials,
        maxAttempts: 3,
      },
      ec2: {
        endpoint: localEndpoint('ec2.local.goldsmith'),
        requestHandler: fixedAnswer('text/xml', EC2_ANSWER),
        httpAuthSchemes: auth,
        credentials,
      },
      ssm: {
        endpoint: localEndpoint('ssm.local.goldsmith'),
        requestHandler: fixedAnswer('application/x-amz-json-1.1', SSM_ANSWER),
        httpAuthSchemes: auth,
        credentials,
      },
    },
    decorate: (sdkClient) => attachModelCheck(sdkClient),
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
    const { getItem, query, putItem, ec2, ssm } = await perCall(n, {
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
      // Each write its own item, as the ledger's are: the table grows by one item per round.
      putItem: (i) =>
        doc.send(new PutCommand({ TableName: TABLE, Item: { pk: 'IMAGE#other', sk: `WRITE#${i}`, n: i } })),
      ec2: () =>
        client('ec2').send(
          new DescribeImageAttributeCommand({ ImageId: 'ami-0123456789abcdef0', Attribute: 'launchPermission' }),
        ),
      ssm: () => client('ssm').send(new GetParametersCommand({ Names: ['/goldsmith/base/prod'] })),
    });
    const other = ec2.wall <= ssm.wall ? ec2 : ssm;
    return {
      requests: n,
      getItem: getItem.wall,
      query: query.wall,
      putItem: putItem.wall,
      other: other.wall,
      cpu: { getItem: getItem.cpu, query: query.cpu, putItem: putItem.cpu, other: other.cpu },
    };
  } finally {
    configureClients({});
    await dynamo.stop();
  }
}

const READS = new Set(['dynamodb:GetItem', 'dynamodb:BatchGetItem']);
const QUERIES = new Set(['dynamodb:Query', 'dynamodb:Scan']);

/**
 * The wall seconds a run's requests take at the floor's costs: DynamoDB's by operation (reads at GetItem's cost,
 * queries and scans at the one-item Query's, every other operation at PutItem's), every other service's at `other`.
 * A lower bound for a run that makes those requests one after the other, each sent through the SDK and answered by
 * the local cloud; a run's requests mostly are (a handler awaits each call; fan-outs overlap at most a few).
 */
export function floorSeconds(
  floor: RequestFloor,
  requests: { dynamoByOperation: Readonly<Record<string, number>>; other: number },
): number {
  let micros = requests.other * floor.other;
  for (const [operation, count] of Object.entries(requests.dynamoByOperation)) {
    const cost = READS.has(operation) ? floor.getItem : QUERIES.has(operation) ? floor.query : floor.putItem;
    micros += count * cost;
  }
  return micros / 1e6;
}

/** The floor for people. */
export function formatRequestFloor(floor: RequestFloor): string {
  return [
    `request floor (wall per request, one after the other: the SDK, the API model check, and dynalite or a fixed answer; no Goldsmith code; ${floor.requests.toLocaleString('en-US')} requests each)`,
    `  DynamoDB GetItem ${floor.getItem} µs, Query of one item ${floor.query} µs, PutItem ${floor.putItem} µs; another service's call ${floor.other} µs`,
    `  CPU per request: ${floor.cpu.getItem}, ${floor.cpu.query}, ${floor.cpu.putItem} and ${floor.cpu.other} µs`,
  ].join('\n');
}
