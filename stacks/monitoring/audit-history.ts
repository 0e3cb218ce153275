import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { Function as SstFunction } from 'sst/constructs';
import { functionsPath } from '../../core/audit/functions.js';
import { POINTER_CALLS } from '../../core/audit/pointer-calls.js';
import type { Catalog } from '../../core/config/schema.js';
import { FACTORY_AUDIT_PK } from '../../core/ledger/keys.js';
import { FUNCTION_CALL_PREFIXES } from '../../events/function-call.js';
import { IMAGE_ATTRIBUTE_CALLS } from '../../events/outside-change.js';
import { catalogBundling } from '../catalog.js';
import { failureQueue } from '../grants.js';
import { grantLedgerPartition } from '../ledger-access.js';
import { sendOnlyByWriters } from '../resource-doors.js';
import { scheduleAuditor } from './auditor.js';

/** The schedule's fixed input (functions/audit-history.ts). */
export const AUDIT_HISTORY_INPUT = { audit: 'event-history' } as const;

/** Once a day, at 01:30 UTC: after the functions' audit. */
export const AUDIT_HISTORY_SCHEDULE = 'cron(30 1 * * ? *)';

/** The IAM actions of the calls the event history is read for. */
const WATCHED_ACTIONS: ReadonlySet<string> = new Set([
  ...IMAGE_ATTRIBUTE_CALLS.map((call) => `ec2:${call}`),
  ...FUNCTION_CALL_PREFIXES.map((call) => `lambda:${call}`),
  ...POINTER_CALLS.map((call) => `ssm:${call}`),
]);

/**
 * The roles, in every stack of `app` defined so far, whose policies allow one of the calls the event history is read
 * for: Goldsmith's own callers (the promotion's Share, the audit's repair, the functions' auditor's stop, …), whose
 * calls in the history ask for no read-back.
 */
export function rolesThatMayCall(app: IConstruct): iam.Role[] {
  const roles = new Set<iam.Role>();
  for (const child of app.node.children) {
    if (!(child instanceof Stack)) continue;
    for (const c of child.node.findAll()) {
      if (!(c instanceof iam.Policy) || !(c.node.scope instanceof iam.Role)) continue;
      const document = c.document.toJSON() as { Statement?: { Effect?: string; Action?: string | string[] }[] };
      const allows = (document?.Statement ?? []).some(
        (s) => s.Effect === 'Allow' && [s.Action ?? []].flat().some((a) => WATCHED_ACTIONS.has(a)),
      );
      if (allows) roles.add(c.node.scope);
    }
  }
  return [...roles];
}

/**
 * The daily read of CloudTrail's event history (functions/audit-history.ts), a function of its own: the CloudTrail
 * client fits no auditor's bundle. Its role: cloudtrail:LookupEvents (no resource type, so `*`:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudtrail.html), lambda:InvokeFunction
 * on the two auditors it hands calls to (the audit of what AWS holds, the functions' audit), ssm:GetParametersByPath
 * on the functions' records (`/goldsmith/_functions/<stage>`: which functions are Goldsmith's), GetItem and UpdateItem
 * on the ledger's audit partition (`FACTORY#audit`: the windows' item `SWEEP#event-history`, and the earlier layout's
 * `SWEEP#event-history#<region>` read once), and what its own failures need (its dead-letter queue, its
 * failed-invocation records). No read of any resource, no write but its windows: what changed is read back by the
 * auditors, with their own roles.
 */
export function createHistoryAudit(
  stack: Stack,
  stage: string,
  catalog: Catalog,
  env: { ledger: dynamodb.ITable; auditHoldings: SstFunction; auditFunctions: SstFunction; ownRoles: iam.Role[] },
): { auditHistory: SstFunction; dlq: sqs.Queue } {
  const dlq = new sqs.Queue(stack, 'AuditHistoryDlq', {
    removalPolicy: RemovalPolicy.RETAIN,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  sendOnlyByWriters(dlq);
  const fn = new SstFunction(stack, 'AuditHistory', {
    handler: 'functions/audit-history.handler',
    timeout: 120,
    memorySize: 256,
    environment: {
      LEDGER_TABLE: env.ledger.tableName,
      GOLDSMITH_STAGE: stage,
      AUDIT_HOLDINGS_ARN: env.auditHoldings.functionArn,
      AUDIT_FUNCTIONS_ARN: env.auditFunctions.functionArn,
      GOLDSMITH_OWN_ROLES: env.ownRoles.map((role) => role.roleArn).join(','),
    },
    nodejs: catalogBundling(catalog),
  });
  fn.configureAsyncInvoke({
    retryAttempts: 1,
    maxEventAge: Duration.hours(6),
    onFailure: failureQueue(dlq, env.ledger),
  });
  grantLedgerPartition(env.ledger, fn, ['GetItem', 'UpdateItem'], [FACTORY_AUDIT_PK]);
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['cloudtrail:LookupEvents'], resources: ['*'] }));
  // GetParametersByPath is authorized against the path in the request
  // (https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-retrieval-authorization.html).
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ssm:GetParametersByPath'],
      resources: [
        `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter${functionsPath(stage).replace(/\/$/, '')}`,
      ],
    }),
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['lambda:InvokeFunction'],
      resources: [env.auditHoldings.functionArn, env.auditFunctions.functionArn],
    }),
  );
  scheduleAuditor(stack, 'AuditHistory', fn, dlq, {
    expression: AUDIT_HISTORY_SCHEDULE,
    input: AUDIT_HISTORY_INPUT,
    description: "Goldsmith: the daily read of CloudTrail's event history for changes made outside Goldsmith",
    roleDescription: "Goldsmith: EventBridge Scheduler invokes the read of CloudTrail's event history",
  });
  return { auditHistory: fn, dlq };
}
