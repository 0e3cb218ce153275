import { Duration, type Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Function as SstFunction } from 'sst/constructs';
import type { Catalog } from '../../core/config/schema.js';
import { catalogBundling } from '../catalog.js';
import { failureQueue } from '../grants.js';
import { grantLedger } from '../ledger-access.js';
import { everyPipelineArn } from '../pipelines.js';
import { grantTopicPublish } from '../resource-doors.js';

export interface TriggerEnvironment {
  catalog: Catalog;
  ledger: dynamodb.ITable;
  topic: sns.ITopic;
  bus: events.IEventBus;
  /** `arn:…:image-pipeline/goldsmith-`: the functions append the image name. */
  pipelineArnPrefix: string;
  dlq: sqs.IQueue;
}

export interface TriggerFunctions {
  startBuilds: SstFunction;
  watchBaseImages: SstFunction;
  onPipelineDisabled: SstFunction;
}

/**
 * A trigger function. The validated catalog is inlined at bundle time (esbuild `define`), because Lambda's 4 KB of
 * environment cannot hold a real catalog. SST merges `nodejs` shallowly, so the app defaults are repeated here.
 */
function triggerFunction(stack: Stack, id: string, handler: string, env: TriggerEnvironment): SstFunction {
  const fn = new SstFunction(stack, id, {
    handler,
    timeout: 120,
    memorySize: 512,
    environment: {
      LEDGER_TABLE: env.ledger.tableName,
      PIPELINE_ARN_PREFIX: env.pipelineArnPrefix,
      EVENT_BUS_NAME: env.bus.eventBusName,
      NOTIFY_TOPIC_ARN: env.topic.topicArn,
    },
    nodejs: catalogBundling(env.catalog),
  });
  // Asynchronous invocations (EventBridge, Scheduler, SNS) that still fail after Lambda's retries land in the DLQ.
  fn.configureAsyncInvoke({
    retryAttempts: 2,
    maxEventAge: Duration.hours(6),
    onFailure: failureQueue(env.dlq, env.ledger),
  });
  return fn;
}

/** The three trigger functions, each allowed exactly the calls it makes. */
export function createTriggerFunctions(stack: Stack, env: TriggerEnvironment): TriggerFunctions {
  const startBuilds = triggerFunction(stack, 'StartBuilds', 'functions/start-builds.handler', env);
  const watchBaseImages = triggerFunction(stack, 'WatchBaseImages', 'functions/watch-base-images.handler', env);
  const onPipelineDisabled = triggerFunction(
    stack,
    'OnPipelineDisabled',
    'functions/on-pipeline-disabled.handler',
    env,
  );

  if (Object.keys(env.catalog.images).length > 0) {
    startBuilds.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['imagebuilder:StartImagePipelineExecution', 'imagebuilder:ListImagePipelineImages'],
        resources: [everyPipelineArn(stack)],
      }),
    );
  }
  // Public parameters live under AWS's own account-less ARNs: arn:aws:ssm:<region>::parameter/aws/service/…
  const publicParameters = stack.formatArn({
    service: 'ssm',
    account: '',
    resource: 'parameter',
    resourceName: 'aws/service/*',
  });
  for (const fn of [startBuilds, watchBaseImages]) {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameters'], resources: [publicParameters] }));
  }
  grantLedger(env.ledger, startBuilds, ['GetItem', 'PutItem', 'UpdateItem']);
  grantLedger(env.ledger, watchBaseImages, ['GetItem', 'PutItem']);
  grantLedger(env.ledger, onPipelineDisabled, ['GetItem', 'PutItem', 'UpdateItem']);
  env.bus.grantPutEventsTo(watchBaseImages);
  grantTopicPublish('notifications', env.topic, onPipelineDisabled);
  grantTopicPublish('notifications', env.topic, startBuilds);
  return { startBuilds, watchBaseImages, onPipelineDisabled };
}
