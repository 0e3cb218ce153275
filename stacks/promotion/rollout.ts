import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Function as SstFunction } from 'sst/constructs';
import type { Catalog } from '../../core/config/schema.js';
import { memberBaselineTargets } from '../../core/sharing/member-baseline.js';
import { catalogBundling } from '../catalog.js';
import { grantLedger } from '../ledger-access.js';
import { memberBaselineStackSetName, rolloutEngineRoleName, rolloutRoleName } from '../names.js';
import { grantTopicPublish } from '../resource-doors.js';
import type { PromotionEnvironment } from './functions.js';
import { allowOrganizationRead } from './lifecycle.js';

/** How long the Rollout state machine waits between checks of a wave's refreshes. */
export const ROLLOUT_POLL = Duration.minutes(5);

/** Whether any channel of the catalog rolls out (`channels[i].rollout`). */
export function anyRollout(catalog: Catalog): boolean {
  return catalog.channels.some((c) => c.rollout !== undefined);
}

/**
 * What a function that revokes takes when a channel rolls out: a revoked version whose rollout had ended gets a Rollout
 * execution of its own to take its groups back (functions/lifecycle/revoke-rollout.ts): StartExecution on the machine,
 * and DescribeExecution on its executions (a retried start reads the one it started: aws/promotion/own-execution.ts).
 */
export function allowRolloutTakeBack(fn: SstFunction, rollout: sfn.StateMachine | undefined): void {
  if (!rollout) return;
  fn.addEnvironment('ROLLOUT_STATE_MACHINE_ARN', rollout.stateMachineArn);
  rollout.grantStartExecution(fn);
  rollout.grantExecution(fn, 'states:DescribeExecution');
}

export interface RolloutResources {
  stateMachine: sfn.StateMachine;
  startWave: SstFunction;
  checkWave: SstFunction;
  role: iam.Role;
}

/**
 * The Rollout state machine and its two functions, when a channel rolls out: StartWave → Wait → CheckWave → … until
 * CheckWave says the rollout ended (completed, halted, aborted, superseded). The next wave starts inside CheckWave once
 * every refresh of the one before is Successful, its BakeTime included, so no separate bake wait is needed. Both
 * functions run as one named role, which the member accounts' rollout role trusts
 * (core/rollout/member-role.ts): it may assume only that role, only in the organization.
 */
