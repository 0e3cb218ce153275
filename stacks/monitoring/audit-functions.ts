import { Aws, type Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Function as SstFunction } from 'sst/constructs';
import { functionsPath } from '../../core/audit/functions.js';
import { rolesPath } from '../../core/audit/roles.js';
import type { Catalog } from '../../core/config/schema.js';
import { FACTORY_AUDIT_PK } from '../../core/ledger/keys.js';
import { EXPECTED_FUNCTIONS_PREFIX, FUNCTION_CALL_PREFIXES } from '../../events/function-call.js';
import { API_CALL_VIA_CLOUDTRAIL } from '../../events/outside-change.js';
import { ROLE_CALLS } from '../../events/role-call.js';
import { grantLedgerPartition } from '../ledger-access.js';
import { NAME_PREFIX } from '../names.js';
import { createAuditor, parameterChangePattern, scheduleAuditor } from './auditor.js';

/** The schedule's fixed input (functions/audit-functions.ts). */
export const AUDIT_FUNCTIONS_INPUT = { audit: 'functions' } as const;

/** Once a day, at 01:15 UTC: after the policies' audit. */
export const AUDIT_FUNCTIONS_SCHEDULE = 'cron(15 1 * * ? *)';

/**
 * The CloudTrail events of the Lambda calls that change a function (events/function-call.ts), each name matched as a
 * prefix: Lambda's event names carry an API version suffix (`UpdateFunctionCode20150331v2`).
 */
export const functionCallPattern = {
  source: ['aws.lambda'],
  detailType: [API_CALL_VIA_CLOUDTRAIL],
  detail: {
    eventSource: ['lambda.amazonaws.com'],
    eventName: FUNCTION_CALL_PREFIXES.map((prefix) => ({ prefix })),
  },
};

/**
 * The CloudTrail events of the IAM calls that change a role (events/role-call.ts). IAM's events reach us-east-1's
 * default bus only: the rule fires where the factory's home Region is us-east-1, and matches nothing elsewhere.
 */
export const roleCallPattern = {
  source: ['aws.iam'],
  detailType: [API_CALL_VIA_CLOUDTRAIL],
  detail: { eventSource: ['iam.amazonaws.com'], eventName: [...ROLE_CALLS] },
};

/** A change of a function's expected properties in Parameter Store (no trail needed). */
export const expectedFunctionChangePattern = parameterChangePattern(EXPECTED_FUNCTIONS_PREFIX);

/**
 * The audit of Goldsmith's functions (functions/audit-functions.ts), a function of its own. Its role: read the
 * functions' expected properties under `/goldsmith/_functions/<stage>/` (ssm:GetParametersByPath; one of them,
 * ssm:GetParameter, when a deploy rewrote it), read Goldsmith's functions (lambda:GetFunction, one per function) and
 * stop one (lambda:PutFunctionConcurrency), on the functions CloudFormation names `<stage>-goldsmith-<Stack>-…` only;
 * read Goldsmith's stacks' events (cloudformation:DescribeStackEvents) when a function changed after its parameter;
 * read Goldsmith's roles (iam:GetRole, ListRolePolicies, GetRolePolicy, ListAttachedRolePolicies on
 * `<stage>-goldsmith-*` roles; GetAccountAuthorizationDetails, on `*`, for all of them at once) and their records
 * under `/goldsmith/_roles/<stage>/`; read when the functions were last read back in full (GetItem in the ledger's
 * audit partition); record drifts, announce. It runs daily (every function every `monitoring.functionSweepEvery`
 * days, the roles every day), the day after the event history holds a Lambda call (stacks/monitoring/audit-history.ts)
 * and within minutes of a Lambda call
 * CloudTrail reports in the home Region, where the functions are (which needs a trail: docs/security.md), of a change
 * of an expected function's parameter, or of an IAM call on a role (us-east-1 only: docs/security/audit.md).
 */
