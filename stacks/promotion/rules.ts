import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { DETAIL_TYPES, SOURCES } from '../../events/sources.js';
import { failureQueue } from '../grants.js';
import { sendOnlyByWriters } from '../resource-doors.js';

/**
 * Routes AWS's events (default bus) to the promotion functions: every Image Builder image state change (statuses
 * are recorded, so the gate can see a build went through TESTING), and Inspector / Image Builder findings. Each
 * target retries for up to a day and then parks the event in an encrypted dead-letter queue; so does a handler that
 * fails every retry.
 */
export function createPromotionRules(
  stack: Stack,
  fns: { onImageEvent: IFunction; onFinding: IFunction },
  ledger: dynamodb.ITable,
) {
  const dlq = new sqs.Queue(stack, 'PromotionEventsDlq', {
    // Dead letters wait for a redrive: a deploy or a stack removal never deletes them.
    removalPolicy: RemovalPolicy.RETAIN,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  sendOnlyByWriters(dlq);
  const target = (fn: IFunction) =>
    new targets.LambdaFunction(fn, { deadLetterQueue: dlq, retryAttempts: 185, maxEventAge: Duration.hours(24) });
  // A handler that still fails after Lambda's two retries (an outage) lands in the same queue, to be re-driven;
  // without a destination Lambda would drop the event.
  for (const fn of [fns.onImageEvent, fns.onFinding]) {
    fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: failureQueue(dlq, ledger),
    });
  }

  const imageStateChange = new events.Rule(stack, 'ImageStateChangeRule', {
    description: 'Goldsmith: Image Builder image state changes → on-image-event',
    // Not filtered on our recipe names: on-image-event asks GetImage which pipeline built an image and ignores
    // builds that are not ours, so a change in recipe naming can never silently stop promotions.
    eventPattern: { source: [SOURCES.imageBuilder], detailType: [DETAIL_TYPES.imageStateChange] },
    targets: [target(fns.onImageEvent)],
  });
  const findings = new events.Rule(stack, 'FindingRule', {
    description: 'Goldsmith: Inspector findings and Image Builder CVE scans → on-finding',
    eventPattern: {
      source: [SOURCES.inspector, SOURCES.imageBuilder],
      detailType: [DETAIL_TYPES.inspectorFinding, DETAIL_TYPES.imageCveDetected],
    },
    targets: [target(fns.onFinding)],
  });
  return { imageStateChange, findings, dlq };
}
