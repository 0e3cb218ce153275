import { Duration, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Function as SstFunction } from 'sst/constructs';
import type { Catalog } from '../../core/config/schema.js';
import { catalogBundling } from '../catalog.js';
import { grantSbomObjects } from '../factory/sbom-bucket.js';
import { GOLDSMITH_IMAGE_CONDITION } from '../factory/tags.js';
import { grantLedger, type LedgerCall } from '../ledger-access.js';
import { grantSinkSecret } from '../notifications/sink-secret-policy.js';
import { managedComponentsArn, pipelineArnPrefix } from '../pipelines.js';
import { RESERVED_CONCURRENCY } from '../reserved-concurrency.js';
import { grantTopicPublish } from '../resource-doors.js';
import type { PromotionTaskFunctions } from './definition.js';
import type { PromotionEnvironment } from './environment.js';
import { allowFindingReads, onFindingRole } from './finding-reads.js';
import { allowOrganizationRead, allowRetirement, ec2ImageArn } from './lifecycle.js';
import { grantSigningKey } from './signing-keys.js';

export type { PromotionEnvironment } from './environment.js';

const TASK_HANDLERS: Record<keyof PromotionTaskFunctions, string> = {
  loadImage: 'functions/promotion/load-image.handler',
  gate: 'functions/promotion/gate.handler',
  requestApproval: 'functions/promotion/request-approval.handler',
  soakStart: 'functions/promotion/soak-start.handler',
  soakCheck: 'functions/promotion/soak-check.handler',
  share: 'functions/promotion/share.handler',
  publish: 'functions/promotion/publish.handler',
  retire: 'functions/promotion/retire.handler',
  recordOutcome: 'functions/promotion/record-outcome.handler',
};

/**
 * A function that reads the catalog: it is inlined at bundle time (esbuild `define` of `GOLDSMITH_CATALOG`, read by
 * `functions/lib/catalog.ts`), because Lambda's 4 KB of environment cannot hold a real catalog. SST merges `nodejs`
 * shallowly, so the app's defaults are repeated.
 */
function catalogFunction(
  stack: Stack,
  id: string,
  handler: string,
  environment: Record<string, string>,
  catalog: Catalog,
  size: { timeout: number; memorySize: number } = { timeout: 60, memorySize: 512 },
  role?: iam.IRole,
): SstFunction {
  return new SstFunction(stack, id, {
    handler,
    ...size,
    environment,
    nodejs: catalogBundling(catalog),
    ...(role && { role }),
  });
}

/**
 * Share and RecordOutcome: they read the organization (every OU and account, tags when a channel selects by tag),
 * may take minutes at fleet scale with a cold read (Organizations pages hold 20 items), hence 5 minutes.
 */
const SHARING_SIZE = { timeout: 300, memorySize: 1024 };

/**
 * What changing launch permissions takes: Organizations reads of this organization's roots, OUs and accounts
 * (DescribeOrganization and ListRoots take no resource), DescribeImages (no resource), and the launch and copy
 * permissions of AMIs and snapshots, whose ARNs carry no account and are created per build.
 */
export function allowSharing(stack: Stack, f: SstFunction, organizationId: string): void {
  allow(f, ['organizations:DescribeOrganization', 'organizations:ListRoots', 'ec2:DescribeImages'], ['*']);
  const org = (kind: string) => `arn:${stack.partition}:organizations::*:${kind}/${organizationId}/*`;
  allow(
    f,
    ['organizations:ListOrganizationalUnitsForParent', 'organizations:ListAccountsForParent'],
    [org('root'), org('ou')],
  );
  allow(f, ['organizations:ListTagsForResource'], [org('account')]);
  const ec2 = (resource: string) =>
    stack.formatArn({ service: 'ec2', region: '*', account: '', resource, resourceName: '*' });
  allow(f, ['ec2:DescribeImageAttribute'], [ec2('image')]);
  f.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ec2:ModifyImageAttribute'],
      resources: [ec2('image')],
      conditions: GOLDSMITH_IMAGE_CONDITION,
    }),
  );
  allow(f, ['ec2:DescribeSnapshotAttribute', 'ec2:ModifySnapshotAttribute'], [ec2('snapshot')]);
}

