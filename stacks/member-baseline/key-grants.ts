import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Function as SstFunction } from 'sst/constructs';
import type { Catalog } from '../../core/config/schema.js';
import { catalogBundling } from '../catalog.js';
import { failureQueue } from '../grants.js';
import { grantLedger } from '../ledger-access.js';
import { ledgerTableName } from '../names.js';
import { notificationsTopicName } from '../Promotion.js';
import { grantTopicPublish, sendOnlyByWriters } from '../resource-doors.js';
import { scheduleInvocation } from '../scheduled-invoke.js';

/** The daily schedule's input (functions/key-grants.ts). */
export const KEY_GRANTS_INPUT = { audit: 'key-grants' } as const;

/**
 * The AMI key grants auditor (functions/key-grants.ts), a function of its own so the reconciler's bundle gets no KMS
 * client: daily, in every Region the key is replicated to, it lists the key's grants (kms:ListGrants), revokes the
 * member baseline's grants of accounts the key no longer serves, as Organizations and the StackSet confirm
 * (kms:RevokeGrant, the key owner's call), keeps the
 * count in the ledger, and announces on the notifications topic. Both KMS calls on the key's ARN in those Regions
 * only; the key policy delegates them to the account's IAM (stacks/factory/key.ts).
 */
export function createKeyGrantsAuditor(
  stack: Stack,
  props: { catalog: Catalog; stage: string; key: kms.IKey; regions: readonly string[]; stackSetName?: string },
): { fn: SstFunction; dlq: sqs.Queue } {
  const dlq = new sqs.Queue(stack, 'KeyGrantsDlq', {
    // Dead letters wait for a redrive: a deploy or a stack removal never deletes them.
    removalPolicy: RemovalPolicy.RETAIN,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  sendOnlyByWriters(dlq);
  const topicArn = stack.formatArn({ service: 'sns', resource: notificationsTopicName(props.stage) });
  // The key and its replicas share one key id (a multi-Region key): its ARN in `region`.
  const keyArnIn = (region: string) => `arn:${stack.partition}:kms:${region}:${stack.account}:key/${props.key.keyId}`;
  const fn = new SstFunction(stack, 'KeyGrants', {
    handler: 'functions/key-grants.handler',
    timeout: 300,
    environment: {
      LEDGER_TABLE: ledgerTableName(props.stage),
      NOTIFY_TOPIC_ARN: topicArn,
      AMI_KEY_ARN: props.key.keyArn,
      AMI_KEY_REGIONS: props.regions.join(','),
      ...(props.stackSetName && {
        MEMBER_BASELINE_STACK_SET: props.stackSetName,
        MEMBER_BASELINE_CALL_AS: props.catalog.organization.memberBaseline.callAs,
      }),
    },
    nodejs: catalogBundling(props.catalog),
  });
  const ledger = dynamodb.Table.fromTableName(stack, 'KeyGrantsLedger', ledgerTableName(props.stage));
  fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: failureQueue(dlq, ledger) });
  grantLedger(ledger, fn, ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem']);
  grantTopicPublish('notifications', sns.Topic.fromTopicArn(stack, 'KeyGrantsTopic', topicArn), fn);
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['kms:ListGrants', 'kms:RevokeGrant'],
      resources: props.regions.map(keyArnIn),
    }),
  );
  // Before revoking a grant the ledger's copy of the organization no longer serves, AWS's own word: the account and
  // the OUs above it (DescribeAccount, ListParents) and the member baseline's stack
  // instances of the account (ListStackInstances acts on the stackset:
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html,
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudformation.html).
  const org = (kind: string) => `arn:${stack.partition}:organizations::*:${kind}/${props.catalog.organization.id}/*`;
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['organizations:DescribeAccount'], resources: [org('account')] }),
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['organizations:ListParents'], resources: [org('account'), org('ou')] }),
  );
  if (props.stackSetName)
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['cloudformation:ListStackInstances'],
        resources: [
          `arn:${stack.partition}:cloudformation:${stack.region}:${stack.account}:stackset/${props.stackSetName}:*`,
        ],
      }),
    );
  scheduleInvocation(stack, 'KeyGrants', {
    fn,
    expression: 'cron(30 5 * * ? *)',
    input: KEY_GRANTS_INPUT,
    description: "Goldsmith: count the AMI key's grants per Region, revoke those of accounts it no longer serves",
    roleDescription: "Goldsmith: EventBridge Scheduler invokes the AMI key's grants auditor",
    // The next day's run is the backstop: retrying one longer only piles runs up.
    retryPolicy: { maximumEventAgeInSeconds: 6 * 3600, maximumRetryAttempts: 5 },
    dlq,
  });
  return { fn, dlq };
}
