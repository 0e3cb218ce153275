import type { CfnTemplate, TemplateResolver } from '../simulator/intrinsics.js';
import { principalArnOf } from './bus-authorizer.js';
import { evaluate, type PolicyDocument } from './policies.js';

/**
 * The resource policies of Goldsmith's queues, topics, ledger table and signing secrets, and its roles' trust policies, as the
 * synthesized templates define them, applied to the calls the local cloud answers: a caller's identity policies
 * (the stacks' roles carry their synthesized ones; any other principal those the local cloud was given for it) plus
 * the resource's policy, evaluated by `@cloud-copilot/iam-simulate`. A same-account caller is allowed when either
 * policy allows and none denies (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 */

type Props = Record<string, unknown>;

/** One refusal, in the words the service answers with. */
export interface DoorRefusal {
  code: string;
  message: string;
  status: number;
}

function resourcesOf(templates: readonly CfnTemplate[], type: string): Props[] {
  return templates.flatMap((t) =>
    Object.values(t.Resources ?? {})
      .filter((r) => r.Type === type)
      .map((r) => r.Properties ?? {}),
  );
}

/** `arn:aws:sqs:<region>:<account>:<name>` of a queue URL `https://sqs.<region>.amazonaws.com/<account>/<name>`. */
export function queueArnOf(url: string): string {
  const m = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com\/(\d{12})\/(.+)$/.exec(url);
  return m ? `arn:aws:sqs:${m[1]}:${m[2]}:${m[3]}` : url;
}

export class ResourceDoors {
  private readonly queues = new Map<string, PolicyDocument>();
  private readonly topics = new Map<string, PolicyDocument>();
  private readonly tables = new Map<string, PolicyDocument>();
  private readonly trust = new Map<string, PolicyDocument>();
  /** Secrets' resource policies, by secret name. */
  private readonly secrets = new Map<string, PolicyDocument>();
  /**
   * Tags a role (or its sessions, through sts:TagSession) carries, by role ARN: they reach every request as
   * `aws:PrincipalTag/<key>` (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html).
   */
  readonly principalTags = new Map<string, Record<string, string>>();

  constructor(
    templates: readonly CfnTemplate[],
    resolver: TemplateResolver,
    private readonly identities: ReadonlyMap<string, readonly PolicyDocument[]>,
  ) {
    const { accountId, region } = resolver.env;
    for (const p of resourcesOf(templates, 'AWS::SQS::QueuePolicy')) {
      const resolved = resolver.resolve(p) as { Queues: string[]; PolicyDocument: PolicyDocument };
      for (const url of resolved.Queues) this.queues.set(queueArnOf(url), resolved.PolicyDocument);
    }
    for (const p of resourcesOf(templates, 'AWS::SNS::TopicPolicy')) {
      const resolved = resolver.resolve(p) as { Topics: string[]; PolicyDocument: PolicyDocument };
      for (const arn of resolved.Topics) this.topics.set(arn, resolved.PolicyDocument);
    }
    for (const p of resourcesOf(templates, 'AWS::DynamoDB::Table')) {
      const resolved = resolver.resolve(p) as {
        TableName?: string;
        ResourcePolicy?: { PolicyDocument: PolicyDocument };
      };
      if (resolved.TableName && resolved.ResourcePolicy) {
        this.tables.set(
          `arn:aws:dynamodb:${region}:${accountId}:table/${resolved.TableName}`,
          resolved.ResourcePolicy.PolicyDocument,
        );
      }
    }
    for (const r of templates.flatMap((t) => Object.values(t.Resources ?? {}))) {
      if (r.Type !== 'AWS::SecretsManager::ResourcePolicy') continue;
      const ref = (r.Properties?.SecretId as { Ref?: string } | undefined)?.Ref;
      if (ref === undefined) continue;
      this.secrets.set(resolver.physicalName(ref), resolver.resolve(r.Properties?.ResourcePolicy) as PolicyDocument);
    }
    for (const [id, r] of templates.flatMap((t) => Object.entries(t.Resources ?? {}))) {
      if (r.Type !== 'AWS::IAM::Role') continue;
      this.trust.set(resolver.arn(id), resolver.resolve(r.Properties?.AssumeRolePolicyDocument) as PolicyDocument);
    }
  }

  private async decide(principal: string, action: string, resource: string, policy: PolicyDocument | undefined) {
    const arn = principalArnOf(principal);
    const account = arn.split(':')[4] ?? '';
    const { decision } = await evaluate({
      principal: arn,
      action,
      resource,
      resourceAccount: resource.split(':')[4] ?? account,
      context: {
        'aws:PrincipalArn': arn,
        'aws:PrincipalAccount': account,
        ...Object.fromEntries(
          Object.entries(this.principalTags.get(arn) ?? {}).map(([k, v]) => [`aws:PrincipalTag/${k}`, v]),
        ),
      },
      identityPolicies: this.identities.get(arn) ?? [],
      resourcePolicy: policy,
    });
    return decision;
  }

