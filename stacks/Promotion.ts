import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Function as SstFunction, StackContext } from 'sst/constructs';
import { retryPolicyOf } from '../core/errors/retry.js';
import { planAll } from '../core/promotion/plan.js';
import { DETAIL_TYPES } from '../events/sources.js';
import { useCatalog } from './catalog.js';
import { ownLogGroups } from './function-logs.js';
import { ledgerTableName, NAME_PREFIX, sbomBucketName } from './names.js';
import { createHoldingsAuditor } from './promotion/audit-holdings.js';
import { grantConsumerAccess } from './promotion/consumer-access.js';
import { approvalTimeouts, promotionDefinition } from './promotion/definition.js';
import { allowForwardingAudit, createFindingForwarding } from './promotion/finding-forwarding.js';
import { createApprovalCallback, createEventFunctions, createTaskFunctions } from './promotion/functions.js';
import { createLifecycle } from './promotion/lifecycle.js';
import { createOrganizationSync } from './promotion/organization.js';
import { createOutsideChangeRules } from './promotion/outside-change-rules.js';
import { createReconciler } from './promotion/reconcile.js';
import { allowRolloutTakeBack, createRollout } from './promotion/rollout.js';
import { createPromotionRules } from './promotion/rules.js';
import { createSbomExportPoller } from './promotion/sbom-exports.js';
import { createSigningKey, grantTaskTokenKey } from './promotion/signing-keys.js';
import type { BusWriterFunction } from './trust/bus-policy.js';

/** Goldsmith's event bus (Image Promoted, Package Update), e.g. `goldsmith-prod`. */
export function goldsmithBusName(stage: string): string {
  return `${NAME_PREFIX}-${stage}`;
}

/** The notifications topic every step publishes to, e.g. `goldsmith-prod-notifications`. */
export function notificationsTopicName(stage: string): string {
  return `${NAME_PREFIX}-${stage}-notifications`;
}

/** The topic that carries each approver's own links, to that approver's subscription alone (stacks/Notifications.ts). */
export function approvalLinksTopicName(stage: string): string {
  return `${NAME_PREFIX}-${stage}-approval-links`;
}

/** The secret whose key signs approval links (core/promotion/approval-link.ts): read by request-approval and the callback. */
export function approvalLinkSecretName(stage: string): string {
  return `${NAME_PREFIX}/${stage}/approval-links`;
}

/**
 * The secret whose key proves a recorded approval decision was made by a door (core/promotion/decision-proof.ts):
 * read by the approval callback, the operator endpoint and the reconciler, and nothing else.
 */
export function decisionSecretName(stage: string): string {
  return `${NAME_PREFIX}/${stage}/approval-decisions`;
}

/**
 * The secret whose key seals the task tokens the ledger keeps (core/promotion/task-token-seal.ts): read by the two
 * tasks that receive tokens (RequestApproval, Soak) and the functions that answer tasks (the approval callback, the
 * operator endpoint, the reconciler and on-lifecycle-request, which revoke), and nothing else.
 */
export function taskTokenSecretName(stage: string): string {
  return `${NAME_PREFIX}/${stage}/task-tokens`;
}

/** What other stacks (and tests) get from `use(Promotion)`. */
export interface PromotionResources {
  stateMachine: sfn.StateMachine;
  approvalUrl: string;
  /** The functions that put Goldsmith's facts on the bus, with what they put (the bus policy allows only these). */
  busWriters: BusWriterFunction[];
  /** The Rollout state machine, when a channel rolls out. */
  rolloutStateMachine?: sfn.StateMachine;
  /** on-lifecycle-request: revokes on "Image Revoked" (from the bus, or from a revocation's schedule). */
  lifecycleRequests: SstFunction;
  /** The audit of what AWS holds: the event history's read hands it the AMIs changed outside Goldsmith. */
  auditHoldings: SstFunction;
}

