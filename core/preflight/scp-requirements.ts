/**
 * What `goldsmith preflight` holds the factory account's service control policies to (pure): every action of every
 * statement the policy has (core/scp/statements.ts, which docs/security/scp.md shows), on resources named as the
 * stacks name them, must be refused to principals that are not Goldsmith's (an administrator, and a role whose name
 * merely contains "goldsmith"), and the calls Goldsmith's own roles make, under the names they were deployed with,
 * must not be. Each request is evaluated against the attached policies' Deny statements (scp-evaluate.ts), so a Deny
 * that names Goldsmith but misses an action, a resource pattern, or exempts everyone through its condition is found.
 */
import { operatorsRoleName } from '../names.js';
import { type RoleNames, synthesizedFunctionName, synthesizedRoleNames } from '../scp/names.js';
import type { ScpRequirement } from '../scp/spec.js';
import {
  DEFAULT_DEPLOYER,
  DEFAULT_KEY_ROTATOR,
  DOORS_AUDITOR,
  FUNCTIONS_AUDITOR,
  HOLDINGS_AUDITOR,
  OPERATOR,
  OPERATOR_REVOKE,
  POLICIES_AUDITOR,
  type ScpContext,
  type ScpOptions,
  sampleResources,
  scpStatementSpecs,
  TASK_TOKEN_SENDERS,
} from '../scp/statements.js';
import { deployerCalls } from './scp-deployer.js';
import { denyingStatement, type ScpRequest, scpStatements } from './scp-evaluate.js';

/** One denial the policy makes: an action on a resource of Goldsmith's, and the statement that denies it. */
export type { ScpRequirement } from '../scp/spec.js';

/** The stage and account the check is made for, and the names of the stage's deployed roles. */
export interface ScpCheckTarget {
  stage: string;
  account: string;
  region: string;
  /** The deployed roles' names (absent: as synthesized). */
  roles?: RoleNames;
  /** The role the deploy pipeline deploys as, as `goldsmith scp --deployer` names it (default goldsmith-deployer). */
  deployer?: string;
  /** The catalog's chat sinks' secrets (core/notifications/sinks.ts `sinkSecretNames`): their statements are checked too. */
  sinkSecrets?: readonly string[];
}

const optionsOf = (t: ScpCheckTarget): ScpOptions => ({
  stage: t.stage,
  account: '*',
  deployer: t.deployer ?? DEFAULT_DEPLOYER,
  keyRotator: DEFAULT_KEY_ROTATOR,
  ...(t.sinkSecrets ? { sinkSecrets: t.sinkSecrets } : {}),
});

/**
 * Every denial the policy makes, as requests an outsider would send: each statement's every action on its samples
 * (the sinks' secrets' statements when `sinkSecrets` names any).
 */
export function scpRequirements(
  stage: string,
  account: string,
  region: string,
  deployer: string = DEFAULT_DEPLOYER,
  sinkSecrets: readonly string[] = [],
): ScpRequirement[] {
  return scpStatementSpecs(optionsOf({ stage, account, region, deployer, sinkSecrets }), region, account).flatMap((s) =>
    s.actions.flatMap((action) =>
      s.samples.map((sample) => ({
        statement: s.sid,
        action,
        resource: sample.resource,
        ...(sample.context ? { context: sample.context } : {}),
      })),
    ),
  );
}

