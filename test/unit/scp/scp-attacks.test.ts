import { describe, expect, it } from 'vitest';
import { denyingStatement, scpStatements } from '../../../core/preflight/scp-evaluate.js';
import { synthesizedFunctionName, synthesizedRoleName } from '../../../core/scp/names.js';
import { goldsmithScp } from '../../../core/scp/split.js';

/**
 * The attacks on what resource policies cannot hold, made against the policy `goldsmith scp` writes, with the
 * evaluation preflight uses (core/preflight/scp-evaluate.ts): each is refused, and the deployment's and Goldsmith's
 * own calls of the same kind are not.
 */
const ACCOUNT = '200000000001';
const REGION = 'eu-west-1';
const statements = goldsmithScp({
  stage: 'prod',
  account: ACCOUNT,
  deployer: 'goldsmith-deployer',
  keyRotator: 'k',
  sinkSecrets: ['goldsmith/teams', 'goldsmith/webhooks/change-board'],
}).flatMap((p) => scpStatements(p.content));
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const ADMIN = role('Administrator');
const DEVELOPER = role('developer');
const CFN_EXEC = role(`cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`);
const DEPLOYER = role('goldsmith-deployer');
const engine = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${synthesizedFunctionName('prod', 'Promotion', 'RolloutStart')}`;
const decide = (principal: string, action: string, resource: string, context: Record<string, string> = {}) =>
  denyingStatement(statements, {
    action,
    resource,
    context: { 'aws:PrincipalArn': principal, 'aws:PrincipalIsAWSService': 'false', ...context },
  });

describe('attacks on Goldsmith outside its resource policies, refused by the SCP', () => {
  it("refuses a developer pushing, re-tagging or deleting a channel's image, squatting or reconfiguring its repository; Goldsmith may", () => {
    const withCatalog = goldsmithScp({
      stage: 'prod',
      account: ACCOUNT,
      deployer: 'goldsmith-deployer',
      keyRotator: 'k',
      repositories: ['golden/web-runtime'],
    }).flatMap((p) => scpStatements(p.content));
    const ask = (principal: string, action: string, resource: string) =>
      denyingStatement(withCatalog, { action, resource, context: { 'aws:PrincipalArn': principal } });
    const repository = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/golden/web-runtime`;
    for (const action of [
      'ecr:PutImage',
      'ecr:BatchDeleteImage',
      'ecr:SetRepositoryPolicy',
      'ecr:DeleteRepositoryPolicy',
      'ecr:PutLifecyclePolicy',
      'ecr:PutImageTagMutability',
      'ecr:DeleteRepository',
      'ecr:CreateRepository',
    ]) {
      expect(ask(DEVELOPER, action, repository)).toBe('ContainerImagesOnlyByGoldsmith');
    }
    for (const action of ['ecr:PutReplicationConfiguration', 'ecr:CreatePullThroughCacheRule']) {
      expect(ask(DEVELOPER, action, '*')).toBe('ContainerRegistryOnlyByTheDeployment');
    }
    const publisher = role(synthesizedRoleName('prod', 'Promotion', 'PromotionPublish'));
    const imageBuilder = role('aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder');
    expect(ask(publisher, 'ecr:PutImage', repository)).toBeUndefined();
    expect(ask(imageBuilder, 'ecr:PutImage', repository)).toBeUndefined();
    expect(ask(CFN_EXEC, 'ecr:CreateRepository', repository)).toBeUndefined();
  });

  it("refuses every write on Goldsmith's alarms but the deployment's", () => {
    const alarm = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:prod-goldsmith-Monitoring-DriftFoundAlarm`;
    const composite = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:prod-goldsmith-Monitoring-Speaks`;
    // A composite alarm under Goldsmith's prefix would speak through the topic; a metric alarm replaced with no
    // actions, an alarm's actions turned off or muted, or its state forged, silence or fake an alarm.
    expect(decide(DEVELOPER, 'cloudwatch:PutCompositeAlarm', composite)).toBe('AlarmsOnlyByTheDeployment');
    for (const action of [
      'PutMetricAlarm',
      'PutLogAlarm',
      'DeleteAlarms',
      'SetAlarmState',
      'DisableAlarmActions',
      'EnableAlarmActions',
      'PutAlarmMuteRule',
      'TagResource',
      'UntagResource',
    ])
      expect(decide(ADMIN, `cloudwatch:${action}`, alarm), action).toBe('AlarmsOnlyByTheDeployment');
    expect(decide(CFN_EXEC, 'cloudwatch:PutMetricAlarm', alarm)).toBeUndefined();
    // Someone else's alarms are theirs.
    expect(
      decide(DEVELOPER, 'cloudwatch:PutCompositeAlarm', composite.replace('prod-goldsmith-', 'team-')),
    ).toBeUndefined();
  });

  it("refuses reading a sink's secret (a webhook's key signs what its receiver accepts), or changing its value or policy", () => {
    const key = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:goldsmith/webhooks/change-board-AbCdEf`;
    const teams = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:goldsmith/teams-AbCdEf`;
    expect(decide(DEVELOPER, 'secretsmanager:GetSecretValue', key)).toBe('SinkSecretsOnlyByGoldsmith');
    expect(decide(DEVELOPER, 'secretsmanager:GetSecretValue', teams)).toBe('SinkSecretsOnlyByGoldsmith');
    for (const action of [
      'PutSecretValue',
      'PutResourcePolicy',
      'DeleteResourcePolicy',
      'DeleteSecret',
      'ReplicateSecretToRegions',
    ])
      expect(decide(ADMIN, `secretsmanager:${action}`, key), action).toBe('SinkSecretsOnlyByTheDeployment');
    const relay = role(synthesizedRoleName('prod', 'Notifications', 'WebhookNotify'));
    expect(decide(relay, 'secretsmanager:GetSecretValue', key)).toBeUndefined();
    expect(decide(relay, 'secretsmanager:PutResourcePolicy', key)).toBe('SinkSecretsOnlyByTheDeployment');
    expect(decide(CFN_EXEC, 'secretsmanager:PutResourcePolicy', key)).toBeUndefined();
    expect(decide(role('goldsmith-prod-operators'), 'secretsmanager:PutSecretValue', teams)).toBeUndefined();
    // A secret of a similar name is not the sink's.
    expect(
      decide(DEVELOPER, 'secretsmanager:GetSecretValue', key.replace('change-board-AbCdEf', 'change-board-2-AbCdEf')),
    ).toBeUndefined();
  });

  it("refuses an administrator replacing a Goldsmith function's code; the deployment may", () => {
    expect(decide(ADMIN, 'lambda:UpdateFunctionCode', engine)).toBe('FunctionsOnlyByTheDeployment');
    expect(decide(ADMIN, 'lambda:AddPermission', `${engine}:live`)).toBe('FunctionsOnlyByTheDeployment');
    expect(decide(CFN_EXEC, 'lambda:UpdateFunctionCode', engine)).toBeUndefined();
  });

  it('refuses a developer passing a Goldsmith role to a function of their own; the operator may pass its scheduler role', () => {
    const publisher = role(synthesizedRoleName('prod', 'Promotion', 'PromotionPublish'));
    expect(decide(DEVELOPER, 'iam:PassRole', publisher)).toBe('RolesPassedOnlyByGoldsmith');
    expect(decide(DEVELOPER, 'iam:PutRolePolicy', publisher)).toBe('RolesOnlyByTheDeployment');
    const operator = role(synthesizedRoleName('prod', 'Trust', 'Operator'));
    expect(decide(operator, 'iam:PassRole', role('prod-goldsmith-Promotion-ReconcileSchedulerRole'))).toBeUndefined();
  });

  it('refuses a stack of another name under the CDK execution role; Goldsmith stacks deploy with it', () => {
    const other = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/prod-goldsmith2/1`;
    const roleArn = { 'cloudformation:RoleArn': CFN_EXEC };
    expect(decide(ADMIN, 'cloudformation:CreateStack', other, roleArn)).toBe('ExecRoleOnlyForGoldsmithStacks');
    expect(decide(DEPLOYER, 'cloudformation:CreateChangeSet', other, roleArn)).toBe('ExecRoleOnlyForGoldsmithStacks');
    expect(decide(ADMIN, 'cloudformation:CreateStack', other)).toBeUndefined();
    const ours = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/prod-goldsmith-Promotion/1`;
    expect(decide(DEPLOYER, 'cloudformation:CreateChangeSet', ours, roleArn)).toBeUndefined();
    // A re-bootstrap creates the CDK's own roles with the caller's credentials.
    expect(decide(ADMIN, 'iam:CreateRole', role(`cdk-hnb659fds-deploy-role-${ACCOUNT}-${REGION}`))).toBeUndefined();
  });

  it("refuses a role of the CDK execution role's name made or changed by anyone but the deployer, whom it exempts everywhere", () => {
    const lookalike = role('cdk-attacker-cfn-exec-role-1');
    expect(decide(ADMIN, 'iam:CreateRole', lookalike)).toBe('RolesOnlyByTheDeployment');
    expect(decide(ADMIN, 'iam:UpdateAssumeRolePolicy', CFN_EXEC)).toBe('RolesOnlyByTheDeployment');
    expect(decide(ADMIN, 'iam:AttachRolePolicy', CFN_EXEC)).toBe('RolesOnlyByTheDeployment');
    // The deployer bootstraps, with its own credentials.
    expect(decide(DEPLOYER, 'iam:CreateRole', CFN_EXEC)).toBeUndefined();
  });

  it("refuses the CDK execution role on a stack of one's own by any door that takes it, and the deployer's role to others", () => {
    const evil = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/evil/1`;
    const roleArn = { 'cloudformation:RoleArn': CFN_EXEC };
    expect(decide(ADMIN, 'cloudformation:ContinueUpdateRollback', evil, roleArn)).toBe(
      'ExecRoleOnlyForGoldsmithStacks',
    );
    expect(decide(ADMIN, 'cloudformation:RollbackStack', evil, roleArn)).toBe('ExecRoleOnlyForGoldsmithStacks');
    expect(decide(ADMIN, 'iam:PassRole', CFN_EXEC)).toBe('RolesPassedOnlyByGoldsmith');
    expect(decide(DEPLOYER, 'iam:PassRole', CFN_EXEC)).toBeUndefined();
    expect(decide(ADMIN, 'iam:UpdateAssumeRolePolicy', DEPLOYER)).toBe('RolesOnlyByTheDeployment');
    expect(decide(ADMIN, 'iam:PutRolePolicy', role('k'))).toBe('RolesOnlyByTheDeployment');
    const ours = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/prod-goldsmith-Promotion/1`;
    expect(decide(ADMIN, 'cloudformation:CreateStackRefactor', ours)).toBe('StacksOnlyByTheDeployer');
  });

  it("refuses undoing the functions' auditor's stop and the other function settings outside a deploy", () => {
    for (const action of [
      'lambda:DeleteFunctionConcurrency',
      'lambda:PutRuntimeManagementConfig',
      'lambda:PutFunctionCodeSigningConfig',
      'lambda:PutFunctionRecursionConfig',
    ])
      expect(decide(ADMIN, action, engine), action).toBe('FunctionsOnlyByTheDeployment');
    expect(decide(ADMIN, 'lambda:InvokeAsync', engine)).toBe('FunctionsInvokedAsyncOnlyByGoldsmith');
    const auditor = role(synthesizedRoleName('prod', 'Monitoring', 'AuditFunctions'));
    expect(decide(auditor, 'lambda:PutFunctionConcurrency', engine)).toBeUndefined();
  });

  it("refuses an administrator failing a prod approval's task; the approval callback answers it", () => {
    expect(decide(ADMIN, 'states:SendTaskFailure', '*')).toBe('TaskTokensOnlyByGoldsmith');
    expect(decide(ADMIN, 'states:SendTaskSuccess', '*')).toBe('TaskTokensOnlyByGoldsmith');
    const callback = role(synthesizedRoleName('prod', 'Promotion', 'ApprovalCallback'));
    expect(decide(callback, 'states:SendTaskSuccess', '*')).toBeUndefined();
    const publisher = role(synthesizedRoleName('prod', 'Promotion', 'PromotionPublish'));
    expect(decide(publisher, 'states:SendTaskSuccess', '*')).toBe('TaskTokensOnlyByGoldsmith');
  });

  it("refuses an administrator changing the Promotion's definition", () => {
    const sm = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:PromotionStateMachine1A2B-x`;
    expect(decide(ADMIN, 'states:UpdateStateMachine', sm)).toBe('StateMachineDefinitionsOnlyByTheDeployment');
    expect(decide(role(synthesizedRoleName('prod', 'Trust', 'Operator')), 'states:UpdateStateMachine', sm)).toBe(
      'StateMachineDefinitionsOnlyByTheDeployment',
    );
  });
  it("refuses a role named like Goldsmith's in a path of its own, made or passed by anyone but the deployment", () => {
    for (const name of ['insider/prod-goldsmith-Promotion-ShareServiceRole-X', 'a/b/goldsmith-prod-on-finding']) {
      expect(decide(ADMIN, 'iam:CreateRole', role(name)), name).toBe('RolesOnlyByTheDeployment');
      expect(decide(DEVELOPER, 'iam:PassRole', role(name)), name).toBe('RolesPassedOnlyByGoldsmith');
    }
    expect(decide(ADMIN, 'iam:CreateRole', role('insider/prod-goldsmiths-own'))).toBeUndefined();
    expect(decide(CFN_EXEC, 'iam:CreateRole', role('team/prod-goldsmith-Promotion-X'))).toBeUndefined();
  });

  it("refuses resetting or disabling a Goldsmith AMI's launch permissions as it refuses modifying them", () => {
    const ami = `arn:aws:ec2:${REGION}::image/ami-0123456789abcdef0`;
    const tagged = { 'aws:ResourceTag/goldsmith:managed-by': 'goldsmith' };
    for (const action of ['ec2:ModifyImageAttribute', 'ec2:ResetImageAttribute', 'ec2:DisableImage']) {
      expect(decide(ADMIN, action, ami, tagged), action).toBe('AmisOnlyByGoldsmith');
      expect(decide(ADMIN, action, ami), action).toBeUndefined();
    }
  });

  it("refuses a developer's SBOM export (into Goldsmith's bucket or any) and cancelling Goldsmith's; its poller may", () => {
    expect(decide(DEVELOPER, 'inspector2:CreateSbomExport', '*')).toBe('SbomExportsOnlyByGoldsmith');
    expect(decide(ADMIN, 'inspector2:CancelSbomExport', '*')).toBe('SbomExportsOnlyByGoldsmith');
    const poller = role(synthesizedRoleName('prod', 'Promotion', 'SbomExports'));
    expect(decide(poller, 'inspector2:CreateSbomExport', '*')).toBeUndefined();
    expect(
      decide(role(synthesizedRoleName('prod', 'Promotion', 'Reconcile')), 'inspector2:CreateSbomExport', '*'),
    ).toBe('SbomExportsOnlyByGoldsmith');
  });
});
