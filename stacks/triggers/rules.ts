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
import { pipelineArnPrefix } from '../pipelines.js';

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

/** EventBridge's 2,048-character event pattern, with room to spare (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html). */
const PATTERN_BUDGET = 2048 - 48;

/**
 * Splits `values` into as few lists as keep each `pattern(list)` within EventBridge's 2,048 characters, in order: a
 * catalog's packages or parent images, listed in one rule, pass it at about a hundred names.
 */
export function chunkForPattern(values: readonly string[], pattern: (list: string[]) => EventPattern): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  for (const value of values) {
    if (current.length > 0 && JSON.stringify(pattern([...current, value])).length > PATTERN_BUDGET) {
      chunks.push(current);
      current = [];
    }
    current.push(value);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export interface TriggerRuleInputs {
  catalog: Catalog;
  bus: events.IEventBus;
  dlq: sqs.IQueue;
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
  const codeArtifact = (packageName: string[]) =>
    eventPatternFor('package-version-state-change', { detail: { packageName, packageVersionState: ['Published'] } });
  chunkForPattern(catalogPackages(catalog), codeArtifact).forEach((packages, i) => {
    rules[`codeArtifact${i || ''}`] = new events.Rule(stack, `CodeArtifactReleaseRule${i || ''}`, {
      description: "Goldsmith: CodeArtifact publishes a version of a catalog's package → start-builds",
      eventPattern: cdkPattern(codeArtifact(packages)),
      targets: [target(inputs.startBuilds)],
    });
  });
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
  rules.rebuildRequested = new events.Rule(stack, 'RebuildRequestedRule', {
    description: 'Goldsmith: an out-of-cycle rebuild (new finding on a live version, revoked parent) → start-builds',
    eventBus: bus,
    eventPattern: cdkPattern(eventPatternFor('image-rebuild-requested')),
    targets: [target(inputs.startBuilds)],
  });
  const promoted = (image: string[]) => eventPatternFor('image-promoted', { detail: { image } });
  chunkForPattern(cascadeParents(catalog), promoted).forEach((parents, i) => {
    rules[`imagePromoted${i || ''}`] = new events.Rule(stack, `ImagePromotedRule${i || ''}`, {
      description: 'Goldsmith: a parent image was promoted → start-builds (cascade)',
      eventBus: bus,
      eventPattern: cdkPattern(promoted(parents)),
      targets: [target(inputs.startBuilds)],
    });
  });
  if (Object.keys(catalog.images).length > 0) {
    // By prefix: a list of every pipeline ARN passes EventBridge's 2,048-character pattern at about 25 images.
    const ours = [{ prefix: pipelineArnPrefix(stack) }];
    rules.pipelineDisabled = new events.Rule(stack, 'PipelineDisabledRule', {
      description: 'Goldsmith: Image Builder disabled one of our pipelines → on-pipeline-disabled',
      eventPattern: cdkPattern(eventPatternFor('image-pipeline-auto-disabled', { extra: { resources: ours } })),
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
