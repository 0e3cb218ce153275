import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import { App } from 'sst/constructs';
import { operatorsRoleName } from '../../core/names.js';
import { SECRET_WRITES } from '../../core/scp/data-statements.js';
import { grantSecretValue } from '../grants.js';
import { admitRole, subscriptionManagers, writersOnly } from '../resource-doors.js';

/**
 * The chat sinks' secrets (the Teams workflow URL, each webhook's signing key, Slack's token and signing secret) are
 * the operator's, created before the deploy (docs/notifications-sinks.md); the stacks give each a resource policy, as
 * the approval signing keys have (stacks/promotion/signing-keys.ts): `ReadOnlyByItsSink` denies GetSecretValue to
 * every principal but the roles that read it (the sink's function; Slack's also the approval callback), and
 * `SecretOnlyByTheDeployment` denies changing its value, versions, replicas or policy to every principal but the
 * CDK execution role and the operators' role (`goldsmith-<stage>-operators`, which puts a new URL or key). An
 * explicit deny in a secret's resource policy holds whatever the caller's own IAM allows
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resource-policies.html), so a
 * developer with `SecretsManagerReadWrite` reads no key to sign "genuine" deliveries with. The policy is attached by
 * name to the secret the stack did not create (`AWS::SecretsManager::ResourcePolicy`, whose `SecretId` is "the ARN or
 * name of the secret": https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-secretsmanager-resourcepolicy.html);
 * removing the stack removes it. The SCP repeats both (`SinkSecretsOnlyByGoldsmith`, `SinkSecretsOnlyByTheDeployment`:
 * docs/security/scp.md) and preflight checks the policy is in force (aws/preflight/preflight-sink-secrets.ts).
 */

/** The door (stacks/resource-doors.ts) of a sink's secret: its readers register through it. */
const doorOf = (secretName: string) => `sink-secret:${secretName}`;

/** The statement ids the policy holds (preflight names them). */
export const SINK_SECRET_STATEMENTS = ['ReadOnlyByItsSink', 'SecretOnlyByTheDeployment'] as const;

/** Which secrets have their policy in this app already (one per secret, whichever function reads it first). */
const guarded = new WeakMap<IConstruct, Set<string>>();

/** Lets `fn` read sink secret `secretName` (GetSecretValue on it alone) and admits its role through the secret's policy. */
export function grantSinkSecret(
  fn: lambda.IFunction & IConstruct,
  secretId: string,
  secretName: string,
  policyScope: IConstruct = fn,
): void {
  grantSecretValue(fn, secretsmanager.Secret.fromSecretNameV2(policyScope, secretId, secretName));
  admitRole(fn, doorOf(secretName), fn.role);
}

/**
 * Attaches the resource policy of sink secret `secretName` in `scope`'s stack, once per app (the Slack secret is read
 * by two stacks' functions: the one that makes its relay attaches it; the callback's role registers from its own).
 */
export function guardSinkSecret(scope: IConstruct, id: string, secretName: string): void {
  const root = scope.node.root;
  const done = guarded.get(root) ?? new Set<string>();
  guarded.set(root, done);
  if (done.has(secretName)) return;
  done.add(secretName);
  const stage = root instanceof App ? root.stage : 'local';
  const readers = writersOnly(scope, doorOf(secretName), {
    sid: 'ReadOnlyByItsSink',
    actions: ['secretsmanager:GetSecretValue'],
    resource: '*',
  });
  const admins = new iam.PolicyStatement({
    sid: 'SecretOnlyByTheDeployment',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: [...SECRET_WRITES],
    resources: ['*'],
    conditions: {
      ArnNotLike: {
        'aws:PrincipalArn': [
          ...subscriptionManagers(),
          `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${operatorsRoleName(stage)}`,
        ],
      },
    },
  });
  new secretsmanager.CfnResourcePolicy(scope, `${id}Policy`, {
    secretId: secretName,
    resourcePolicy: new iam.PolicyDocument({ statements: [readers, admins] }),
    // Secrets Manager refuses a policy that would give broad access; this one only denies.
    blockPublicPolicy: true,
  });
}