function allow(f: SstFunction, actions: string[], resources: string[]): void {
  f.addToRolePolicy(new iam.PolicyStatement({ actions, resources }));
}

/**
 * The task functions, each with only what it calls: reads and writes of the ledger table, its own AWS actions,
 * publishing to the notifications topic. Image Builder's List* and EC2's Describe* take no resource ARNs.
 */
export function createTaskFunctions(
  stack: Stack,
  env: PromotionEnvironment,
  approvalUrl: string,
  catalog: Catalog,
  rollout?: sfn.IStateMachine,
  /** The stage: the diff command an approval request prints names it (`goldsmith diff … --stage`). */
  stage?: string,
): PromotionTaskFunctions & Record<string, SstFunction> {
  const base = { LEDGER_TABLE: env.ledger.tableName, NOTIFY_TOPIC_ARN: env.topic.topicArn };
  const made = Object.fromEntries(
    Object.entries(TASK_HANDLERS).map(([name, handler]) => {
      const id = `Promotion${name[0]?.toUpperCase()}${name.slice(1)}`;
      // Every task reads the catalog: the channel, its policy, approvers, soak and targets, and the image's
      // retention, are the catalog's, never the input's (functions/promotion/trusted.ts). Share and RecordOutcome
      // resolve every channel the version holds, hence their size.
      const sharing = name === 'share' || name === 'recordOutcome';
      return [name, catalogFunction(stack, id, handler, base, catalog, sharing ? SHARING_SIZE : undefined)];
    }),
  ) as Record<keyof PromotionTaskFunctions, SstFunction>;
  for (const f of [made.share, made.recordOutcome]) allowSharing(stack, f, catalog.organization.id);

  const imageArns = [stack.formatArn({ service: 'imagebuilder', resource: 'image', resourceName: '*' })];
  allow(made.loadImage, ['imagebuilder:GetImage'], imageArns);
  // LoadImage loads only builds of the image's own pipeline in this account and Region.
  made.loadImage.addEnvironment('PIPELINE_ARN_PREFIX', pipelineArnPrefix(stack));
  // retention.deprecateAfter: LoadImage reads its AMIs' deprecation time and schedules it (EC2 image ARNs carry no
  // account; DescribeImages takes no resource).
  made.loadImage.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ec2:EnableImageDeprecation'],
      resources: [ec2ImageArn(stack)],
      conditions: GOLDSMITH_IMAGE_CONDITION,
    }),
  );
  allow(made.loadImage, ['ec2:DescribeImages'], ['*']);
  for (const f of [made.gate, made.soakCheck]) allow(f, ['imagebuilder:ListImageScanFindings'], ['*']);
  // The ledger calls each task's code makes. Announcing functions also write: an announcement SNS did not take waits
  // in the ledger for redelivery. Soak records its task token, which an operator's promote answers to end it early.
  const ledgerCalls: Partial<Record<keyof PromotionTaskFunctions, LedgerCall[]>> = {
    loadImage: ['UpdateItem'],
    gate: ['BatchGetItem', 'GetItem', 'Query', 'PutItem', 'UpdateItem'],
    // Query: the SBOM items of the version and the channel's current one (its inventory parts, earlier scans).
    requestApproval: ['BatchGetItem', 'GetItem', 'Query', 'PutItem', 'UpdateItem'],
    soakStart: ['BatchGetItem', 'GetItem', 'PutItem'],
    soakCheck: ['BatchGetItem', 'GetItem', 'Query', 'UpdateItem'],
    share: ['BatchGetItem', 'GetItem', 'Query', 'PutItem'],
    // Query: the channel's open pointer drifts, stamped on its item with the move's record.
    publish: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'],
    retire: ['BatchGetItem', 'GetItem', 'Query', 'PutItem', 'UpdateItem'],
    recordOutcome: ['GetItem', 'Query', 'PutItem', 'UpdateItem'],
  };
  for (const [name, calls] of Object.entries(ledgerCalls)) {
    grantLedger(env.ledger, made[name as keyof PromotionTaskFunctions], calls);
  }
  for (const f of [made.gate, made.requestApproval, made.publish, made.retire, made.recordOutcome]) {
    grantTopicPublish('notifications', env.topic, f);
  }
  // Retire removes the launch permissions of versions that left retention and deprecates their AMIs; a version still
  // in use keeps only its users that its channels still reach, so it reads the organization (held, or Organizations).
  allowRetirement(stack, made.retire);
  allowOrganizationRead(stack, made.retire, catalog.organization.id);

  made.requestApproval.addEnvironment('APPROVAL_URL', approvalUrl);
  if (stage) made.requestApproval.addEnvironment('GOLDSMITH_STAGE', stage);
  // Share writes the container repositories' guard with its pull statements (core/promotion/repository-guard.ts).
  if (stage) made.share.addEnvironment('GOLDSMITH_STAGE', stage);
  made.requestApproval.addEnvironment('APPROVAL_SECRET_NAME', env.secretName);
  grantSigningKey(made.requestApproval, 'approval-links', env.secret);
  made.requestApproval.addEnvironment('APPROVAL_TOPIC_ARN', env.approvalLinks.topicArn);
  grantTopicPublish('approval-links', env.approvalLinks, made.requestApproval);

  made.publish.addEnvironment('EVENT_BUS_NAME', env.bus.eventBusName);
  if (rollout) {
    made.publish.addEnvironment('ROLLOUT_STATE_MACHINE_ARN', rollout.stateMachineArn);
    rollout.grantStartExecution(made.publish);
    // A retried Publish reads the execution of its name back, to take it as its own only with its own input.
    rollout.grantExecution(made.publish, 'states:DescribeExecution');
  }
  env.bus.grantPutEventsTo(made.publish);
  allow(
    made.publish,
    ['ssm:PutParameter'],
    [stack.formatArn({ service: 'ssm', region: '*', resource: 'parameter', resourceName: 'goldsmith/*' })],
  );
  // AMI ARNs carry no account; the tag key condition keeps CreateTags to our channel tags.
  made.publish.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ec2:CreateTags'],
      resources: [stack.formatArn({ service: 'ec2', region: '*', account: '', resource: 'image', resourceName: '*' })],
      conditions: {
        'ForAllValues:StringLike': { 'aws:TagKeys': ['goldsmith:channel:*'] },
        ...GOLDSMITH_IMAGE_CONDITION,
      },
    }),
  );
  return made;
}