export function createRollout(
  stack: Stack,
  env: PromotionEnvironment,
  catalog: Catalog,
  stage: string,
): RolloutResources | undefined {
  if (!anyRollout(catalog)) return undefined;
  const role = new iam.Role(stack, 'RolloutEngineRole', {
    roleName: rolloutEngineRoleName(stage),
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
  });
  // The member baseline's StackSet, when it deploys one: each stack instance names its account's rollout role after
  // its stack id (stacks/member-baseline/template.ts), which the engine reads with ListStackInstances
  // (aws/rollout/member-baseline-roles.ts) in the Region whose instance declares the role.
  const baseline = memberBaselineTargets(catalog);
  const stackSet =
    catalog.organization.memberBaseline.enabled && baseline.ous.length > 0 && baseline.regions[0]
      ? { name: memberBaselineStackSetName(stage), roleRegion: baseline.regions[0] }
      : undefined;
  const environment = {
    LEDGER_TABLE: env.ledger.tableName,
    NOTIFY_TOPIC_ARN: env.topic.topicArn,
    ROLLOUT_ROLE_NAME: rolloutRoleName(stage),
    ...(stackSet && {
      MEMBER_BASELINE_STACK_SET: stackSet.name,
      MEMBER_BASELINE_CALL_AS: catalog.organization.memberBaseline.callAs,
      MEMBER_BASELINE_ROLE_REGION: stackSet.roleRegion,
    }),
  };
  const made = (id: string, handler: string) =>
    new SstFunction(stack, id, {
      handler,
      role,
      timeout: 300,
      memorySize: 1024,
      environment,
      nodejs: catalogBundling(catalog),
    });
  const startWave = made('RolloutStartWave', 'functions/rollout/start.handler');
  const checkWave = made('RolloutCheckWave', 'functions/rollout/check.handler');
  // The member role in every member account; aws:ResourceOrgID keeps the assumption inside the organization
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid).
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['sts:AssumeRole'],
      // The plain name (a stack a team deployed by hand) and a stack instance's (`-` and 8 hex digits: `?` matches
      // one character, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
      resources: [
        `arn:${stack.partition}:iam::*:role/${rolloutRoleName(stage)}`,
        `arn:${stack.partition}:iam::*:role/${rolloutRoleName(stage)}-????????`,
      ],
      conditions: { StringEquals: { 'aws:ResourceOrgID': catalog.organization.id } },
    }),
  );
  // The member baseline's stack instances of one account and Region (ListStackInstances acts on the stackset:
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudformation.html).
  if (stackSet) {
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['cloudformation:ListStackInstances'],
        resources: [
          `arn:${stack.partition}:cloudformation:${stack.region}:${stack.account}:stackset/${stackSet.name}:*`,
        ],
      }),
    );
    // Which of an account's two instances (mid-move between OUs) is the OU it is in now: ListParents of the account
    // and, for a nested OU, of the OUs above it (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html).
    const org = (kind: string) => `arn:${stack.partition}:organizations::*:${kind}/${catalog.organization.id}/*`;
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['organizations:ListParents'], resources: [org('account'), org('ou')] }),
    );
  }
  // The record and its waves' group chunks (Query, PutItem, UpdateItem), the rolled-out build's facts (GetItem) and the
  // organization as the ledger holds it (GetItem, Query), else Organizations itself, to resolve each wave's OUs.
  grantLedger(env.ledger, startWave, ['GetItem', 'PutItem', 'Query', 'UpdateItem']);
  allowOrganizationRead(stack, startWave, catalog.organization.id);
  // The waves' announcements (an announcement SNS did not take waits in the ledger, written above).
  grantTopicPublish('notifications', env.topic, startWave);

  const payload = sfn.TaskInput.fromObject({
    image: sfn.JsonPath.stringAt('$.image'),
    channel: sfn.JsonPath.stringAt('$.channel'),
    version: sfn.JsonPath.stringAt('$.version'),
    // The execution's own name: a task drives the rollout only when the record names this execution (advance.ts).
    executionName: sfn.JsonPath.stringAt('$$.Execution.Name'),
  });
  const invoke = (id: string, fn: SstFunction) =>
    new tasks.LambdaInvoke(stack, id, {
      lambdaFunction: fn,
      payload,
      payloadResponseOnly: true,
      resultPath: '$.result',
    })
      // A malformed input, or a version the ledger does not say is published to the channel, never succeeds; everything
      // else (throttling, a record changed meanwhile) is retried.
      .addRetry({ errors: ['MalformedEventError', 'RolloutRefused'], maxAttempts: 0 })
      .addRetry({
        errors: ['States.ALL'],
        interval: Duration.seconds(30),
        backoffRate: 2,
        maxAttempts: 6,
      });
  const done = new sfn.Succeed(stack, 'RolloutEnded');
  const check = invoke('CheckWave', checkWave);
  const wait = new sfn.Wait(stack, 'PollWait', { time: sfn.WaitTime.duration(ROLLOUT_POLL) });
  const ended = (id: string) =>
    new sfn.Choice(stack, id).when(sfn.Condition.booleanEquals('$.result.done', true), done).otherwise(wait);
  wait.next(check);
  check.next(ended('AfterCheck'));
  const definition = invoke('StartWave', startWave).next(ended('AfterStart'));
  const stateMachine = new sfn.StateMachine(stack, 'RolloutStateMachine', {
    stateMachineType: sfn.StateMachineType.STANDARD,
    definitionBody: sfn.DefinitionBody.fromChainable(definition),
    // Ten waves of refreshes of at most 14 days each fit; Step Functions allows a year.
    timeout: Duration.days(364),
    tracingEnabled: true,
    // Every transition logged, without execution data (member accounts and groups stay in the execution history).
    logs: {
      destination: new logs.LogGroup(stack, 'RolloutLogs', {
        retention: catalog.monitoring.logRetentionDays,
        removalPolicy: RemovalPolicy.RETAIN,
      }),
      level: sfn.LogLevel.ALL,
      includeExecutionData: false,
    },
  });
  return { stateMachine, startWave, checkWave, role };
}
