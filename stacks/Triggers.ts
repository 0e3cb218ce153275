import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { type StackContext, use } from 'sst/constructs';
import { DETAIL_TYPES } from '../events/sources.js';
import { useCatalog } from './catalog.js';
import { ownLogGroups } from './function-logs.js';
import { Ledger } from './Ledger.js';
import { pipelineName } from './names.js';
import { goldsmithBusName, notificationsTopicName } from './Promotion.js';
import { pipelineArnPrefix } from './pipelines.js';
import { sendOnlyByWriters } from './resource-doors.js';
import { createTriggerFunctions, type TriggerFunctions } from './triggers/functions.js';
import { createTriggerRules, subscribeToAmiUpdates } from './triggers/rules.js';
import { createSchedules } from './triggers/schedules.js';
import type { BusWriterFunction } from './trust/bus-policy.js';

/** What other stacks get from `use(Triggers)`. */
export interface TriggersResources extends TriggerFunctions {
  bus: events.EventBus;
  dlq: sqs.Queue;
  /** The functions that put Goldsmith's facts on the bus, with what they put (the bus policy allows only these). */
  busWriters: BusWriterFunction[];
}

/**
 * Triggers: when to build. Schedules, base-image releases (AMI-update topics and the hourly watcher), package
 * releases, parent promotions, all into start-builds; and Image Builder disabling a pipeline into
 * on-pipeline-disabled. Owns Goldsmith's event bus; the ledger comes from `Ledger`. Pipelines are named, granted and
 * matched by their `goldsmith-` prefix (stacks/pipelines.ts), so nothing here grows with the catalog's size.
 */
export function Triggers({ app, stack }: StackContext): TriggersResources {
  ownLogGroups(stack);
  const catalog = useCatalog();
  const { table } = use(Ledger);
  // The functions address pipelines as prefix + image; refuse to deploy if names.ts ever stops composing that way.
  const prefixName = pipelineName('');
  for (const image of Object.keys(catalog.images)) {
    if (pipelineName(image) !== `${prefixName}${image}`) {
      throw new Error(`pipelineName("${image}") is not "${prefixName}${image}": update PIPELINE_ARN_PREFIX`);
    }
  }

  const bus = new events.EventBus(stack, 'Bus', { eventBusName: goldsmithBusName(app.stage) });
  const topic = sns.Topic.fromTopicArn(
    stack,
    'Notifications',
    stack.formatArn({ service: 'sns', resource: notificationsTopicName(app.stage) }),
  );
  const dlq = new sqs.Queue(stack, 'TriggersDlq', {
    // Dead letters wait for a redrive: a deploy or a stack removal never deletes them.
    removalPolicy: RemovalPolicy.RETAIN,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  sendOnlyByWriters(dlq);

  const fns = createTriggerFunctions(stack, {
    catalog,
    ledger: table,
    topic,
    bus,
    pipelineArnPrefix: pipelineArnPrefix(stack),
    dlq,
  });
  createSchedules(stack, catalog, fns, dlq);
  createTriggerRules(stack, { catalog, bus, dlq, ...fns });
  subscribeToAmiUpdates(stack, catalog, fns.startBuilds);

  stack.addOutputs({ EventBusName: bus.eventBusName, TriggersDlqUrl: dlq.queueUrl });
  const busWriters = [{ fn: fns.watchBaseImages, detailTypes: [DETAIL_TYPES.baseImageChanged] }];
  return { ...fns, bus, dlq, busWriters };
}
