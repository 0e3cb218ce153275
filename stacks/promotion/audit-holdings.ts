import { Duration, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Function as SstFunction } from 'sst/constructs';
import type { Catalog } from '../../core/config/schema.js';
import { openWorkIndex } from '../../core/ledger/keys.js';
import { catalogBundling } from '../catalog.js';
import { failureQueue } from '../grants.js';
import { grantLedger } from '../ledger-access.js';
import { NAME_PREFIX } from '../names.js';
import { grantTopicPublish } from '../resource-doors.js';
import { scheduleInvocation } from '../scheduled-invoke.js';
import { revocationScheduleGroupName } from '../trust/scheduled-revocation.js';
import { allowContainerAudit, allowPointerShares } from './consumer-access.js';
import { allowSharing, type PromotionEnvironment } from './functions.js';
import { RECONCILE_RATE, RECONCILE_RETRY } from './reconcile.js';

/** The schedule's fixed input (see functions/audit-holdings.ts). */
export const AUDIT_HOLDINGS_INPUT = { audit: 'what-aws-holds' } as const;

/**
 * The audit of what AWS holds (functions/audit-holdings.ts), a function of its own beside the reconciler so that
 * neither bundle carries the other's SDK clients. On the reconciler's period (its full pass is the same run of the
 * day) it compares the channel pointer shares with RAM and puts back what changed; reads and puts back channel
 * pointers, their resource policies, launch permissions and the Regions' forwarding rules (allowForwardingAudit,
 * stacks/Promotion.ts); reads revocation schedules and hands an overdue revocation to on-lifecycle-request; and reads
 * back the one resource an outside change's event names (stacks/promotion/outside-change-rules.ts). Its failures go
 * to the reconciler's dead-letter queue; nothing else.
 */
export function createHoldingsAuditor(
  stack: Stack,
  env: PromotionEnvironment,
  catalog: Catalog,
  audit: { stage: string; lifecycleRequests: SstFunction },
  dlq: sqs.Queue,
): { auditor: SstFunction; schedule: scheduler.CfnSchedule } {
  const auditor = new SstFunction(stack, 'AuditHoldings', {
    handler: 'functions/audit-holdings.handler',
    timeout: 300,
    memorySize: 512,
    // The stage names Goldsmith's roles in the container repositories' guard (functions/audit/channel-tags.ts).
    environment: {
      LEDGER_TABLE: env.ledger.tableName,
      NOTIFY_TOPIC_ARN: env.topic.topicArn,
      GOLDSMITH_STAGE: audit.stage,
    },
    nodejs: catalogBundling(catalog),
  });
  auditor.configureAsyncInvoke({
    retryAttempts: 2,
    maxEventAge: Duration.seconds(RECONCILE_RETRY.MaximumEventAgeInSeconds),
    onFailure: failureQueue(dlq, env.ledger),
  });
  grantLedger(env.ledger, auditor, ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem']);
  // The open-work index (the open scheduled revocations), by its own ARN: the grant above covers the table, not its
  // indexes (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/iam-policy-specific-table-indexes.html).
  auditor.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: [`${env.ledger.tableArn}/index/${openWorkIndex.name}`],
    }),
  );
  grantTopicPublish('notifications', env.topic, auditor);
  // The daily backstop of the channel pointer shares puts back what changed outside Goldsmith, through Publish's path.
  allowPointerShares(stack, auditor, catalog);
  allowContainerAudit(stack, auditor, catalog);
  allowAudit(stack, auditor, catalog, audit);
  const schedule = scheduleInvocation(stack, 'AuditHoldings', {
    fn: auditor,
    expression: RECONCILE_RATE,
    input: AUDIT_HOLDINGS_INPUT,
    description: 'Goldsmith: audit what AWS holds against the ledger and put back what changed outside Goldsmith',
    roleDescription: 'Goldsmith: EventBridge Scheduler invokes the audit of what AWS holds',
    retryPolicy: {
      maximumEventAgeInSeconds: RECONCILE_RETRY.MaximumEventAgeInSeconds,
      maximumRetryAttempts: RECONCILE_RETRY.MaximumRetryAttempts,
    },
    dlq,
  });
  return { auditor, schedule };
}

/**
 * What the audit of what AWS holds takes (functions/audit/): the channel pointers read and written back (GetParameters,
 * PutParameter on Goldsmith's parameters; SSM validates an `aws:ec2:image` value with the writer's own
 * ec2:DescribeImages, which allowSharing grants), launch permissions read and put right through Share's path
 * (allowSharing: the organization's reads, the AMIs' and snapshots' permissions), the parameters RAM shares listed
 * (a pointer in a share not its channel's has its resource policies read), the revocation schedules read
 * (GetSchedule in Goldsmith's revocation group only) and an overdue revocation handed to on-lifecycle-request, as
 * its schedule would (lambda:InvokeFunction on that function only).
 */
function allowAudit(
  stack: Stack,
  fn: SstFunction,
  catalog: Catalog,
  audit: { stage: string; lifecycleRequests: SstFunction },
): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ssm:GetParameters', 'ssm:PutParameter'],
      resources: [
        stack.formatArn({ service: 'ssm', region: '*', resource: 'parameter', resourceName: `${NAME_PREFIX}/*` }),
      ],
    }),
  );
  allowSharing(stack, fn, catalog.organization.id);
  // The daily listing of the parameters RAM shares (functions/audit/pointer-policies.ts): ListResources takes no
  // resource ARN, like RAM's other reads
  // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsresourceaccessmanagerram.html).
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ram:ListResources'], resources: ['*'] }));
  const group = revocationScheduleGroupName(audit.stage);
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['scheduler:GetSchedule'],
      resources: [stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${group}/*` })],
    }),
  );
  audit.lifecycleRequests.grantInvoke(fn);
  fn.addEnvironment('REVOCATION_SCHEDULE_GROUP', group);
  fn.addEnvironment('REVOCATION_TARGET_ARN', audit.lifecycleRequests.functionArn);
}
