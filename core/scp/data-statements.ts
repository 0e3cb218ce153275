/**
 * The service control policy's statements about Goldsmith's data (pure): the AMIs, the pointers and their shares, the
 * subscriptions, topics and queues, the ledger, the signing keys and the alarms. Part of the policy
 * core/scp/statements.ts writes.
 */
import { operatorsRoleName } from '../names.js';
import { managed, PARAMETER_WRITES, type StatementContext } from './context.js';
import { DOORS_AUDITOR, OPERATOR } from './roles.js';
import type { ScpStatementSpec } from './spec.js';

/** What changes a secret's value, versions, replicas or policy. */
export const SECRET_WRITES = [
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecret',
  'secretsmanager:UpdateSecretVersionStage',
  'secretsmanager:RotateSecret',
  'secretsmanager:CancelRotateSecret',
  'secretsmanager:DeleteSecret',
  'secretsmanager:RestoreSecret',
  'secretsmanager:PutResourcePolicy',
  'secretsmanager:DeleteResourcePolicy',
  'secretsmanager:ReplicateSecretToRegions',
  'secretsmanager:RemoveRegionsFromReplication',
  'secretsmanager:StopReplicationToReplica',
] as const;

/** Who shares the AMIs and writes the pointers. */
export function amiAndPointerStatements(c: StatementContext): ScpStatementSpec[] {
  const { r, cdk, own, onFinding } = c;
  return [
    {
      sid: 'AmisOnlyByGoldsmith',
      // ResetImageAttribute takes the launch permissions away as ModifyImageAttribute does, DisableImage "removes all
      // launch permissions from the AMI" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DisableImage.html);
      // each is authorized on the image with its tags as condition keys
      // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html).
      actions: ['ec2:ModifyImageAttribute', 'ec2:ResetImageAttribute', 'ec2:DisableImage', 'ec2:DeleteTags'],
      resources: ['arn:aws:ec2:*::image/*'],
      conditions: { StringEquals: managed },
      exempt: [own, onFinding],
      samples: [{ resource: r.ami, context: managed }],
    },
    {
      sid: 'PointersOnlyByGoldsmith',
      actions: [...PARAMETER_WRITES, 'ssm:PutResourcePolicy', 'ssm:DeleteResourcePolicy'],
      resources: ['arn:aws:ssm:*:*:parameter/goldsmith/*'],
      exempt: [cdk, own, onFinding],
      samples: [{ resource: r.pointer }],
    },
  ];
}

/** Who subscribes to and deletes the topics and queues. */
export function subscriptionStatements(c: StatementContext): ScpStatementSpec[] {
  const { r, P, cdk, fn, topics, topicSamples } = c;
  return [
    {
      sid: 'SubscriptionsOnlyByTheDeployment',
      actions: ['sns:Subscribe', 'sns:SetSubscriptionAttributes', 'sns:Unsubscribe'],
      resources: topics,
      exempt: [cdk, fn(DOORS_AUDITOR)],
      samples: topicSamples,
    },
    {
      sid: 'TopicsAndQueuesOnlyByTheDeployment',
      actions: ['sns:DeleteTopic', 'sns:PutDataProtectionPolicy', 'sqs:DeleteQueue'],
      resources: [...topics, `arn:aws:sqs:*:*:${P}*`],
      exempt: [cdk],
      samples: [...topicSamples, { resource: r.deadLetters }],
    },
  ];
}

