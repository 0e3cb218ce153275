import { ArnFormat, Duration, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Function as SstFunction } from 'sst/constructs';
import { openWorkIndex } from '../../core/ledger/keys.js';
import { operatorsRoleName } from '../names.js';
import {
  approvalLinkSecretName,
  decisionSecretName,
  notificationsTopicName,
  taskTokenSecretName,
} from '../Promotion.js';
import { everyPipelineArn } from '../pipelines.js';
import { grantSigningKey, grantSigningKeyRotation, grantTaskTokenKey } from '../promotion/signing-keys.js';
import { RESERVED_CONCURRENCY } from '../reserved-concurrency.js';
import {
  type DoorSettings,
  OPERATOR_DOOR_CONCURRENCY,
  type OperatorEndpointInputs,
  operatorFunction,
} from './operator-doors.js';

export { OPERATOR_DOOR_CONCURRENCY, type OperatorEndpointInputs, operatorsRoleName };

/** The condition key that holds lambda:InvokeFunction to requests that came through the function URL. */
export const INVOKED_VIA_FUNCTION_URL = 'lambda:InvokedViaFunctionUrl';

/** Concurrent operator requests at most: people type these, so a flood is abuse and must not starve the factory. */
export const OPERATOR_CONCURRENCY = RESERVED_CONCURRENCY.operator;

export interface OperatorEndpoint {
  /** The front door: every action but the revoke and rollback doors' (events/operator-request.ts `OPERATOR_DOORS`). */
  fn: SstFunction;
  url: string;
  /** revoke, cancel-revocation (functions/operator-revoke.ts). */
  revoke: SstFunction;
  revokeUrl: string;
  /** rollback, restore (functions/operator-rollback.ts). */
  rollback: SstFunction;
  rollbackUrl: string;
  role: iam.Role;
}

/**
 * The operator endpoint: three functions, each behind a function URL with `AWS_IAM` auth and reserved concurrency,
 * split by what their code needs — `functions/operator.ts` (the front door), `functions/operator-revoke.ts` (revoke,
 * cancel-revocation) and `functions/operator-rollback.ts` (rollback, restore), each role holding only its own calls.
 * The operators' role (assumable by the catalog's `access.operators`) may invoke them and read what the read-only
 * commands read; the catalog's approvers may invoke the front door directly (it lets them only approve or reject
 * their channels), never the revoke and rollback doors. Function URLs need both lambda:InvokeFunctionUrl and lambda:InvokeFunction
 * (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html).
 *
 * The function trusts the caller AWS writes into `requestContext.authorizer.iam`, which only the function URL
 * writes: a plain Invoke's payload can name anyone. So every grant of lambda:InvokeFunction on it carries
 * `lambda:InvokedViaFunctionUrl` = true (a Bool condition key of lambda:InvokeFunction:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html; the resource policy's
 * `InvokedViaFunctionUrl`: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-permission.html):
 * the URL is the only door.
 */
