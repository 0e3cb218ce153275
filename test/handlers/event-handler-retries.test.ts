import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetImageCommand, ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { recordBuildStatus } from '../../aws/promotion/promotion-ledger.js';
import { sendMonthlySummary } from '../../functions/monthly-summary.js';
import { onImageEvent } from '../../functions/on-image-event.js';
import { handler as onPipelineDisabled } from '../../functions/on-pipeline-disabled.js';
import { handler as watchBaseImages } from '../../functions/watch-base-images.js';
import { described } from '../helpers/described-call.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';
import { AL2023, triggerCatalog } from '../unit/triggers/fixtures.js';
import { BUILD_ARN, catalog, getImageOutput, PIPELINE_ARN, stateChangeEvent } from './promotion-fixtures.js';
import { envelope } from './start-builds-events.js';

/** The factory's pipelines' ARN prefix (`goldsmith-<image>` in the fixtures' account and Region). */
const PIPELINE_ARN_PREFIX = PIPELINE_ARN.slice(0, -'base'.length);

/**
 * Every event handler, run to the end and then run again with the same event, as Lambda's asynchronous retries and
 * EventBridge's at-least-once delivery do when the first answer was lost; and, where a handler makes several effects,
 * failed after its first one and retried. The ledger is dynalite (real conditional writes); the other services are
 * stateful mocks. A retry must recognize its own work: no AWS call that changes anything again, no second
 * announcement, the same ledger records.
 */

const dynamo = useLocalDynamo();
const mocks = {
  imagebuilder: mockClient(ImagebuilderClient),
  sfn: mockClient(SFNClient),
  sns: mockClient(SNSClient),
  ssm: mockClient(SSMClient),
  bus: mockClient(EventBridgeClient),
};
const context = { functionName: 'retried', awsRequestId: 'req-1' } as Context;

/**
 * Executions Step Functions holds, by name. A start of a running execution's name with the same input returns it; a
 * closed one's name, or another input, meets ExecutionAlreadyExists (StartExecution, docs/aws-behaviours.md).
 */
let executions: Map<string, { input: string; running: boolean }>;
/** Requests that changed nothing: refused, or answered with what an earlier request made (idempotent). */
const unchanged = new WeakSet<object>();
/**
 * Calls to fail once, after their effect was made, by command name: the function runs out of time waiting for the
 * answer (an error the SDK does not retry), and Lambda runs it again.
 */
let lostAnswers: Set<string>;

function lostAnswer(command: string): void {
  if (!lostAnswers.delete(command)) return;
  throw Object.assign(new Error(`${command}: the function timed out before the answer`), { name: 'FunctionTimedOut' });
}

beforeEach(async () => {
  await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
  for (const m of Object.values(mocks)) m.reset();
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
  process.env.STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:promotion';
  process.env.PIPELINE_ARN_PREFIX = PIPELINE_ARN_PREFIX;
  process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
  executions = new Map();
  lostAnswers = new Set();
  mocks.sfn.on(StartExecutionCommand).callsFake((input: { name: string; input: string }) => {
    const executionArn = `arn:aws:states:us-east-1:111122223333:execution:promotion:${input.name}`;
    const held = executions.get(input.name);
    if (held?.running && held.input === input.input) {
      unchanged.add(input);
      return { executionArn };
    }
    if (held) {
      unchanged.add(input);
      throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${executionArn}'`, $metadata: {} });
    }
    executions.set(input.name, { input: input.input, running: true });
    lostAnswer('StartExecutionCommand');
    return { executionArn };
  });
  mocks.sns.on(PublishCommand).callsFake(() => {
    lostAnswer('PublishCommand');
    return { MessageId: 'm-1' };
  });
});

/** Calls to the mocked services that changed something (all but Describe*, Get*, List* and requests that changed nothing), from `from` on. */
function changes(from: number[] = []): string[] {
  return Object.values(mocks).flatMap((m, i) =>
    m
      .calls()
      .slice(from[i] ?? 0)
      .filter((c) => !unchanged.has((c.args[0] as { input: object }).input))
      .map((c) => described(c.args[0] as { constructor: { name: string }; input: unknown }))
      .filter((name) => !/^(Describe|Get|List)/.test(name)),
  );
}

const mark = () => Object.values(mocks).map((m) => m.calls().length);

/**
 * Every ledger record, in key order. An announcement's claim counts the deliveries that met it and keeps itself
 * for its time to live from the latest (`deliveries`, `expiresAt`): bookkeeping of the claim, not a record of an effect.
 */
async function ledger(): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await documentClient().send(new ScanCommand({ TableName: 'ledger' }));
  const key = (i: Record<string, unknown>) => `${String(i.pk)} ${String(i.sk)}`;
  return Items.sort((a, b) => key(a).localeCompare(key(b))).map((item) => {
    if (item.kind !== 'announcement') return item;
    const { deliveries: _deliveries, expiresAt: _expiresAt, ...claim } = item;
    return claim;
  });
}