  /**
   * sqs:SendMessage on a queue (URL or ARN). SQS answers AccessDeniedException, HTTP 400
   * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html).
   */
  async sqsSend(principal: string, queue: string): Promise<DoorRefusal | undefined> {
    const arn = queue.startsWith('arn:') ? queue : queueArnOf(queue);
    const decision = await this.decide(principal, 'sqs:SendMessage', arn, this.queues.get(arn));
    if (decision === 'Allowed') return undefined;
    return { code: 'AccessDeniedException', status: 400, message: `Access to the resource ${queue} is denied.` };
  }

  /**
   * sns:Publish on a topic. SNS answers AuthorizationError, HTTP 403
   * (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html, Errors).
   */
  async snsPublish(principal: string, topicArn: string): Promise<DoorRefusal | undefined> {
    const decision = await this.decide(principal, 'sns:Publish', topicArn, this.topics.get(topicArn));
    if (decision === 'Allowed') return undefined;
    return {
      code: 'AuthorizationError',
      status: 403,
      message: `User: ${principal} is not authorized to perform: SNS:Publish on resource: ${topicArn}${
        decision === 'ExplicitlyDenied' ? ' with an explicit deny in a resource-based policy' : ''
      }`,
    };
  }

  /**
   * A DynamoDB item write (`dynamodb:PutItem`, …) on a table. DynamoDB answers AccessDeniedException, HTTP 400,
   * naming the principal, the action, the table and the policy that denied it
   * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/rbac-auth-iam-id-based-policies-DDB.html).
   */
  async dynamoWrite(principal: string, action: string, tableArn: string): Promise<DoorRefusal | undefined> {
    const decision = await this.decide(principal, action, tableArn, this.tables.get(tableArn));
    if (decision === 'Allowed') return undefined;
    return {
      code: 'AccessDeniedException',
      status: 400,
      message: `User: ${principal} is not authorized to perform: ${action} on resource: ${tableArn} ${
        decision === 'ExplicitlyDenied'
          ? 'with an explicit deny in a resource-based policy'
          : 'because no identity-based policy allows the action'
      }`,
    };
  }

  /**
   * A Secrets Manager call on a secret named `name` (with `arn`, what the caller named): `action` is
   * secretsmanager:GetSecretValue, PutSecretValue, UpdateSecretVersionStage… Secrets Manager answers
   * AccessDeniedException, HTTP 400
   * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html, Errors; the secret's own
   * policy's explicit deny overrides the caller's allow:
   * https://docs.aws.amazon.com/secretsmanager/latest/userguide/determine-acccess_examine-iam-policies.html).
   */
  async secretCall(principal: string, action: string, name: string, arn: string): Promise<DoorRefusal | undefined> {
    const decision = await this.decide(principal, action, arn, this.secrets.get(name));
    if (decision === 'Allowed') return undefined;
    return {
      code: 'AccessDeniedException',
      status: 400,
      message: `User: ${principal} is not authorized to perform: ${action} on resource: ${name} ${
        decision === 'ExplicitlyDenied'
          ? 'with an explicit deny in a resource-based policy'
          : `because no identity-based policy allows the ${action} action`
      }`,
    };
  }

  /** secretsmanager:GetSecretValue on a secret named `name` ({@link secretCall}). */
  secretRead(principal: string, name: string, arn: string): Promise<DoorRefusal | undefined> {
    return this.secretCall(principal, 'secretsmanager:GetSecretValue', name, arn);
  }

  /** Whether the caller's identity policies let it pass `roleArn` to Scheduler (iam:PassRole). */
  async mayPassRole(principal: string, roleArn: string): Promise<boolean> {
    const arn = principalArnOf(principal);
    const { decision } = await evaluate({
      principal: arn,
      action: 'iam:PassRole',
      resource: roleArn,
      resourceAccount: roleArn.split(':')[4] ?? '',
      context: {
        'aws:PrincipalArn': arn,
        'aws:PrincipalAccount': arn.split(':')[4] ?? '',
        'iam:PassedToService': 'scheduler.amazonaws.com',
      },
      identityPolicies: this.identities.get(arn) ?? [],
    });
    return decision === 'Allowed';
  }

  /**
   * Whether Scheduler may assume `roleArn` for the schedule `scheduleArn`: the role's trust policy, with the
   * schedule's ARN as `aws:SourceArn` and its account as `aws:SourceAccount`
   * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html).
   */
  async schedulerMayAssume(roleArn: string, scheduleArn: string): Promise<boolean> {
    const trust = this.trust.get(roleArn);
    if (!trust) return false;
    const account = scheduleArn.split(':')[4] ?? '';
    const { decision } = await evaluate({
      principal: 'scheduler.amazonaws.com',
      action: 'sts:AssumeRole',
      resource: roleArn,
      resourceAccount: roleArn.split(':')[4] ?? '',
      context: { 'aws:SourceArn': scheduleArn, 'aws:SourceAccount': account },
      identityPolicies: [],
      resourcePolicy: trust,
    });
    return decision === 'Allowed';
  }
}