/** Who reads the dead letters and signing keys, and changes the ledger, the keys, the pointers' shares and the alarms. */
export function storeStatements(c: StatementContext): ScpStatementSpec[] {
  const { options, stage, region, r, P, role, cdk, own, onFinding, fn, keys } = c;
  return [
    {
      sid: 'DeadLettersOnlyByGoldsmith',
      actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:PurgeQueue'],
      resources: [`arn:aws:sqs:*:*:${P}*`],
      exempt: [cdk, own],
      samples: [{ resource: r.deadLetters }],
    },
    {
      sid: 'LedgerOnlyByTheDeployment',
      actions: ['dynamodb:DeleteTable', 'dynamodb:UpdateTable', 'dynamodb:UpdateTimeToLive'],
      resources: [`arn:aws:dynamodb:*:*:table/goldsmith-${stage}-*`],
      exempt: [cdk],
      samples: [{ resource: r.ledger }],
    },
    {
      sid: 'SigningKeysOnlyByGoldsmith',
      actions: ['secretsmanager:GetSecretValue'],
      resources: keys,
      exempt: [own],
      samples: [{ resource: r.linkKey }, { resource: r.decisionKey }],
    },
    {
      sid: 'SigningKeysOnlyByTheDeployment',
      actions: [...SECRET_WRITES],
      resources: keys,
      exempt: [cdk, fn(OPERATOR), role(options.keyRotator)],
      samples: [{ resource: r.linkKey }, { resource: r.decisionKey }],
    },
    {
      // Share ARNs carry an id, not the name: matched by the ram:ResourceShareName condition key the four actions take.
      sid: 'PointerSharesOnlyByGoldsmith',
      actions: [
        'ram:AssociateResourceShare',
        'ram:DisassociateResourceShare',
        'ram:UpdateResourceShare',
        'ram:DeleteResourceShare',
      ],
      resources: ['arn:aws:ram:*:*:resource-share/*'],
      conditions: { StringLike: { 'ram:ResourceShareName': 'goldsmith-pointers-*' } },
      exempt: [cdk, own, onFinding],
      samples: [
        {
          resource: `arn:aws:ram:${region}:${r.account}:resource-share/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d`,
          context: { 'ram:ResourceShareName': 'goldsmith-pointers-prod' },
        },
      ],
    },
    {
      // Every write on an alarm (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html):
      // creating or replacing one under Goldsmith's names (a metric, composite or log alarm: the notifications topic
      // admits the alarms named after Goldsmith's stacks, so one made under that prefix would speak in its name),
      // deleting one, forging its state (SetAlarmState: its actions run, the re-drive's rule reads it), turning its
      // actions off or muting them (DisableAlarmActions, PutAlarmMuteRule, authorized on the alarms it mutes), and its
      // tags.
      sid: 'AlarmsOnlyByTheDeployment',
      actions: [
        'cloudwatch:PutMetricAlarm',
        'cloudwatch:PutCompositeAlarm',
        'cloudwatch:PutLogAlarm',
        'cloudwatch:DeleteAlarms',
        'cloudwatch:SetAlarmState',
        'cloudwatch:DisableAlarmActions',
        'cloudwatch:EnableAlarmActions',
        'cloudwatch:PutAlarmMuteRule',
        'cloudwatch:TagResource',
        'cloudwatch:UntagResource',
      ],
      resources: [`arn:aws:cloudwatch:*:*:alarm:${P}*`],
      exempt: [cdk],
      samples: [{ resource: r.alarm }],
    },
    ...sinkSecretStatements(c),
  ];
}

/**
 * The chat sinks' secrets (the Teams workflow URL, each webhook's signing key, Slack's token), which the operator
 * creates and the stacks give a resource policy (stacks/notifications/sink-secret-policy.ts): read only by
 * Goldsmith's roles (each relay reads its own), and their values and policies changed only by the deployment and the
 * operators' role. A reader of a webhook's key signs deliveries its receiver accepts; a reader of the Teams URL posts
 * in the channel. Matched by name: Secrets Manager adds `-` and six characters to a secret's name in its ARN.
 */
function sinkSecretStatements(c: StatementContext): ScpStatementSpec[] {
  const { options, region, r, role, cdk, own, stage } = c;
  const names = options.sinkSecrets ?? [];
  if (names.length === 0) return [];
  const resources = names.map((n) => `arn:aws:secretsmanager:*:*:secret:${n}-??????`);
  const samples = names.map((n) => ({ resource: `arn:aws:secretsmanager:${region}:${r.account}:secret:${n}-AbCdEf` }));
  return [
    {
      sid: 'SinkSecretsOnlyByGoldsmith',
      actions: ['secretsmanager:GetSecretValue'],
      resources,
      exempt: [own],
      samples,
    },
    {
      sid: 'SinkSecretsOnlyByTheDeployment',
      actions: [...SECRET_WRITES],
      resources,
      exempt: [cdk, role(operatorsRoleName(stage))],
      samples,
    },
  ];
}
