/**
 * What `goldsmith preflight` holds the factory account's service control policies to (pure): every action
 * docs/security/scp.md's SCP denies on Goldsmith's resources, on a resource named as the stacks name it, must be refused to
 * principals that are not Goldsmith's (an administrator, and a role whose name merely contains "goldsmith"), and the
 * calls Goldsmith's own roles make must not be. Each request is evaluated against the attached policies' Deny
 * statements (scp-evaluate.ts), so a Deny that names Goldsmith but misses an action, a resource pattern, or exempts
 * everyone through its condition is found.
 */
import { denyingStatement, type ScpRequest, scpStatements } from './scp-evaluate.js';

/** One documented denial: an action on a resource of Goldsmith's, and the statement of docs/security/scp.md that denies it. */
export interface ScpRequirement {
  /** The `Sid` of docs/security/scp.md's statement that holds it. */
  statement: string;
  action: string;
  resource: string;
  /** Context keys of the request besides the principal (tags). */
  context?: Readonly<Record<string, string | readonly string[]>>;
}

/** Goldsmith's resources as the stacks name them for `stage` in `account` and `region` (core/names.ts, stacks/). */
function resources(stage: string, account: string, region: string) {
  const at = (service: string, rest: string) => `arn:aws:${service}:${region}:${account}:${rest}`;
  return {
    function: at('lambda', `function:${stage}-goldsmith-Promotion-Operator`),
    pointer: at('ssm', 'parameter/goldsmith/base/prod'),
    revocationSchedule: at('scheduler', `schedule/goldsmith-${stage}-revocations/revoke-base-1-0-0-1`),
    fixedSchedule: at('scheduler', `schedule/${stage}-goldsmith-Promotion/reconcile`),
    forwardingRule: at('events', `rule/${stage}-goldsmith-findings-to-home`),
    homeRule: at('events', `rule/${stage}-goldsmith-Promotion-ImageStateRule`),
    notifications: at('sns', `goldsmith-${stage}-notifications`),
    approvalLinks: at('sns', `goldsmith-${stage}-approval-links`),
    deadLetters: at('sqs', `${stage}-goldsmith-Promotion-ReconcileDlq`),
    ledger: at('dynamodb', `table/goldsmith-${stage}-ledger`),
    linkKey: at('secretsmanager', `secret:goldsmith/${stage}/approval-links-AbCdEf`),
    decisionKey: at('secretsmanager', `secret:goldsmith/${stage}/approval-decisions-AbCdEf`),
    ami: `arn:aws:ec2:${region}::image/ami-0123456789abcdef0`,
    promotion: at('states', 'stateMachine:PromotionStateMachine1A2B3C4D-AbCdEf123456'),
  };
}

