import { beforeAll, describe, expect, it } from 'vitest';
import { TemplateResolver } from '../../local/simulator/intrinsics.js';
import type { SynthesizedApp } from '../../local/simulator/synth.js';
import { evaluate, type PolicyDocument, rolePoliciesByArn } from '../../local/trust/policies.js';
import { queueArnOf, ResourceDoors } from '../../local/trust/resource-doors.js';
import { exampleLocalApp } from './local-app.js';

/**
 * Every queue, topic and Scheduler role of the synthesized stacks, as AWS would evaluate their policies: writes only
 * by principals named by identity (role ARN, or a service acting for Goldsmith's own rule or alarm), never by a tag.
 */

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const ATTACKER = `arn:aws:iam::${ACCOUNT}:role/attacker`;

type Resource = { Type: string; Properties?: Record<string, unknown> };
type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
};
let app: SynthesizedApp;
let resolver: TemplateResolver;
let roles: Map<string, PolicyDocument[]>;

function resources(type: string): [string, Resource][] {
  return app.templates.flatMap((t) => Object.entries(t.Resources ?? {}).filter(([, r]) => r.Type === type));
}

function resolved<T>(r: Resource): T {
  return resolver.resolve(r.Properties) as T;
}

/** The deny that keeps writers out, from a resource policy. */
function writersDeny(policy: PolicyDocument, action: string): Statement {
  const deny = (policy.Statement as Statement[]).find(
    (s) => s.Effect === 'Deny' && [s.Action].flat().includes(action) && s.Condition?.ArnNotLike !== undefined,
  );
  if (!deny) throw new Error(`no deny of ${action}`);
  return deny;
}