/**
 * Promotion: the state machine that takes an AVAILABLE build through the catalog's channels, the functions behind
 * it, the approval callback, and the rules that start it. The ledger table, bus and topic belong to other stacks
 * and are referenced by their deterministic names.
 */
export function Promotion({ app, stack }: StackContext): PromotionResources {
  ownLogGroups(stack);
  const catalog = useCatalog();
  const plans = planAll(catalog);

  const secretName = approvalLinkSecretName(app.stage);
  const env = {
    ledger: dynamodb.Table.fromTableName(stack, 'Ledger', ledgerTableName(app.stage)),
    topic: sns.Topic.fromTopicArn(
      stack,
      'Notifications',
      stack.formatArn({ service: 'sns', resource: notificationsTopicName(app.stage) }),
    ),
    // Each approver's own links go to the approval-links topic, whose subscriptions are filtered per approver.
    approvalLinks: sns.Topic.fromTopicArn(
      stack,
      'ApprovalLinks',
      stack.formatArn({ service: 'sns', resource: approvalLinksTopicName(app.stage) }),
    ),
    bus: events.EventBus.fromEventBusName(stack, 'Bus', goldsmithBusName(app.stage)),
    // Each signing key readable only by the roles that use it, under a KMS key of its own (stacks/promotion/signing-keys.ts).
    secret: createSigningKey(stack, 'ApprovalLinkSecret', {
      door: 'approval-links',
      secretName,
      description: 'Goldsmith: HMAC key that signs approve/reject links',
    }),
    secretName,
    decisionSecret: createSigningKey(stack, 'ApprovalDecisionSecret', {
      door: 'approval-decisions',
      secretName: decisionSecretName(app.stage),
      description: 'Goldsmith: HMAC key with which the approval doors prove the decisions they record',
    }),
    decisionSecretName: decisionSecretName(app.stage),
    // The bucket's name as the Factory stack gives it (stacks/factory/sbom-bucket.ts): the deploy's account and Region.
    sbomBucket: sbomBucketName(app.stage, Aws.ACCOUNT_ID, Aws.REGION),
  };
  const taskTokens = createSigningKey(stack, 'TaskTokenSecret', {
    door: 'task-tokens',
    secretName: taskTokenSecretName(app.stage),
    description: 'Goldsmith: AES key with which the ledger keeps Step Functions task tokens sealed',
    removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
  });

  const callback = createApprovalCallback(stack, env, catalog);
  // Links signed with the approval key before a rotation expire at most the longest approval timeout after it: the
  // callback accepts the previous key version until then (aws/promotion/approval-secret.ts).
  const longestApproval = Math.max(
    0,
    ...[...approvalTimeouts(Object.values(plans)).values()].map((a) => a.timeoutSeconds),
  );
  callback.addEnvironment('APPROVAL_KEY_GRACE_SECONDS', String(longestApproval));
  const approvalUrl = callback.url;
  if (!approvalUrl) throw new Error('the approval callback has no function URL');
  // Publish starts the rollout of what it published to a channel that rolls out (functions/promotion/publish.ts).
  const rollout = createRollout(stack, env, catalog, app.stage);
  const tasks = createTaskFunctions(stack, env, approvalUrl, catalog, rollout?.stateMachine, app.stage);
  grantConsumerAccess(stack, tasks, catalog);

  const logGroup = new logs.LogGroup(stack, 'PromotionLogs', {
    retention: catalog.monitoring.logRetentionDays,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const stateMachine = new sfn.StateMachine(stack, 'PromotionStateMachine', {
    stateMachineType: sfn.StateMachineType.STANDARD,
    definitionBody: sfn.DefinitionBody.fromChainable(
      promotionDefinition(stack, tasks, Object.values(plans), retryPolicyOf(catalog)),
    ),
    // Above the longest approval plus soak chain, below Step Functions' one-year maximum.
    timeout: Duration.days(364),
    tracingEnabled: true,
    // Every transition logged; execution data left out: it holds approval task tokens and organization targets,
    // which do not belong in a log group; the execution history keeps the data for those allowed to read it.
    logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
  });
  // Only the approval callback may answer task tokens. IAM defines no resource type for SendTask*, so the
  // statement must say "*" (a state machine ARN would never match); the token itself names the execution.
  callback.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
      resources: ['*'],
    }),
  );

  const { onImageEvent, onFinding } = createEventFunctions(stack, env, catalog, app.stage);
  onImageEvent.addEnvironment('STATE_MACHINE_ARN', stateMachine.stateMachineArn);
  stateMachine.grantStartExecution(onImageEvent);
  // on-finding asks for out-of-cycle rebuilds, and puts "Image Revoked" for a revocation the catalog's revokeOn asks
  // for: on-lifecycle-request carries it out (functions/findings/revoke-at-once.ts).
  onFinding.addEnvironment('EVENT_BUS_NAME', env.bus.eventBusName);
  env.bus.grantPutEventsTo(onFinding);
  createPromotionRules(stack, { onImageEvent, onFinding }, env.ledger);
  const lifecycle = createLifecycle(stack, env, catalog);
  const audit = { stage: app.stage, lifecycleRequests: lifecycle.requests };
  const reconciler = createReconciler(stack, env, catalog, stateMachine, rollout?.stateMachine);
  // Container images' packages from Inspector's SBOM export: requested by the functions that record a version's
  // content (on-image-event, the reconciler), started and read by the poller.
  const sbomExports = createSbomExportPoller(stack, env, catalog);
  if (sbomExports) {
    for (const fn of [onImageEvent, reconciler.reconcile]) {
      fn.addEnvironment('SBOM_EXPORT_KEY_ARN', sbomExports.key.keyArn);
    }
  }
  const { auditor } = createHoldingsAuditor(stack, env, catalog, audit, reconciler.dlq);
  // The task tokens the ledger keeps: sealed by the tasks that receive them, opened only by those that answer them
  // (every function here with states:SendTask*; the operator endpoint reads it in the Trust stack).
  for (const fn of [tasks.requestApproval, tasks.soakStart, callback, reconciler.reconcile, lifecycle.requests]) {
    grantTaskTokenKey(fn, taskTokens, taskTokenSecretName(app.stage));
  }
  // Inspector's findings in the other distribution Regions, forwarded to the home bus FindingRule listens on.
  const forwarding = createFindingForwarding(stack, catalog, app.stage);
  allowRolloutTakeBack(lifecycle.requests, rollout?.stateMachine);
  if (forwarding) allowForwardingAudit(auditor, forwarding);
  createOutsideChangeRules(stack, auditor, reconciler.dlq);
  createOrganizationSync(stack, env, catalog);

  stack.addOutputs({ PromotionStateMachineArn: stateMachine.stateMachineArn, ApprovalUrl: approvalUrl });
  return {
    stateMachine,
    ...(rollout && { rolloutStateMachine: rollout.stateMachine }),
    approvalUrl,
    lifecycleRequests: lifecycle.requests,
    auditHoldings: auditor,
    busWriters: [
      { fn: tasks.publish, detailTypes: [DETAIL_TYPES.imagePromoted] },
      // Revocation (revokeVersion) puts the fact "Image Revoked" and asks for the children's rebuilds; a new finding
      // on a live version asks for an out-of-cycle rebuild, and revokes where the catalog's revokeOn says so (its
      // "Image Revoked" carried out by on-lifecycle-request).
      { fn: onFinding, detailTypes: [DETAIL_TYPES.imageRebuildRequested, DETAIL_TYPES.imageRevoked] },
      { fn: lifecycle.requests, detailTypes: [DETAIL_TYPES.imageRebuildRequested, DETAIL_TYPES.imageRevoked] },
    ],
  };
}