/** Every denial the documented SCPs make, as requests an outsider would send. */
export function scpRequirements(stage: string, account: string, region: string): ScpRequirement[] {
  const r = resources(stage, account, region);
  const each = (statement: string, actions: readonly string[], resource: string, context?: ScpRequirement['context']) =>
    actions.map((action) => ({ statement, action, resource, ...(context ? { context } : {}) }));
  const managed = { 'aws:ResourceTag/goldsmith:managed-by': 'goldsmith' };
  return [
    ...each('FunctionsOnlyByGoldsmith', ['lambda:InvokeFunction'], r.function),
    // DeleteParameters (up to ten names a call) is an IAM action of its own, authorized on each parameter, beside
    // DeleteParameter: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
    ...each(
      'PointersOnlyByGoldsmith',
      ['ssm:PutParameter', 'ssm:DeleteParameter', 'ssm:DeleteParameters', 'ssm:LabelParameterVersion'],
      r.pointer,
    ),
    ...each('SchedulesOnlyByGoldsmith', ['scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'], r.revocationSchedule),
    ...each('SchedulesOnlyByGoldsmith', ['scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'], r.fixedSchedule),
    ...[r.forwardingRule, r.homeRule].flatMap((rule) =>
      each(
        'RulesOnlyByTheDeployment',
        ['events:DisableRule', 'events:DeleteRule', 'events:PutRule', 'events:PutTargets', 'events:RemoveTargets'],
        rule,
      ),
    ),
    // PutPermission and RemovePermission name no resource type: IAM and SCPs see `*`, whichever bus they change.
    ...each('BusPoliciesOnlyByTheDeployment', ['events:PutPermission', 'events:RemovePermission'], '*'),
    ...[r.notifications, r.approvalLinks].flatMap((topic) => [
      ...each(
        'SubscriptionsOnlyByTheDeployment',
        ['sns:Subscribe', 'sns:Unsubscribe', 'sns:SetSubscriptionAttributes'],
        topic,
      ),
      ...each('DoorPoliciesOnlyByTheDeployment', ['sns:SetTopicAttributes'], topic),
      ...each('DoorsOnlyByTheDeployment', ['sns:AddPermission', 'sns:RemovePermission'], topic),
      ...each('TopicsAndQueuesOnlyByTheDeployment', ['sns:DeleteTopic', 'sns:PutDataProtectionPolicy'], topic),
    ]),
    ...each('DoorPoliciesOnlyByTheDeployment', ['sqs:SetQueueAttributes'], r.deadLetters),
    ...each('DoorsOnlyByTheDeployment', ['sqs:AddPermission', 'sqs:RemovePermission'], r.deadLetters),
    ...each('TopicsAndQueuesOnlyByTheDeployment', ['sqs:DeleteQueue'], r.deadLetters),
    ...each('DeadLettersOnlyByGoldsmith', ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:PurgeQueue'], r.deadLetters),
    ...each('DoorsOnlyByTheDeployment', ['dynamodb:PutResourcePolicy', 'dynamodb:DeleteResourcePolicy'], r.ledger),
    ...each(
      'LedgerOnlyByTheDeployment',
      ['dynamodb:DeleteTable', 'dynamodb:UpdateTable', 'dynamodb:UpdateTimeToLive'],
      r.ledger,
    ),
    ...[r.linkKey, r.decisionKey].flatMap((key) => [
      ...each('SigningKeysOnlyByGoldsmith', ['secretsmanager:GetSecretValue'], key),
      ...each(
        'SigningKeysOnlyByTheDeployment',
        ['secretsmanager:PutSecretValue', 'secretsmanager:PutResourcePolicy', 'secretsmanager:DeleteSecret'],
        key,
      ),
    ]),
    ...each('AmisOnlyByGoldsmith', ['ec2:ModifyImageAttribute', 'ec2:DeleteTags'], r.ami, managed),
    ...each('GoldsmithTagsOnlyByGoldsmith', ['ec2:CreateTags'], r.ami, { 'aws:TagKeys': ['goldsmith:managed-by'] }),
  ];
}

/** The calls Goldsmith's own roles make that no SCP may refuse them (else Goldsmith itself stops). */
export function goldsmithOwnCalls(
  stage: string,
  account: string,
  region: string,
): (ScpRequirement & { role: string })[] {
  const r = resources(stage, account, region);
  const role = (name: string) => `arn:aws:iam::${account}:role/${stage}-goldsmith-Promotion-${name}`;
  return [
    {
      statement: 'PointersOnlyByGoldsmith',
      action: 'ssm:PutParameter',
      resource: r.pointer,
      role: role('PromotionPublish'),
    },
    {
      statement: 'SigningKeysOnlyByGoldsmith',
      action: 'secretsmanager:GetSecretValue',
      resource: r.linkKey,
      role: role('ApprovalCallback'),
    },
    {
      statement: 'SubscriptionsOnlyByTheDeployment',
      action: 'sns:Unsubscribe',
      resource: `${r.approvalLinks}:0123abcd-4567-89ef-0123-456789abcdef`,
      role: `arn:aws:iam::${account}:role/${stage}-goldsmith-Notifications-AuditDoors`,
    },
    {
      statement: 'RulesOnlyByTheDeployment',
      action: 'events:PutRule',
      resource: r.forwardingRule,
      role: role('Reconcile'),
    },
    // The policies auditor puts a door's policy back (functions/audit-policies.ts).
    ...[
      { statement: 'DoorPoliciesOnlyByTheDeployment', action: 'sns:SetTopicAttributes', resource: r.notifications },
      { statement: 'DoorPoliciesOnlyByTheDeployment', action: 'sqs:SetQueueAttributes', resource: r.deadLetters },
      { statement: 'BusPoliciesOnlyByTheDeployment', action: 'events:PutPermission', resource: '*' },
    ].map((call) => ({ ...call, role: `arn:aws:iam::${account}:role/${stage}-goldsmith-Monitoring-AuditPolicies` })),
    {
      statement: 'SchedulesOnlyByGoldsmith',
      action: 'scheduler:DeleteSchedule',
      resource: r.revocationSchedule,
      role: role('Operator'),
    },
    {
      statement: 'AmisOnlyByGoldsmith',
      action: 'ec2:ModifyImageAttribute',
      resource: r.ami,
      role: role('PromotionShare'),
      context: { 'aws:ResourceTag/goldsmith:managed-by': 'goldsmith' },
    },
    // The on-finding function's role is named by its stack, not after it (docs/security/scp.md exempts it by name).
    ...[
      { statement: 'PointersOnlyByGoldsmith', action: 'ssm:PutParameter', resource: r.pointer },
      {
        statement: 'AmisOnlyByGoldsmith',
        action: 'ec2:ModifyImageAttribute',
        resource: r.ami,
        context: { 'aws:ResourceTag/goldsmith:managed-by': 'goldsmith' },
      },
      { statement: 'StateMachinesOnlyByGoldsmith', action: 'states:StartExecution', resource: r.promotion },
    ].map((call) => ({ ...call, role: `arn:aws:iam::${account}:role/goldsmith-${stage}-on-finding` })),
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
  /** The `Sid` of docs/security/scp.md's statement that should deny it (open) or exempt Goldsmith (refused). */
  statement: string;
  action: string;
  /** In people's words. */
  line: string;
}

/** Every request the attached policies `contents` leave open, and every call of Goldsmith's they refuse. */
export function scpGapList(contents: readonly string[], stage: string, account: string, region: string): ScpGap[] {
  const statements = contents.flatMap(scpStatements);
  const open = scpRequirements(stage, account, region).flatMap((req): ScpGap[] => {
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
  const refused = goldsmithOwnCalls(stage, account, region).flatMap((req): ScpGap[] => {
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
  });
  return [...open, ...refused];
}

/** What the attached policies `contents` leave open, and what they refuse Goldsmith itself, in people's words. */
export function scpGaps(
  contents: readonly string[],
  stage: string,
  account: string,
  region: string,
): { open: string[]; refusesGoldsmith: string[] } {
  const gaps = scpGapList(contents, stage, account, region);
  const lines = (kind: ScpGap['kind']) => gaps.filter((g) => g.kind === kind).map((g) => g.line);
  return { open: lines('open'), refusesGoldsmith: lines('refuses-goldsmith') };
}
