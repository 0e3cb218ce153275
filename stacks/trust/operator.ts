import { ArnFormat, Duration, type Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Function as SstFunction } from 'sst/constructs';
import type { Catalog } from '../../core/config/schema.js';
import { openWorkIndex } from '../../core/ledger/keys.js';
import { catalogBundling } from '../catalog.js';
import { grantLedger } from '../ledger-access.js';
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
import { grantTopicPublish } from '../resource-doors.js';

export { operatorsRoleName };

/** The condition key that holds lambda:InvokeFunction to requests that came through the function URL. */
export const INVOKED_VIA_FUNCTION_URL = 'lambda:InvokedViaFunctionUrl';

/** Concurrent operator requests at most: people type these, so a flood is abuse and must not starve the factory. */
export const OPERATOR_CONCURRENCY = RESERVED_CONCURRENCY.operator;

export interface OperatorEndpointInputs {
  stage: string;
  catalog: Catalog;
  ledger: dynamodb.ITable;
  stateMachine: sfn.IStateMachine;
  pipelineArnPrefix: string;
}

export interface OperatorEndpoint {
  fn: SstFunction;
  url: string;
  role: iam.Role;
}

/**
 * The operator endpoint: `functions/operator.ts` behind a function URL with `AWS_IAM` auth and reserved
 * concurrency; the operators' role (assumable by the catalog's `access.operators`) may invoke it and read what the
 * read-only commands read; the catalog's approvers may invoke it directly (the function lets them only approve or
 * reject their channels). Function URLs need both lambda:InvokeFunctionUrl and lambda:InvokeFunction
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
  const fn = new SstFunction(stack, 'Operator', {
    handler: 'functions/operator.handler',
    // A revocation withdraws grants and moves pointers in every Region before it answers.
    timeout: 120,
    memorySize: 512,
    reservedConcurrentExecutions: OPERATOR_CONCURRENCY,
    environment: {
      LEDGER_TABLE: inputs.ledger.tableName,
      PIPELINE_ARN_PREFIX: inputs.pipelineArnPrefix,
      OPERATORS_ROLE_ARN: roleArn,
    },
    // No CORS: the CLI signs requests itself; no browser page of any origin may call the endpoint.
    url: { authorizer: 'iam', cors: false },
    nodejs: catalogBundling(inputs.catalog),
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
  // It answers tasks (approve, reject, promote, revoke): it opens the task tokens the ledger keeps sealed.
  grantTaskTokenKey(
    fn,
    secretsmanager.Secret.fromSecretNameV2(stack, 'TaskTokenKey', taskTokenSecretName(inputs.stage)),
    taskTokenSecretName(inputs.stage),
  );
  const topic = sns.Topic.fromTopicArn(
    stack,
    'OperatorNotifications',
    stack.formatArn({ service: 'sns', resource: notificationsTopicName(inputs.stage) }),
  );
  fn.addEnvironment('NOTIFY_TOPIC_ARN', topic.topicArn);
  grantTopicPublish('notifications', topic, fn);
  const url = fn.url;
  if (!url) throw new Error('the operator function has no URL');

  // Build: what start-builds does for a manual change. Approve/reject: answer the task token.
  if (Object.keys(inputs.catalog.images).length > 0) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['imagebuilder:StartImagePipelineExecution', 'imagebuilder:ListImagePipelineImages'],
        resources: [everyPipelineArn(stack)],
      }),
    );
  }
  grantLedger(inputs.ledger, fn, ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem']);
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
      resources: [fn.functionArn],
      conditions: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } },
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['lambda:InvokeFunction'],
      resources: [fn.functionArn],
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

  // Approvers sign as themselves: the function's resource policy names each principal the catalog maps.
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
  return { fn, url, role };
}