const settle = (run: () => Promise<unknown>) =>
  run().then(
    () => 'completed',
    (error: unknown) => `failed ${(error as Error).name}`,
  );

/** A handler run on one event, and the world it needs. */
interface Case {
  readonly name: string;
  readonly world?: () => Promise<void>;
  readonly run: () => Promise<unknown>;
  /** The changes one clean run makes. */
  readonly effects: string[];
  /** The call whose answer is lost after its effect, for a handler that makes more than one effect. */
  readonly failAfter?: string;
  /** What happens in the world between the lost answer and the retry. */
  readonly meanwhile?: () => void;
}

const disabledEvent = {
  ...envelope('aws.imagebuilder', 'EC2 Image Builder Image Pipeline Automatically Disabled', {
    'consecutive-failures': '3',
  }),
  resources: [`${PIPELINE_ARN_PREFIX}base`],
};

const CASES: Case[] = [
  {
    name: 'on-image-event, a build AVAILABLE',
    world: async () => {
      mocks.imagebuilder.on(GetImageCommand).resolves(getImageOutput('AVAILABLE'));
    },
    run: () => onImageEvent(stateChangeEvent('AVAILABLE')),
    effects: ['PublishCommand image-available', 'StartExecutionCommand'],
    failAfter: 'StartExecutionCommand',
    // The promotion ends (a gate refusal takes seconds) before Lambda retries a minute later.
    meanwhile: () => {
      for (const execution of executions.values()) execution.running = false;
    },
  },
  {
    name: 'on-image-event, a build FAILED',
    world: async () => {
      mocks.imagebuilder.on(GetImageCommand).resolves(getImageOutput('FAILED', 'step ExecuteComponent failed'));
    },
    run: () => onImageEvent(stateChangeEvent('FAILED', 'step ExecuteComponent failed')),
    effects: ['PublishCommand build-failed'],
  },
  {
    name: 'on-pipeline-disabled',
    run: () => onPipelineDisabled(disabledEvent, context),
    effects: ['PublishCommand pipeline-disabled'],
  },
  {
    name: 'watch-base-images',
    world: async () => {
      process.env.EVENT_BUS_NAME = 'goldsmith-bus';
      process.env.GOLDSMITH_CATALOG = JSON.stringify(triggerCatalog());
      mocks.ssm
        .on(GetParametersCommand)
        .resolves({ Parameters: [{ Name: AL2023, Value: 'ami-0bbbbbbbbbbbbbbbb', Version: 8 }] });
      mocks.bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
      await documentClient().send(
        new PutCommand({
          TableName: 'ledger',
          Item: { pk: `WATCH#us-east-1#${AL2023}`, sk: 'STATE', value: 'ami-0aaaaaaaaaaaaaaaa', version: 7 },
        }),
      );
    },
    run: () => watchBaseImages({ watch: 'base-images' }, context),
    effects: ['PutEventsCommand'],
  },
  {
    name: 'monthly-summary',
    world: async () => {
      await recordBuildStatus({
        image: 'base',
        version: '1.0.0/3',
        buildVersionArn: BUILD_ARN,
        status: 'AVAILABLE',
        at: '2027-01-14T05:00:00Z',
      });
    },
    // Run when the schedule fires, once January is over (a month not over is never summarized).
    run: async () => {
      vi.useFakeTimers({ toFake: ['Date'], now: new Date('2027-02-01T09:00:30Z') });
      try {
        return await sendMonthlySummary({ summary: 'monthly', scheduledTime: '2027-02-01T09:00:00Z' });
      } finally {
        vi.useRealTimers();
      }
    },
    effects: ['PublishCommand monthly-summary'],
  },
];

describe('every event handler, run again with the same event after its answer was lost', () => {
  it.each(CASES)('$name: the retry changes nothing more and the ledger is as one run left it', async (c) => {
    await c.world?.();
    expect(await settle(c.run)).toBe('completed');
    expect(changes().sort()).toEqual(c.effects);
    const recorded = await ledger();
    const before = mark();

    expect(await settle(c.run)).toBe('completed');

    expect(changes(before)).toEqual([]);
    expect(await ledger()).toEqual(recorded);
  });
});

describe('every handler of several effects, failed after its first and retried', () => {
  it.each(CASES.filter((c) => c.failAfter))('$name: the retry finishes the work, each effect made once', async (c) => {
    await c.world?.();
    // The first effect is made and the attempt fails before its answer; the world moves on until Lambda retries.
    lostAnswers.add(c.failAfter ?? '');
    expect(await settle(c.run)).toBe('failed FunctionTimedOut');
    c.meanwhile?.();

    expect(await settle(c.run)).toBe('completed');

    // A repeated start met its own execution: each effect was made once, as in a clean run.
    expect(changes().sort()).toEqual(c.effects);
  });
});
