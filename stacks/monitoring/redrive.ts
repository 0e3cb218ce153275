import { Fn, type Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Function as SstFunction } from 'sst/constructs';
import type { Catalog } from '../../core/config/schema.js';
import { catalogBundling } from '../catalog.js';
import { grantLedger } from '../ledger-access.js';
import { scheduleInvocation } from '../scheduled-invoke.js';
import type { Watched } from './discover.js';

/**
 * Every six hours, the reconciler's period: work an outage dead-lettered is invoked again within six hours of the
 * outage's end. Each run reads every dead-letter queue once (one ReceiveMessage each when empty).
 */
export const REDRIVE_RATE = 'rate(6 hours)';

/** The schedule's fixed input (functions/redrive-dead-letters.ts). */
export const REDRIVE_INPUT = { redrive: 'dead-letters' } as const;

/**
 * The functions whose failed asynchronous invocations land in a dead-letter queue: those with an on-failure
 * destination (`configureAsyncInvoke` adds the `EventInvokeConfig` child). Their rule and schedule targets share
 * the same queues.
 */
export function redriveTargets(watched: Watched): lambda.Function[] {
  return watched.functions
    .map(({ fn }) => fn)
    .filter((fn) => fn.node.tryFindChild('EventInvokeConfig') instanceof lambda.EventInvokeConfig);
}

/**
 * The re-drive function and its schedule: reads every dead-letter queue the stacks define and invokes again
 * what failed transiently, for up to the catalog's retry horizon. It may receive and delete messages of those
 * queues, invoke those functions, and read and write its re-drive counts in the ledger; nothing else. It has no
 * dead-letter queue of its own: a failed run is superseded by the next one.
 */
export function createRedrive(
  stack: Stack,
  catalog: Catalog,
  ledger: dynamodb.ITable,
  watched: Watched,
): { redrive: SstFunction; schedule: scheduler.CfnSchedule } {
  const queues = watched.queues.map((q) => q.queue);
  const targets = redriveTargets(watched);
  const redrive = new SstFunction(stack, 'RedriveDeadLetters', {
    handler: 'functions/redrive-dead-letters.handler',
    timeout: 300,
    memorySize: 256,
    environment: {
      LEDGER_TABLE: ledger.tableName,
      DEAD_LETTER_QUEUES: Fn.join(
        ',',
        queues.map((q) => q.queueUrl),
      ),
      REDRIVE_TARGETS: Fn.join(
        ',',
        targets.map((fn) => fn.functionArn),
      ),
    },
    nodejs: catalogBundling(catalog),
  });
  for (const queue of queues) {
    redrive.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'], resources: [queue.queueArn] }),
    );
  }
  if (targets.length > 0) {
    redrive.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: targets.map((fn) => fn.functionArn) }),
    );
  }
  grantLedger(ledger, redrive, ['GetItem', 'UpdateItem']);

  const schedule = scheduleInvocation(stack, 'Redrive', {
    fn: redrive,
    expression: REDRIVE_RATE,
    input: REDRIVE_INPUT,
    description: 'Goldsmith: invoke again what an outage dead-lettered',
    roleDescription: 'Goldsmith: EventBridge Scheduler invokes the dead-letter re-drive',
    // The next run is six hours away: retrying longer would only overlap it.
    retryPolicy: { maximumEventAgeInSeconds: 5 * 3600, maximumRetryAttempts: 5 },
  });
  return { redrive, schedule };
}
