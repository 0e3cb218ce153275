import { CreateTableCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { client } from '../../aws/clients.js';
import { currentCaller } from '../trust/caller.js';
import type { Wiring } from './wiring.js';

// The local DynamoDB's tables, and the request units Goldsmith's DynamoDB clients use (the simulator's cost figures).

/** The slice of the SDK middleware stack the usage counter needs. */
interface UsageStack {
  add(
    mw: (
      next: (args: { input: unknown }) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: { input: unknown }) => Promise<unknown>,
    options: { step: 'initialize'; name: string },
  ): void;
}

const DYNAMO_WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);

/** Request units one DynamoDB command uses, counted from its input (batch and transaction items each count). */
function dynamoUnits(command: string, input: Record<string, unknown>): { writes: number; reads: number } {
  if (DYNAMO_WRITES.has(command)) return { writes: 1, reads: 0 };
  if (command === 'TransactWriteItemsCommand')
    return { writes: 2 * ((input.TransactItems as unknown[])?.length ?? 0), reads: 0 };
  if (command === 'BatchWriteItemCommand') {
    const writes = Object.values((input.RequestItems ?? {}) as Record<string, unknown[]>).reduce(
      (n, l) => n + l.length,
      0,
    );
    return { writes, reads: 0 };
  }
  if (command === 'BatchGetItemCommand') {
    const reads = Object.values((input.RequestItems ?? {}) as Record<string, { Keys?: unknown[] }>).reduce(
      (n, r) => n + (r.Keys?.length ?? 0),
      0,
    );
    return { writes: 0, reads };
  }
  if (/^(GetItem|Query|Scan)Command$/.test(command)) return { writes: 0, reads: 1 };
  return { writes: 0, reads: 0 };
}

export async function createTables(wiring: Wiring): Promise<void> {
  for (const table of wiring.tables) {
    const p = table.properties;
    const input: CreateTableCommandInput = {
      TableName: table.name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: p.KeySchema as CreateTableCommandInput['KeySchema'],
      AttributeDefinitions: p.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
      GlobalSecondaryIndexes: p.GlobalSecondaryIndexes as CreateTableCommandInput['GlobalSecondaryIndexes'],
    };
    await client('dynamodb').send(new CreateTableCommand(input));
  }
}

/** What Goldsmith's DynamoDB clients asked: request units, and requests per operation (a batch is one request). */
export interface DynamoUsage {
  writes: number;
  reads: number;
  requests: Record<string, number>;
  /**
   * The same requests per caller (the invoked function's role, local/trust/caller.ts), per operation; requests made
   * outside any function (the simulator's own) are in `requests` only.
   */
  byCaller: Record<string, Record<string, number>>;
}

/**
 * DynamoDB requests per function (`<Stack>-<function>`, from its role `<stage>-goldsmith-<Stack>-<function>`), per
 * operation, out of `DynamoUsage.byCaller`: where the ledger's requests come from.
 */
export function dynamoByFunction(
  byCaller: Readonly<Record<string, Readonly<Record<string, number>>>>,
): Record<string, Record<string, number>> {
  const byFunction: Record<string, Record<string, number>> = {};
  for (const [caller, requests] of Object.entries(byCaller)) {
    const role = caller.split('/').pop() ?? caller;
    const name = role.replace(/^.*?-goldsmith-/, '');
    const mine = byFunction[name] ?? {};
    for (const [operation, n] of Object.entries(requests)) mine[operation] = (mine[operation] ?? 0) + n;
    byFunction[name] = mine;
  }
  return byFunction;
}

/** Counts the request units and the requests (in all and per caller) of every command sent through `sdkClient` into `usage`. */
export function countDynamoUsage(sdkClient: { middlewareStack: unknown }, usage: DynamoUsage): void {
  (sdkClient.middlewareStack as UsageStack).add(
    (next, context) => (args) => {
      const command = context.commandName ?? '';
      const units = dynamoUnits(command, args.input as Record<string, unknown>);
      usage.writes += units.writes;
      usage.reads += units.reads;
      const operation = `dynamodb:${command.replace(/Command$/, '')}`;
      usage.requests[operation] = (usage.requests[operation] ?? 0) + 1;
      const who = currentCaller();
      if (who !== undefined) {
        const mine = usage.byCaller[who] ?? {};
        mine[operation] = (mine[operation] ?? 0) + 1;
        usage.byCaller[who] = mine;
      }
      return next(args);
    },
    { step: 'initialize', name: 'goldsmithDynamoUsage' },
  );
}
