import { Aws, type Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Function as SstFunction } from 'sst/constructs';
import { resourcePoliciesPath } from '../../core/audit/policies.js';
import type { Catalog } from '../../core/config/schema.js';
import { API_CALL_VIA_CLOUDTRAIL } from '../../events/outside-change.js';
import { EXPECTED_POLICIES_PREFIX, POLICY_CALLS } from '../../events/policy-call.js';
import { expectedPolicyInventory } from '../expected-policies.js';
import { NAME_PREFIX } from '../names.js';
import { goldsmithBusName } from '../Promotion.js';
import { createAuditor, parameterChangePattern, scheduleAuditor } from './auditor.js';

/** The schedule's fixed input (functions/audit-policies.ts). */
export const AUDIT_POLICIES_INPUT = { audit: 'resource-policies' } as const;

/** Once a day, at 01:00 UTC: an hour after the reconciler's daily pass. */
export const AUDIT_POLICIES_SCHEDULE = 'cron(0 1 * * ? *)';

/**
 * The CloudTrail events of the calls that change a topic's, queue's or bus's policy (events/policy-call.ts). One
 * pattern for the three services: the names of one service's calls that another lacks match nothing there.
 */
export const policyCallPattern = {
  source: ['aws.sns', 'aws.sqs', 'aws.events'],
  detailType: [API_CALL_VIA_CLOUDTRAIL],
  detail: {
    eventSource: Object.keys(POLICY_CALLS),
    eventName: [...new Set(Object.values(POLICY_CALLS).flat())].sort(),
  },
};

/** A change of a door's expected policy in Parameter Store (no trail needed). */
export const expectedPolicyChangePattern = parameterChangePattern(EXPECTED_POLICIES_PREFIX);

/**
 * The daily audit of the doors' resource policies (functions/audit-policies.ts), a function of its own so the
 * reconciler's bundle does not grow. Its role: read the expected policies under `/goldsmith/_policies/<stage>/`
 * (ssm:GetParametersByPath), read and set the policy of Goldsmith's topics and queues only (names
 * `goldsmith-<stage>-…` and CloudFormation's `<stage>-goldsmith-<Stack>-…`) and of its event bus
 * (`goldsmith-<stage>`), record drifts in the ledger, announce. It runs daily and within minutes of a policy call
 * CloudTrail reports (which needs a trail: docs/security.md) or of a change of an expected policy, as the doors'
 * auditor runs on a subscription call (stacks/notifications/audit-doors.ts).
 */
export function createPolicyAudit(
  stack: Stack,
  stage: string,
  catalog: Catalog,
  env: { ledger: dynamodb.ITable; topic: sns.ITopic },
): { auditPolicies: SstFunction; dlq: sqs.Queue } {
  const {
    fn: auditPolicies,
    dlq,
    target,
  } = createAuditor(stack, 'AuditPolicies', catalog, env, {
    handler: 'functions/audit-policies.handler',
    environment: {
      GOLDSMITH_STAGE: stage,
      // The deployment's inventory of doors: a parameter deleted under the path is drift, not a door less.
      EXPECTED_POLICIES: expectedPolicyInventory(stack),
    },
  });
  const path = resourcePoliciesPath(stage).replace(/\/$/, '');
  // GetParametersByPath is authorized against the path in the request (`parameter/<path>`), not the parameters it
  // returns (https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-retrieval-authorization.html).
  auditPolicies.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ssm:GetParametersByPath'],
      resources: [`arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter${path}`],
    }),
  );
  const names = [`${NAME_PREFIX}-${stage}-*`, `${stage}-${NAME_PREFIX}-*`];
  auditPolicies.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['sns:GetTopicAttributes', 'sns:SetTopicAttributes'],
      resources: names.map((n) => `arn:${Aws.PARTITION}:sns:${Aws.REGION}:${Aws.ACCOUNT_ID}:${n}`),
    }),
  );
  auditPolicies.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['sqs:GetQueueAttributes', 'sqs:SetQueueAttributes'],
      resources: names.map((n) => `arn:${Aws.PARTITION}:sqs:${Aws.REGION}:${Aws.ACCOUNT_ID}:${n}`),
    }),
  );
  // Goldsmith's bus: its policy read by name (DescribeEventBus, authorized on the event bus) and put back whole
  // (PutPermission with `Policy`, which names no resource type: only `*` grants it; the SCP's
  // `BusPoliciesOnlyByTheDeployment` keeps it to this role and the deployment,
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html).
  auditPolicies.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['events:DescribeEventBus'],
      resources: [`arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:event-bus/${goldsmithBusName(stage)}`],
    }),
  );
  auditPolicies.addToRolePolicy(new iam.PolicyStatement({ actions: ['events:PutPermission'], resources: ['*'] }));
  scheduleAuditor(stack, 'AuditPolicies', auditPolicies, dlq, {
    expression: AUDIT_POLICIES_SCHEDULE,
    input: AUDIT_POLICIES_INPUT,
    description: "Goldsmith: the daily audit of the topics', queues' and event bus's policies",
    roleDescription: 'Goldsmith: EventBridge Scheduler invokes the audit of resource policies',
  });
  new events.Rule(stack, 'PolicyChangeRule', {
    description: "Goldsmith: a door's policy changed (CloudTrail) → the policies auditor reads the doors back",
    eventPattern: policyCallPattern,
    targets: [target()],
  });
  new events.Rule(stack, 'ExpectedPolicyChangeRule', {
    description: "Goldsmith: a door's expected policy changed in Parameter Store → drift, and the doors read back",
    eventPattern: expectedPolicyChangePattern,
    targets: [target()],
  });
  return { auditPolicies, dlq };
}