/** The calls Goldsmith's own roles (and its deployment) make that no SCP may refuse them (else Goldsmith stops). */
export function goldsmithOwnCalls(target: ScpCheckTarget): (ScpRequirement & { role: string })[] {
  const { stage, account, region } = target;
  const names = target.roles ?? synthesizedRoleNames(stage);
  const r = sampleResources(stage, account, region);
  const arn = (name: string) => `arn:aws:iam::${r.account}:role/${name}`;
  const fn = (stack: string, construct: string) => arn(names({ stack, construct }));
  const onFinding = arn(`goldsmith-${stage}-on-finding`);
  const cfnExec = r.cfnExecRole;
  const managed = { 'aws:ResourceTag/goldsmith:managed-by': 'goldsmith' };
  return [
    {
      statement: 'PointersOnlyByGoldsmith',
      action: 'ssm:PutParameter',
      resource: r.pointer,
      role: fn('Promotion', 'PromotionPublish'),
    },
    {
      statement: 'SigningKeysOnlyByGoldsmith',
      action: 'secretsmanager:GetSecretValue',
      resource: r.linkKey,
      role: fn('Promotion', 'ApprovalCallback'),
    },
    {
      statement: 'SubscriptionsOnlyByTheDeployment',
      action: 'sns:Unsubscribe',
      resource: `${r.approvalLinks}:0123abcd-4567-89ef-0123-456789abcdef`,
      role: fn(DOORS_AUDITOR.stack, DOORS_AUDITOR.construct),
    },
    {
      statement: 'RulesOnlyByTheDeployment',
      action: 'events:PutRule',
      resource: r.forwardingRule,
      role: fn(HOLDINGS_AUDITOR.stack, HOLDINGS_AUDITOR.construct),
    },
    // The policies auditor puts a door's policy back (functions/audit-policies.ts).
    ...[
      { statement: 'DoorPoliciesOnlyByTheDeployment', action: 'sns:SetTopicAttributes', resource: r.notifications },
      { statement: 'DoorPoliciesOnlyByTheDeployment', action: 'sqs:SetQueueAttributes', resource: r.deadLetters },
      { statement: 'BusPoliciesOnlyByTheDeployment', action: 'events:PutPermission', resource: '*' },
    ].map((call) => ({ ...call, role: fn(POLICIES_AUDITOR.stack, POLICIES_AUDITOR.construct) })),
    // The functions' auditor stops a function changed outside a deploy (functions/audit-functions.ts).
    {
      statement: 'FunctionsOnlyByTheDeployment',
      action: 'lambda:PutFunctionConcurrency',
      resource: r.function,
      role: fn(FUNCTIONS_AUDITOR.stack, FUNCTIONS_AUDITOR.construct),
    },
    // goldsmith rotate-signing-key puts the keys' new values as the operator endpoint.
    {
      statement: 'SigningKeysOnlyByTheDeployment',
      action: 'secretsmanager:PutSecretValue',
      resource: r.linkKey,
      role: fn(OPERATOR.stack, OPERATOR.construct),
    },
    {
      statement: 'SchedulesOnlyByGoldsmith',
      action: 'scheduler:DeleteSchedule',
      resource: r.revocationSchedule,
      role: fn(OPERATOR_REVOKE.stack, OPERATOR_REVOKE.construct),
    },
    // The revoke door and the reconciler pass the scheduler's role to the schedules they create.
    {
      statement: 'RolesPassedOnlyByGoldsmith',
      action: 'iam:PassRole',
      resource: r.role,
      role: fn(OPERATOR_REVOKE.stack, OPERATOR_REVOKE.construct),
    },
    {
      statement: 'AmisOnlyByGoldsmith',
      action: 'ec2:ModifyImageAttribute',
      resource: r.ami,
      role: fn('Promotion', 'PromotionShare'),
      context: managed,
    },
    // Publish moves a container channel's tag (aws/promotion/ecr.ts).
    {
      statement: 'ContainerImagesOnlyByGoldsmith',
      action: 'ecr:PutImage',
      resource: `arn:aws:ecr:${region}:${r.account}:repository/goldsmith/web-runtime`,
      role: fn('Promotion', 'PromotionPublish'),
    },
    {
      statement: 'PointerSharesOnlyByGoldsmith',
      action: 'ram:AssociateResourceShare',
      resource: `arn:aws:ram:${region}:${r.account}:resource-share/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d`,
      role: fn('Promotion', 'PromotionPublish'),
      context: { 'ram:ResourceShareName': 'goldsmith-pointers-prod' },
    },
    // Every function that answers a task token.
    ...TASK_TOKEN_SENDERS.map((f) => ({
      statement: 'TaskTokensOnlyByGoldsmith',
      action: 'states:SendTaskFailure',
      resource: '*',
      role: fn(f.stack, f.construct),
    })),
    // The on-finding function's role is named by its stack, not after it (the policy exempts it by name).
    ...[
      { statement: 'PointersOnlyByGoldsmith', action: 'ssm:PutParameter', resource: r.pointer },
      { statement: 'AmisOnlyByGoldsmith', action: 'ec2:ModifyImageAttribute', resource: r.ami, context: managed },
      { statement: 'StateMachinesOnlyByGoldsmith', action: 'states:StartExecution', resource: r.promotion },
      { statement: 'TaskTokensOnlyByGoldsmith', action: 'states:SendTaskFailure', resource: '*' },
    ].map((call) => ({ ...call, role: onFinding })),
    // The operators call every door; the CDK's publishing role uploads the assets the deployer assumes it for.
    ...['RevokeEndpoint', 'Operator'].map((construct) => ({
      statement: construct === 'Operator' ? 'FrontDoorOnlyByOperatorsAndApprovers' : 'RevokeAndRollbackOnlyByOperators',
      action: 'lambda:InvokeFunctionUrl',
      resource: `arn:aws:lambda:${region}:${r.account}:function:${synthesizedFunctionName(stage, 'Trust', construct)}`,
      role: arn(operatorsRoleName(stage)),
    })),
    {
      statement: 'AssetsOnlyByTheDeployment',
      action: 's3:PutObject',
      resource: `arn:aws:s3:::cdk-hnb659fds-assets-${r.account}-${region}/0123abcd.zip`,
      role: arn(`cdk-hnb659fds-file-publishing-role-${r.account}-${region}`),
    },
    // The deploy: the deployer's own calls; it changes Goldsmith's stacks with the CDK execution role, which changes the rest.
    ...deployerCalls(stage, account, region).map((call) => ({
      ...call,
      role: arn(target.deployer ?? DEFAULT_DEPLOYER),
    })),
    {
      statement: 'FunctionsOnlyByTheDeployment',
      action: 'lambda:UpdateFunctionCode',
      resource: r.function,
      role: cfnExec,
    },
    { statement: 'RolesOnlyByTheDeployment', action: 'iam:PutRolePolicy', resource: r.role, role: cfnExec },
    {
      statement: 'StateMachineDefinitionsOnlyByTheDeployment',
      action: 'states:UpdateStateMachine',
      resource: r.promotion,
      role: cfnExec,
    },
  ];
}

