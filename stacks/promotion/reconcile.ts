import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Function as SstFunction } from 'sst/constructs';
import type { Catalog } from '../../core/config/schema.js';
import { openWorkIndex } from '../../core/ledger/keys.js';
import { DEFAULT_WINDOW_DAYS, RECONCILE_PERIOD_HOURS } from '../../core/reconcile/decide.js';
import { catalogBundling } from '../catalog.js';
import { grantSbomObjects } from '../factory/sbom-bucket.js';
import { failureQueue } from '../grants.js';
import { grantLedger } from '../ledger-access.js';
import { everyPipelineArn, managedComponentsArn, pipelineArnPrefix } from '../pipelines.js';
import { grantTopicPublish, sendOnlyByWriters } from '../resource-doors.js';
import { scheduleInvocation } from '../scheduled-invoke.js';
import type { PromotionEnvironment } from './functions.js';
import { grantSigningKey } from './signing-keys.js';

/**
 * How often the reconciler looks for builds whose image state change was never handled. Every six hours: events
 * are rarely lost, a promotion that starts a few hours late is immaterial next to soak periods of days. A run asks
 * Image Builder only about the builds the ledger holds open; once a day it lists every pipeline as the backstop.
 */
export const RECONCILE_RATE = `rate(${RECONCILE_PERIOD_HOURS} hours)`;

/** The schedule's fixed input (see functions/reconcile.ts). */
export const RECONCILE_INPUT = { reconcile: 'image-builds', windowDays: DEFAULT_WINDOW_DAYS } as const;

/**
 * A run that cannot start within five hours is superseded by the next one (every six hours), so retrying it longer
 * would only pile runs up; what still fails lands in the dead-letter queue.
 */
export const RECONCILE_RETRY = { MaximumEventAgeInSeconds: 5 * 3600, MaximumRetryAttempts: 5 } as const;

/**
 * The reconciler: every six hours it lists our pipelines' recent builds and does what on-image-event would have
 * done for those whose "Image State Change" never arrived. It may start promotions, publish notifications, read
 * and write the ledger, list, describe and start our pipelines' builds, deliver recorded approval decisions, resume
 * paused promotions and mark orphaned rollouts stopped; nothing else. The audit of what AWS holds is a function of
 * its own on the same period (stacks/promotion/audit-holdings.ts).
 */
export function createReconciler(
  stack: Stack,
  env: PromotionEnvironment,
  catalog: Catalog,
  stateMachine: sfn.IStateMachine,
  rollout?: sfn.StateMachine,
): { reconcile: SstFunction; schedule: scheduler.CfnSchedule; dlq: sqs.Queue } {
  const dlq = new sqs.Queue(stack, 'ReconcileDlq', {
    // Dead letters wait for a redrive: a deploy or a stack removal never deletes them.
    removalPolicy: RemovalPolicy.RETAIN,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  sendOnlyByWriters(dlq);
  // The catalog is inlined at bundle time (Lambda's 4 KB of environment cannot hold one); SST merges `nodejs`
  // shallowly, so the app's defaults are repeated.
  const reconcile = new SstFunction(stack, 'Reconcile', {
    handler: 'functions/reconcile.handler',
    // Well inside the hourly period: runs do not overlap in practice (and are harmless if they do).
    timeout: 300,
    memorySize: 512,
    environment: {
      LEDGER_TABLE: env.ledger.tableName,
      NOTIFY_TOPIC_ARN: env.topic.topicArn,
      STATE_MACHINE_ARN: stateMachine.stateMachineArn,
      PIPELINE_ARN_PREFIX: pipelineArnPrefix(stack),
      DECISION_SECRET_NAME: env.decisionSecretName,
    },
    nodejs: catalogBundling(catalog),
  });
  // A recorded decision is delivered only with its door's proof (functions/reconcile-approvals.ts).
  grantSigningKey(reconcile, 'approval-decisions', env.decisionSecret);
  reconcile.configureAsyncInvoke({
    retryAttempts: 2,
    maxEventAge: Duration.seconds(RECONCILE_RETRY.MaximumEventAgeInSeconds),
    onFailure: failureQueue(dlq, env.ledger),
  });

  // Scan: the ledger migration's walk over older items, a bounded batch a run until it is done (aws/ledger/migrations.ts).
  grantLedger(env.ledger, reconcile, [
    'GetItem',
    'BatchGetItem',
    'Query',
    'Scan',
    'PutItem',
    'UpdateItem',
    'DeleteItem',
  ]);
  // The open-work index, by its own ARN: the grant above covers the table, not its indexes
  // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/iam-policy-specific-table-indexes.html). A run
  // reads every kind it acts on in one Scan of it (functions/reconcile.ts `RECONCILED_WORK`), never a Query.
  reconcile.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:Scan'],
      resources: [`${env.ledger.tableArn}/index/${openWorkIndex.name}`],
    }),
  );
  grantTopicPublish('notifications', env.topic, reconcile);
  stateMachine.grantStartExecution(reconcile);
  if (rollout) {
    // A rollout still open in the ledger whose execution is no longer running is marked stopped
    // (functions/reconcile-rollouts.ts): DescribeExecution on that machine's executions only; StartExecution on that
    // machine: a retry's execution whose start was lost is started under the name the retry recorded.
    reconcile.addEnvironment('ROLLOUT_STATE_MACHINE_ARN', rollout.stateMachineArn);
    rollout.grantExecution(reconcile, 'states:DescribeExecution');
    rollout.grantStartExecution(reconcile);
  }
  if (Object.keys(catalog.images).length > 0) {
    reconcile.addToRolePolicy(
      // Start: the reconciler re-issues build intents whose start never happened (an Image Builder outage).
      new iam.PolicyStatement({
        actions: ['imagebuilder:ListImagePipelineImages', 'imagebuilder:StartImagePipelineExecution'],
        resources: [everyPipelineArn(stack)],
      }),
    );
  }
  // A missed AVAILABLE handled here keeps the version's SBOMs as on-image-event does, its managed components resolved.
  grantSbomObjects(reconcile, env.sbomBucket, ['s3:GetObject', 's3:PutObject']);
  reconcile.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['imagebuilder:GetComponent'], resources: [managedComponentsArn(stack)] }),
  );
  reconcile.addToRolePolicy(
    new iam.PolicyStatement({
      // ListImagePackages: a missed AVAILABLE handled here records the build's package inventory as on-image-event does.
      actions: ['imagebuilder:GetImage', 'imagebuilder:ListImagePackages'],
      resources: [stack.formatArn({ service: 'imagebuilder', resource: 'image', resourceName: '*' })],
    }),
  );

  // Delivers approval decisions the ledger recorded while Step Functions was unavailable (only those: the decision
  // was claimed by an approver through a door that checked them). IAM defines no resource type for SendTask*.
  reconcile.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: ['*'] }),
  );

  const schedule = scheduleInvocation(stack, 'Reconcile', {
    fn: reconcile,
    expression: RECONCILE_RATE,
    input: RECONCILE_INPUT,
    description: 'Goldsmith: catch image state changes EventBridge never delivered',
    roleDescription: 'Goldsmith: EventBridge Scheduler invokes the reconciler',
    retryPolicy: {
      maximumEventAgeInSeconds: RECONCILE_RETRY.MaximumEventAgeInSeconds,
      maximumRetryAttempts: RECONCILE_RETRY.MaximumRetryAttempts,
    },
    dlq,
  });
  return { reconcile, schedule, dlq };
}