async function decide(
  principal: string | { service: string; sourceArn: string },
  action: string,
  resource: string,
  policy: PolicyDocument,
) {
  const isService = typeof principal !== 'string';
  const { decision } = await evaluate({
    principal: isService ? principal.service : principal,
    action,
    resource,
    resourceAccount: ACCOUNT,
    context: isService
      ? { 'aws:SourceArn': principal.sourceArn, 'aws:SourceAccount': ACCOUNT }
      : { 'aws:PrincipalArn': principal, 'aws:PrincipalAccount': ACCOUNT },
    identityPolicies: isService
      ? []
      : (roles.get(principal) ?? [
          { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
        ]),
    resourcePolicy: policy,
  });
  return decision;
}

beforeAll(async () => {
  app = await exampleLocalApp(ACCOUNT);
  resolver = new TemplateResolver(app.templates, { accountId: ACCOUNT, region: REGION });
  roles = rolePoliciesByArn(app.templates, resolver);
}, 180_000);

describe("the queues' and topics' resource policies, simulated as synthesized (iam-simulate)", () => {
  it('gives every SQS queue a policy that denies sqs:SendMessage to all but named roles and rules', async () => {
    const queues = resources('AWS::SQS::Queue').map(([id]) => queueArnOf(resolver.ref(id)));
    const policies = new Map(
      resources('AWS::SQS::QueuePolicy').flatMap(([, r]) => {
        const p = resolved<{ Queues: string[]; PolicyDocument: PolicyDocument }>(r);
        return p.Queues.map((url) => [queueArnOf(url), p.PolicyDocument] as const);
      }),
    );
    expect(queues.length).toBeGreaterThanOrEqual(8);
    for (const queue of queues) {
      const policy = policies.get(queue);
      expect(policy, queue).toBeDefined();
      const deny = writersDeny(policy as PolicyDocument, 'sqs:SendMessage');
      expect(JSON.stringify(deny)).not.toContain('PrincipalTag');
      const named = deny.Condition?.ArnNotLike?.['aws:PrincipalArn'] as string[];
      expect(named.length, queue).toBeGreaterThan(0);
      expect(await decide(ATTACKER, 'sqs:SendMessage', queue, policy as PolicyDocument), queue).toBe(
        'ExplicitlyDenied',
      );
      for (const role of named) {
        expect(await decide(role, 'sqs:SendMessage', queue, policy as PolicyDocument), `${role} → ${queue}`).toBe(
          'Allowed',
        );
      }
      // EventBridge delivers a rule's dead letters with that rule's ARN: each rule the queue admits still can.
      for (const rule of [deny.Condition?.ArnNotLike?.['aws:SourceArn'] ?? []].flat() as string[]) {
        const service = { service: 'events.amazonaws.com', sourceArn: rule };
        expect(await decide(service, 'sqs:SendMessage', queue, policy as PolicyDocument), rule).toBe('Allowed');
      }
    }
  });

  it('gives every SNS topic a policy that denies sns:Publish to all but named roles and its own alarms', async () => {
    const topics = resources('AWS::SNS::Topic').map(([id]) => resolver.arn(id));
    const policies = new Map(
      resources('AWS::SNS::TopicPolicy').flatMap(([, r]) => {
        const p = resolved<{ Topics: string[]; PolicyDocument: PolicyDocument }>(r);
        return p.Topics.map((arn) => [arn, p.PolicyDocument] as const);
      }),
    );
    expect(topics.length).toBe(3);
    for (const topic of topics) {
      const policy = policies.get(topic) as PolicyDocument;
      expect(policy, topic).toBeDefined();
      const deny = writersDeny(policy, 'sns:Publish');
      expect(JSON.stringify(deny)).not.toContain('PrincipalTag');
      expect(await decide(ATTACKER, 'sns:Publish', topic, policy), topic).toBe('ExplicitlyDenied');
      for (const role of (deny.Condition?.ArnNotLike?.['aws:PrincipalArn'] ?? []) as string[]) {
        if (roles.has(role)) expect(await decide(role, 'sns:Publish', topic, policy), role).toBe('Allowed');
      }
    }
    const notifications = topics.find((t) => t.endsWith('-notifications')) as string;
    const policy = policies.get(notifications) as PolicyDocument;
    const fromAlarm = (name: string) =>
      decide(
        { service: 'cloudwatch.amazonaws.com', sourceArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}` },
        'sns:Publish',
        notifications,
        policy,
      );
    // Goldsmith's alarms are admitted by the Monitoring stack's name pattern (the SCP keeps that pattern the
    // deployment's: test/unit/scp/scp-attacks.test.ts); anyone else's alarm is refused.
    expect(await fromAlarm('local-goldsmith-Monitoring-DlqAlarm-ABC')).not.toBe('ExplicitlyDenied');
    expect(await fromAlarm('someone-elses-alarm')).toBe('ExplicitlyDenied');
  });

  it("gives each sink's secret a policy: read only by its readers, changed only by the deployment and the operators", async () => {
    // The approval signing keys' policies are theirs (test/stacks/signing-keys.test.ts): the one on a sink's secret.
    const guards = resources('AWS::SecretsManager::ResourcePolicy')
      .map(([, r]) => resolved<{ SecretId: string; ResourcePolicy: PolicyDocument }>(r))
      .filter((p) => p.SecretId === 'goldsmith/slack');
    expect(guards).toHaveLength(1);
    const { ResourcePolicy } = guards[0] as { ResourcePolicy: PolicyDocument };
    const secret = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:goldsmith/slack-AbCdEf`;
    const readers = writersDeny(ResourcePolicy, 'secretsmanager:GetSecretValue').Condition?.ArnNotLike?.[
      'aws:PrincipalArn'
    ] as string[];
    // The Slack function and the approval callback (Slack's interactivity), nobody else.
    expect(readers).toEqual([
      expect.stringContaining('Notifications-SlackNotify'),
      expect.stringContaining('Promotion-ApprovalCallback'),
    ]);
    for (const reader of readers)
      expect(await decide(reader, 'secretsmanager:GetSecretValue', secret, ResourcePolicy), reader).toBe('Allowed');
    expect(await decide(ATTACKER, 'secretsmanager:GetSecretValue', secret, ResourcePolicy)).toBe('ExplicitlyDenied');
    for (const action of ['PutSecretValue', 'PutResourcePolicy', 'DeleteResourcePolicy', 'DeleteSecret']) {
      expect(await decide(ATTACKER, `secretsmanager:${action}`, secret, ResourcePolicy), action).toBe(
        'ExplicitlyDenied',
      );
      // A reader may not change it either (a relay role holding a key it could replace).
      expect(await decide(readers[0] as string, `secretsmanager:${action}`, secret, ResourcePolicy)).toBe(
        'ExplicitlyDenied',
      );
    }
    // The operators' role's own policy grants it no write: the resource policy leaves it the door, no more.
    const operators = `arn:aws:iam::${ACCOUNT}:role/goldsmith-local-operators`;
    expect(await decide(operators, 'secretsmanager:PutSecretValue', secret, ResourcePolicy)).not.toBe(
      'ExplicitlyDenied',
    );
    const exec = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`;
    expect(await decide(exec, 'secretsmanager:PutResourcePolicy', secret, ResourcePolicy)).toBe('Allowed');
  });

  it('lets only the approval request publish approval links', () => {
    const [, links] =
      resources('AWS::SNS::TopicPolicy').find(([id]) => id.startsWith('ApprovalLinksTopicPolicy')) ?? [];
    const deny = writersDeny(
      resolved<{ PolicyDocument: PolicyDocument }>(links as Resource).PolicyDocument,
      'sns:Publish',
    );
    expect(deny.Condition?.ArnNotLike?.['aws:PrincipalArn']).toEqual([
      `arn:aws:iam::${ACCOUNT}:role/local-goldsmith-Promotion-PromotionRequestApproval`,
    ]);
  });

  it.each([
    ['approval links', 'ApprovalLinksTopicPolicy'],
    ['notifications (mail and Slack: unsubscribed, every alert is silenced)', 'Notifications'],
  ])(
    'denies subscribing to, re-filtering or unsubscribing from the %s to all but the deployment',
    async (_, prefix) => {
      const [, found] = resources('AWS::SNS::TopicPolicy').find(([id]) => id.startsWith(prefix)) ?? [];
      const { Topics, PolicyDocument: policy } = resolved<{ Topics: string[]; PolicyDocument: PolicyDocument }>(
        found as Resource,
      );
      const topic = Topics[0] as string;
      const deployment = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`;
      for (const action of ['sns:Subscribe', 'sns:SetSubscriptionAttributes', 'sns:Unsubscribe']) {
        expect(await decide(ATTACKER, action, topic, policy), action).toBe('ExplicitlyDenied');
        expect(await decide(deployment, action, topic, policy), action).not.toBe('ExplicitlyDenied');
      }
    },
  );
});

describe("the Scheduler roles' trust", () => {
  it('names the source ARN of a Goldsmith schedule group in every Scheduler role, and no schedule is in default', async () => {
    const doors = new ResourceDoors(app.templates, resolver, roles);
    const groups = new Set(
      resources('AWS::Scheduler::ScheduleGroup').map(([, r]) => resolved<{ Name: string }>(r).Name),
    );
    const schedulerRoles = resources('AWS::IAM::Role').filter(([, r]) =>
      JSON.stringify(r.Properties?.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'),
    );
    expect(schedulerRoles.length).toBeGreaterThanOrEqual(8);
    for (const [id, r] of schedulerRoles) {
      const trust = resolved<{ AssumeRolePolicyDocument: PolicyDocument }>(r).AssumeRolePolicyDocument;
      const [statement] = trust.Statement as Statement[];
      const source = statement?.Condition?.ArnLike?.['aws:SourceArn'] as string;
      expect(source, id).toMatch(new RegExp(`^arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/[^/*]+/\\*$`));
      expect(groups, id).toContain(source.split('/')[1]);
      const role = resolver.arn(id);
      const attackers = `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/${id}`;
      expect(await doors.schedulerMayAssume(role, attackers), id).toBe(false);
      expect(await doors.schedulerMayAssume(role, source.replace('*', 'any')), id).toBe(true);
    }
    // Every fixed schedule is in a group of Goldsmith's, and its role's trust admits its own ARN.
    for (const [id, r] of resources('AWS::Scheduler::Schedule')) {
      const p = resolved<{ GroupName?: string; Target: { RoleArn: string } }>(r);
      expect(groups, id).toContain(p.GroupName);
      const arn = `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${p.GroupName}/${id}`;
      expect(await doors.schedulerMayAssume(p.Target.RoleArn, arn), id).toBe(true);
    }
  });
});
