import { Duration, type Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Catalog } from '../../core/config/schema.js';
import { amiUpdateTopicArns, parametersForNotice } from '../../core/triggers/affected.js';
import { type EventPattern, eventPatternFor } from '../../events/patterns.js';

/** EventBridge retries a failed target for up to a day, then parks the event in the DLQ. */
export const RULE_RETRY = { retryAttempts: 185, maxEventAge: Duration.hours(24) } as const;

/** events/ builds raw patterns (`detail-type`); CDK's Rule wants its own camel-cased shape. */
function cdkPattern(raw: EventPattern): events.EventPattern {
  const { 'detail-type': detailType, ...rest } = raw;
  return { ...rest, detailType: detailType as string[] };
}

function catalogPackages(catalog: Catalog): string[] {
  return [...new Set(Object.values(catalog.images).flatMap((spec) => spec.triggers.packages))].sort();
}

function cascadeParents(catalog: Catalog): string[] {
  const parents = Object.values(catalog.images).flatMap((spec) =>
    typeof spec.parent === 'object' ? [spec.parent.image] : [],
  );
  return [...new Set(parents)].sort();
}

export interface TriggerRuleInputs {
  catalog: Catalog;
  bus: events.IEventBus;
  dlq: sqs.IQueue;
  pipelineArns: Record<string, string>;
  startBuilds: IFunction;
  onPipelineDisabled: IFunction;
}

/**
 * The event rules that start builds: CodeArtifact releases of the catalog's packages (default bus); CI's
 * "Package Update", "Image Promoted" of images that have children, and the watcher's "Base Image Changed"
 * (Goldsmith's bus); Image Builder disabling one of our pipelines (default bus). Every target retries and then
 * dead-letters into the encrypted trigger DLQ.
 */
export function createTriggerRules(stack: Stack, inputs: TriggerRuleInputs): Record<string, events.Rule> {
  const { catalog, bus, dlq } = inputs;
  const target = (fn: IFunction) => new targets.LambdaFunction(fn, { deadLetterQueue: dlq, ...RULE_RETRY });
  const rules: Record<string, events.Rule> = {};
  const packages = catalogPackages(catalog);
  if (packages.length > 0) {
    rules.codeArtifact = new events.Rule(stack, 'CodeArtifactReleaseRule', {
      description: "Goldsmith: CodeArtifact publishes a version of a catalog's package → start-builds",
      eventPattern: cdkPattern(
        eventPatternFor('package-version-state-change', {
          detail: { packageName: packages, packageVersionState: ['Published'] },
        }),
      ),
      targets: [target(inputs.startBuilds)],
    });
  }
  rules.packageUpdate = new events.Rule(stack, 'PackageUpdateRule', {
    description: 'Goldsmith: CI announces a package release → start-builds',
    eventBus: bus,
    eventPattern: cdkPattern(eventPatternFor('package-update')),
    targets: [target(inputs.startBuilds)],
  });
  rules.baseImageChanged = new events.Rule(stack, 'BaseImageChangedRule', {
    description: 'Goldsmith: the watcher saw a new base AMI → start-builds',
    eventBus: bus,
    eventPattern: cdkPattern(eventPatternFor('base-image-changed')),
    targets: [target(inputs.startBuilds)],
  });
  const parents = cascadeParents(catalog);
  if (parents.length > 0) {
    rules.imagePromoted = new events.Rule(stack, 'ImagePromotedRule', {
      description: 'Goldsmith: a parent image was promoted → start-builds (cascade)',
      eventBus: bus,
      eventPattern: cdkPattern(eventPatternFor('image-promoted', { detail: { image: parents } })),
      targets: [target(inputs.startBuilds)],
    });
  }
  const pipelines = Object.values(inputs.pipelineArns);
  if (pipelines.length > 0) {
    rules.pipelineDisabled = new events.Rule(stack, 'PipelineDisabledRule', {
      description: 'Goldsmith: Image Builder disabled one of our pipelines → on-pipeline-disabled',
      eventPattern: cdkPattern(eventPatternFor('image-pipeline-auto-disabled', { extra: { resources: pipelines } })),
      targets: [target(inputs.onPipelineDisabled)],
    });
  }
  return rules;
}

/**
 * Subscribes start-builds to AWS's Amazon Linux AMI-update topics that concern a watched parameter. SNS invokes
 * Lambda asynchronously, so failures end in the function's on-failure destination (the trigger DLQ).
 */
export function subscribeToAmiUpdates(stack: Stack, catalog: Catalog, startBuilds: IFunction): string[] {
  const subscribed = amiUpdateTopicArns.filter((arn) => parametersForNotice(catalog, arn).length > 0);
  for (const [index, arn] of subscribed.entries()) {
    const topic = sns.Topic.fromTopicArn(stack, `AmiUpdateTopic${index}`, arn);
    topic.addSubscription(new subscriptions.LambdaSubscription(startBuilds));
  }
  return subscribed;
}
