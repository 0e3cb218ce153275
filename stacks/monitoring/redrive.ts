import { Fn, type Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Function as SstFunction } from 'sst/constructs';
import type { Catalog } from '../../core/config/schema.js';
import { catalogBundling } from '../catalog.js';
import { grantLedger } from '../ledger-access.js';
import { grantTopicPublish } from '../resource-doors.js';
import { scheduleInvocation } from '../scheduled-invoke.js';
import type { Watched } from './discover.js';
import { createDepthAlarms, createRedriveTriggers } from './redrive-triggers.js';

/**
 * The full pass, daily: the backstop for a look the depth alarms and follow-ups missed (core/redrive/looks.ts).
 * Each pass reads every dead-letter queue once (one ReceiveMessage each when empty); between passes a queue is
 * read only when its depth alarm fires or a look at it asked for a follow-up.
 */
export const REDRIVE_RATE = 'rate(1 day)';

/** The daily pass's fixed input (functions/redrive-dead-letters.ts). */
export const REDRIVE_INPUT = { redrive: 'dead-letters' } as const;

/**
 * Where a queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`, split at `/`) holds the name, the part
 * after its last `/` (core/redrive/looks.ts).
 */
const QUEUE_URL_NAME_AT = 4;
/**
 * Where a function ARN (`arn:<partition>:lambda:<region>:<account>:function:<name>`, split at `:`) holds the name:
 * https://docs.aws.amazon.com/iot-twinmaker/latest/apireference/API_LambdaFunction.html
 * (`arn:((aws)|(aws-cn)|(aws-us-gov)):lambda:[a-z0-9-]+:[0-9]{12}:function:[\/a-zA-Z0-9_-]+`).
 */
const FUNCTION_ARN_NAME_AT = 6;

/**
 * A list of queue URLs or function ARNs of one account and Region, as two variables: `<name>_PREFIX`, what they
 * share (everything before the name, taken from the first), once; `<name>S`, the names alone, comma-separated
 * (functions/redrive-dead-letters.ts joins them again). Lambda allows a function 4 KB of environment in aggregate
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html, core/limits/quotas.ts): each queue or
 * function watched adds its name (up to 64 characters as CloudFormation generates them), not a 110-character URL or
 * ARN. Taken apart with `Fn::Split`/`Fn::Select` from the same values as before, so the stacks export nothing new.
 */
function sharedPrefixList(name: string, separator: string, nameAt: number, values: string[]): Record<string, string> {
  const [first] = values;
  const part = (value: string, at: number) => Fn.select(at, Fn.split(separator, value));
  const prefix = first === undefined ? [] : Array.from({ length: nameAt }, (_, at) => part(first, at));
  return {
    [`${name}_PREFIX`]: first === undefined ? '' : Fn.join(separator, [...prefix, '']),
    [`${name}S`]: Fn.join(
      ',',
      values.map((value) => part(value, nameAt)),
    ),
  };
}

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
 * The re-drive function, its triggers and its daily pass: reads a dead-letter queue when the queue's depth alarm
 * fires (and follow-up looks while it holds work), every queue once a day, and invokes again what failed
 * transiently, for up to the catalog's retry horizon. It may receive, hide and delete messages of those queues,
 * invoke those functions, read and write its re-drive counts and the failed invocations it consumes in the ledger,
 * announce a dead letter it refused (`claim-refused`), and schedule its own follow-up looks; nothing else. It has no dead-letter queue of its own: a failed look is made again by the queue's alarm (a message
 * it took reappears), a follow-up or the next pass.
 */
export function createRedrive(
  stack: Stack,
  stage: string,
  catalog: Catalog,
  { ledger, topic }: { ledger: dynamodb.ITable; topic: sns.ITopic },
  watched: Watched,
): { redrive: SstFunction; schedule: scheduler.CfnSchedule; depthAlarms: cloudwatch.Alarm[] } {
  const queues = watched.queues.map((q) => q.queue);
  const targets = redriveTargets(watched);
  const redrive = new SstFunction(stack, 'RedriveDeadLetters', {
    handler: 'functions/redrive-dead-letters.handler',
    timeout: 300,
    memorySize: 256,
    environment: {
      LEDGER_TABLE: ledger.tableName,
      NOTIFY_TOPIC_ARN: topic.topicArn,
      ...sharedPrefixList(
        'DEAD_LETTER_QUEUE',
        '/',
        QUEUE_URL_NAME_AT,
        queues.map((q) => q.queueUrl),
      ),
      ...sharedPrefixList(
        'REDRIVE_TARGET',
        ':',
        FUNCTION_ARN_NAME_AT,
        targets.map((fn) => fn.functionArn),
      ),
    },
    nodejs: catalogBundling(catalog),
  });
  for (const queue of queues) {
    redrive.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage'],
        resources: [queue.queueArn],
      }),
    );
  }
  if (targets.length > 0) {
    redrive.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: targets.map((fn) => fn.functionArn) }),
    );
  }
  // PutItem: an announcement SNS refused waits in the ledger for the reconciler (aws/notifications/notifications.ts).
  grantLedger(ledger, redrive, ['GetItem', 'PutItem', 'UpdateItem']);
  grantTopicPublish('notifications', sns.Topic.fromTopicArn(stack, 'RedriveTopic', topic.topicArn), redrive);

  const schedule = scheduleInvocation(stack, 'Redrive', {
    fn: redrive,
    expression: REDRIVE_RATE,
    input: REDRIVE_INPUT,
    description: 'Goldsmith: the daily full pass of the dead-letter re-drive',
    roleDescription: 'Goldsmith: EventBridge Scheduler invokes the dead-letter re-drive',
    // The next pass is a day away; the depth alarms act in between.
    retryPolicy: { maximumEventAgeInSeconds: 12 * 3600, maximumRetryAttempts: 10 },
  });
  const depthAlarms = createDepthAlarms(stack, watched);
  createRedriveTriggers(stack, stage, redrive, depthAlarms);
  return { redrive, schedule, depthAlarms };
}