export function createOperatorEndpoint(stack: Stack, inputs: OperatorEndpointInputs): OperatorEndpoint {
  const roleName = operatorsRoleName(inputs.stage);
  const roleArn = stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: roleName });
  const topic = sns.Topic.fromTopicArn(
    stack,
    'OperatorNotifications',
    stack.formatArn({ service: 'sns', resource: notificationsTopicName(inputs.stage) }),
  );
  const ALL = ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'] as const;
  const door = (settings: DoorSettings) => operatorFunction(stack, inputs, topic, roleArn, settings);
  const { fn, url } = door({ id: 'Operator', concurrency: OPERATOR_CONCURRENCY, ledger: ALL });
  fn.addEnvironment('PIPELINE_ARN_PREFIX', inputs.pipelineArnPrefix);
  // Not `Operator…`: the SCP exempts the front door's role by its construct id as a prefix (core/scp/names.ts).
  const revoke = door({ id: 'RevokeEndpoint', concurrency: OPERATOR_DOOR_CONCURRENCY['operator-revoke'], ledger: ALL });
  // A rollback deletes no ledger item.
  const rollback = door({
    id: 'RollbackEndpoint',
    concurrency: OPERATOR_DOOR_CONCURRENCY['operator-rollback'],
    ledger: ALL.filter((call) => call !== 'DeleteItem'),
  });
  // An approval decided here is announced like any other (the shared decision code publishes to the topic). It reads
  // the decision-proof key (a door proves what it records), never the approval-link key: that belongs to the
  // functions that sign and check links.
  fn.addEnvironment('DECISION_SECRET_NAME', decisionSecretName(inputs.stage));
  grantSigningKey(
    fn,
    'approval-decisions',
    secretsmanager.Secret.fromSecretNameV2(stack, 'ApprovalDecisionKey', decisionSecretName(inputs.stage)),
  );
  // `rotate-signing-key`: a new value for each signing key, the previous one kept for what it signed
  // (functions/operator/rotate-signing-key.ts). Put only: the function never reads the approval-link key.
  const signing = [
    ['approval-links', approvalLinkSecretName(inputs.stage), 'ApprovalLinkKeyRotation'],
    ['approval-decisions', decisionSecretName(inputs.stage), 'ApprovalDecisionKeyRotation'],
  ] as const;
  for (const [door, name, id] of signing) {
    grantSigningKeyRotation(fn, door, secretsmanager.Secret.fromSecretNameV2(stack, id, name));
  }
  fn.addEnvironment('SIGNING_SECRET_NAMES', signing.map(([, name]) => name).join(','));
  // Approve, reject and promote answer tasks, a revocation ends the waiting ones: both open the task tokens the
  // ledger keeps sealed.
  const taskTokens = secretsmanager.Secret.fromSecretNameV2(stack, 'TaskTokenKey', taskTokenSecretName(inputs.stage));
  for (const door of [fn, revoke.fn]) grantTaskTokenKey(door, taskTokens, taskTokenSecretName(inputs.stage));

  // Build: what start-builds does for a manual change. Approve/reject: answer the task token.
  if (Object.keys(inputs.catalog.images).length > 0) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['imagebuilder:StartImagePipelineExecution', 'imagebuilder:ListImagePipelineImages'],
        resources: [everyPipelineArn(stack)],
      }),
    );
  }
  // Resume: a paused promotion starts again as a new execution of the same build.
  fn.addEnvironment('STATE_MACHINE_ARN', inputs.stateMachine.stateMachineArn);
  inputs.stateMachine.grantStartExecution(fn);
  // IAM defines no resource type for SendTask*: "*" is the only resource that matches (the token names the execution).
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: ['*'] }),
  );

  const operators = inputs.catalog.access.operators.map((arn) => new iam.ArnPrincipal(arn));
  const role = new iam.Role(stack, 'OperatorsRole', {
    roleName,
    description: 'Goldsmith operators: call the operator endpoint, read the ledger, pointers and executions',
    // Nobody named: only the account's own IAM administrators can grant sts:AssumeRole on it.
    assumedBy: operators.length > 0 ? new iam.CompositePrincipal(...operators) : new iam.AccountRootPrincipal(),
    maxSessionDuration: Duration.hours(1),
  });
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['lambda:InvokeFunctionUrl'],
      resources: [fn, revoke.fn, rollback.fn].map((door) => door.functionArn),
      conditions: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } },
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['lambda:InvokeFunction'],
      resources: [fn, revoke.fn, rollback.fn].map((door) => door.functionArn),
      conditions: { Bool: { [INVOKED_VIA_FUNCTION_URL]: 'true' } },
    }),
  );
  inputs.ledger.grantReadData(role);
  // `goldsmith preflight --stage` reads the open rollouts from the open-work index, a resource of its own
  // (`<table ARN>/index/<name>`: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/iam-policy-specific-table-indexes.html).
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: [`${inputs.ledger.tableArn}/index/${openWorkIndex.name}`],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
      resources: [stack.formatArn({ service: 'ssm', region: '*', resource: 'parameter', resourceName: 'goldsmith/*' })],
    }),
  );
  // The acting commands find their door's URL in this stack's outputs (aws/trust/operator-endpoint.ts: DescribeStacks).
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['cloudformation:DescribeStacks'],
      resources: [
        stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${stack.stackName}/*` }),
      ],
    }),
  );
  // What the read-only commands read of the promotion machine: its executions and their histories.
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['states:ListExecutions', 'states:DescribeStateMachine'],
      resources: [inputs.stateMachine.stateMachineArn],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
      resources: [
        stack.formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: `${stack.splitArn(inputs.stateMachine.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    }),
  );

  // Approvers sign as themselves: the front door's resource policy names each principal the catalog maps, so that a
  // request of theirs reaches the function, which lets them only approve or reject and answers anything else with
  // why (as the CLI says from the catalog before sending). The revoke and rollback doors name no approver: their
  // reserved concurrency (2 each) is the operators' alone, and the SCP holds them to the operators' role
  // (RevokeAndRollbackOnlyByOperators, docs/security/scp.md).
  const approverPrincipals = [...new Set(Object.values(inputs.catalog.access.approvers).flat())].sort();
  for (const [index, arn] of approverPrincipals.entries()) {
    fn.addPermission(`ApproverUrl${index}`, {
      principal: new iam.ArnPrincipal(arn),
      action: 'lambda:InvokeFunctionUrl',
      functionUrlAuthType: lambda.FunctionUrlAuthType.AWS_IAM,
    });
    fn.addPermission(`ApproverInvoke${index}`, {
      principal: new iam.ArnPrincipal(arn),
      action: 'lambda:InvokeFunction',
      invokedViaFunctionUrl: true,
    });
  }
  return { fn, url, revoke: revoke.fn, revokeUrl: revoke.url, rollback: rollback.fn, rollbackUrl: rollback.url, role };
}