/** Principals that are not Goldsmith's: an administrator, and a role whose name only contains "goldsmith". */
export const outsiders = (account: string) => [
  `arn:aws:iam::${account}:role/Administrator`,
  `arn:aws:iam::${account}:role/goldsmith-admin`,
];

const request = (req: ScpRequirement, principal: string): ScpRequest => ({
  action: req.action,
  resource: req.resource,
  context: { 'aws:PrincipalArn': principal, 'aws:PrincipalIsAWSService': 'false', ...req.context },
});

/** One request the attached policies answer wrongly: left open to an outsider, or refused to Goldsmith's own role. */
export interface ScpGap {
  kind: 'open' | 'refuses-goldsmith';
  /** The `Sid` of the statement that should deny it (open) or exempt Goldsmith (refused). */
  statement: string;
  action: string;
  /** In people's words. */
  line: string;
}

/** Every request the attached policies `contents` leave open, and every call of Goldsmith's they refuse. */
export function scpGapList(
  contents: readonly string[],
  stage: string,
  account: string,
  region: string,
  roles?: RoleNames,
  deployer: string = DEFAULT_DEPLOYER,
  sinkSecrets: readonly string[] = [],
): ScpGap[] {
  const statements = contents.flatMap(scpStatements);
  const open = scpRequirements(stage, account, region, deployer, sinkSecrets).flatMap((req): ScpGap[] => {
    const allowed = outsiders(account).filter((p) => denyingStatement(statements, request(req, p)) === undefined);
    return allowed.length === 0
      ? []
      : [
          {
            kind: 'open',
            statement: req.statement,
            action: req.action,
            line: `${req.action} on ${req.resource} (${req.statement}) to ${allowed.join(' and ')}`,
          },
        ];
  });
  const refused = goldsmithOwnCalls({ stage, account, region, deployer, ...(roles ? { roles } : {}) }).flatMap(
    (req): ScpGap[] => {
      const by = denyingStatement(statements, request(req, req.role));
      return by === undefined
        ? []
        : [
            {
              kind: 'refuses-goldsmith',
              statement: req.statement,
              action: req.action,
              line: `${req.action} on ${req.resource} to ${req.role} (refused by ${by})`,
            },
          ];
    },
  );
  return [...open, ...refused];
}

/** What the attached policies `contents` leave open, and what they refuse Goldsmith itself, in people's words. */
export function scpGaps(
  contents: readonly string[],
  stage: string,
  account: string,
  region: string,
  roles?: RoleNames,
  deployer: string = DEFAULT_DEPLOYER,
): { open: string[]; refusesGoldsmith: string[] } {
  const gaps = scpGapList(contents, stage, account, region, roles, deployer);
  const lines = (kind: ScpGap['kind']) => gaps.filter((g) => g.kind === kind).map((g) => g.line);
  return { open: lines('open'), refusesGoldsmith: lines('refuses-goldsmith') };
}