/** The event-driven functions around the state machine: on-image-event and on-finding. */
export function createEventFunctions(stack: Stack, env: PromotionEnvironment, catalog: Catalog, stage: string) {
  const base = { LEDGER_TABLE: env.ledger.tableName, NOTIFY_TOPIC_ARN: env.topic.topicArn };
  const imageArns = [stack.formatArn({ service: 'imagebuilder', resource: 'image', resourceName: '*' })];
  const onImageEvent = catalogFunction(stack, 'OnImageEvent', 'functions/on-image-event.handler', base, catalog);
  // A build is ours only when the image's own pipeline built it, by full ARN (functions/promotion/plans.ts).
  onImageEvent.addEnvironment('PIPELINE_ARN_PREFIX', pipelineArnPrefix(stack));
  const onFinding = catalogFunction(
    stack,
    'OnFinding',
    'functions/on-finding.handler',
    base,
    catalog,
    undefined,
    onFindingRole(stack, catalog, stage),
  );
  grantLedger(env.ledger, onImageEvent, ['GetItem', 'Query', 'PutItem', 'UpdateItem']);
  grantLedger(env.ledger, onFinding, ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem']);
  for (const f of [onImageEvent, onFinding]) {
    grantTopicPublish('notifications', env.topic, f);
    // ListImagePackages: the build's package inventory, recorded when it is AVAILABLE (or by on-finding if missed).
    allow(f, ['imagebuilder:GetImage', 'imagebuilder:ListImagePackages'], imageArns);
  }
  // The version's SBOMs, kept when its build is AVAILABLE (and read back before the ledger records them).
  grantSbomObjects(onImageEvent, env.sbomBucket, ['s3:GetObject', 's3:PutObject']);
  // GetComponent: the build version an AWS-managed component's `x.x.x` resolved to, for its content and SBOMs.
  allow(onImageEvent, ['imagebuilder:GetComponent'], [managedComponentsArn(stack)]);
  allow(onFinding, ['imagebuilder:ListImageScanFindings', 'ec2:DescribeImages'], ['*']);
  // on-finding weighs the finding Inspector's delegated administrator lists under the event's ARN, never the event's
  // copy: the factory's own ListFindings, or the administrator's role (finding-reads.ts).
  allowFindingReads(stack, onFinding, catalog, stage);
  // DescribeAccount: a member account's finding counts only from an active account of the organization; held to
  // the accounts of the catalog's organization (the management account's id is not in the catalog).
  allow(
    onFinding,
    ['organizations:DescribeAccount'],
    [`arn:${stack.partition}:organizations::*:account/${catalog.organization.id}/*`],
  );
  return { onImageEvent, onFinding };
}

/** Concurrent approval callbacks at most: people click these; anything more is abuse. */
export const APPROVAL_CALLBACK_CONCURRENCY = RESERVED_CONCURRENCY.approvalCallback;

/** The approval callback: a function URL (the HMAC signature is the authorization), the only task responder. */
export function createApprovalCallback(stack: Stack, env: PromotionEnvironment, catalog: Catalog): SstFunction {
  const slack = catalog.notifications.slack;
  const callback = new SstFunction(stack, 'ApprovalCallback', {
    handler: 'functions/approval-callback.handler',
    timeout: Duration.seconds(15).toSeconds(),
    // The catalog: a rejection ends the waits of the versions built on the rejected one, found through its children.
    nodejs: catalogBundling(catalog),
    environment: {
      LEDGER_TABLE: env.ledger.tableName,
      APPROVAL_SECRET_NAME: env.secretName,
      DECISION_SECRET_NAME: env.decisionSecretName,
    },
    // No CORS: a link is opened by a browser at the URL itself; no page of another origin may script it.
    url: { authorizer: 'none', cors: false },
    // A public URL: bounded, so a flood of forged clicks cannot run up cost or take the account's concurrency.
    reservedConcurrentExecutions: APPROVAL_CALLBACK_CONCURRENCY,
  });
  // Query: a rejection ends the waits of the versions built on the rejected one (their builds, approvals and soaks).
  grantLedger(env.ledger, callback, ['BatchGetItem', 'GetItem', 'Query', 'PutItem', 'UpdateItem']);
  grantSigningKey(callback, 'approval-links', env.secret);
  // The door proves each decision it records; the reconciler delivers only proven ones.
  grantSigningKey(callback, 'approval-decisions', env.decisionSecret);
  // Announcing an approval; a refused publish waits in the ledger.
  callback.addEnvironment('NOTIFY_TOPIC_ARN', env.topic.topicArn);
  grantTopicPublish('notifications', env.topic, callback);
  if (slack) {
    // Slack interactivity: the signing secret verifies the request; the map says which Slack user is which approver.
    callback.addEnvironment('SLACK_SECRET_NAME', slack.secretName);
    callback.addEnvironment(
      'SLACK_APPROVERS',
      JSON.stringify(Object.fromEntries(Object.entries(slack.approvers).map(([name, user]) => [user, name]))),
    );
    // A reader the Slack secret's policy admits (stacks/notifications/sink-secret-policy.ts).
    grantSinkSecret(callback, 'SlackSecret', slack.secretName, stack);
  }
  return callback;
}