export function createFunctionAudit(
  stack: Stack,
  stage: string,
  catalog: Catalog,
  env: { ledger: dynamodb.ITable; topic: sns.ITopic },
): { auditFunctions: SstFunction; dlq: sqs.Queue } {
  const { fn, dlq, target } = createAuditor(stack, 'AuditFunctions', catalog, env, {
    handler: 'functions/audit-functions.handler',
    environment: { GOLDSMITH_STAGE: stage },
  });
  // When the functions were last read back in full (`SWEEP#functions` in the ledger's audit partition), and how far
  // the event history's daily read has come (`SWEEP#event-history`: while it is behind, the sweep is daily).
  grantLedgerPartition(env.ledger, fn, ['GetItem'], [FACTORY_AUDIT_PK]);
  // GetParametersByPath is authorized against the path in the request
  // (https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-retrieval-authorization.html).
  const paths = [functionsPath(stage), rolesPath(stage)].map((p) => p.replace(/\/$/, ''));
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ssm:GetParametersByPath'],
      resources: paths.map((path) => `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter${path}`),
    }),
  );
  // A deploy's rewrite of one function's parameter reads that parameter alone (GetParameter, on the parameter).
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ssm:GetParameter'],
      resources: [`arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter${functionsPath(stage)}*`],
    }),
  );
  // Reads only, each on the role resource
  // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html):
  // the roles CloudFormation names `<stage>-goldsmith-<Stack>-…` and the ones Goldsmith names `goldsmith-<stage>-…`
  // (core/names.ts), as the SCP's `RolesOnlyByTheDeployment` names them. No IAM write: an auditor that could rewrite
  // roles would be the door it guards.
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['iam:GetRole', 'iam:ListRolePolicies', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies'],
      resources: [`${stage}-${NAME_PREFIX}-*`, `${NAME_PREFIX}-${stage}-*`].map(
        (name) => `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${name}`,
      ),
    }),
  );
  // The daily run reads every role at once: GetAccountAuthorizationDetails takes no resource type, so `*` (the same
  // Service Authorization Reference). It reads the account's IAM configuration, no more than the reads above on
  // every role; no write.
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['iam:GetAccountAuthorizationDetails'], resources: ['*'] }));
  // Both on the function resource (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html).
  // No lambda:ListFunctions: it takes no resource type, so it could only be granted on `*`, reading every function's
  // configuration (other teams' environment variables included); the audit reads its own functions one by one.
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['lambda:GetFunction', 'lambda:PutFunctionConcurrency'],
      resources: [`arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${Aws.ACCOUNT_ID}:function:${stage}-${NAME_PREFIX}-*`],
    }),
  );
  // A function changed after its parameter: whether its stack's rollback did it (its events, read only then).
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['cloudformation:DescribeStackEvents'],
      resources: [
        `arn:${Aws.PARTITION}:cloudformation:${Aws.REGION}:${Aws.ACCOUNT_ID}:stack/${stage}-${NAME_PREFIX}-*/*`,
      ],
    }),
  );
  scheduleAuditor(stack, 'AuditFunctions', fn, dlq, {
    expression: AUDIT_FUNCTIONS_SCHEDULE,
    input: AUDIT_FUNCTIONS_INPUT,
    description: "Goldsmith: the daily audit of Goldsmith's functions",
    roleDescription: "Goldsmith: EventBridge Scheduler invokes the audit of Goldsmith's functions",
  });
  new events.Rule(stack, 'FunctionChangeRule', {
    description: 'Goldsmith: a Lambda call changed a function (CloudTrail) → the functions auditor reads them back',
    eventPattern: functionCallPattern,
    targets: [target()],
  });
  new events.Rule(stack, 'RoleChangeRule', {
    description: 'Goldsmith: an IAM call changed a role (CloudTrail, us-east-1 only) → the roles read back',
    eventPattern: roleCallPattern,
    targets: [target()],
  });
  new events.Rule(stack, 'ExpectedFunctionChangeRule', {
    description: "Goldsmith: a function's expected properties changed in Parameter Store → the functions read back",
    eventPattern: expectedFunctionChangePattern,
    targets: [target()],
  });
  return { auditFunctions: fn, dlq };
}
