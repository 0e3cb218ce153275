import { Aws, Duration, Lazy, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import { grantSecretValue } from '../grants.js';
import { admitRole, admittedRoles, subscriptionManagers, writersOnly } from '../resource-doors.js';

/**
 * The secrets Goldsmith signs with, each readable only by the roles that use it. A principal of the factory account
 * whose own IAM allows `secretsmanager:GetSecretValue` on `*` is allowed by that alone; only an explicit deny in the
 * secret's own policy stops it
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/determine-acccess_examine-iam-policies.html). So each
 * secret carries a deny of GetSecretValue to every principal but its readers, named by `aws:PrincipalArn`
 * (stacks/resource-doors.ts registers them while the stacks are built, so the Trust stack's operator endpoint is
 * named without a cross-stack reference), and is encrypted with its own KMS key whose policy denies Decrypt to the
 * same principals and outside Secrets Manager (`kms:ViaService`): Secrets Manager decrypts a secret's data key with
 * the caller's own permissions
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html).
 */

/** A signing key: the approval links' HMAC key, the decision-proof key, or the key that seals task tokens. */
export type SigningKeyDoor = 'approval-links' | 'approval-decisions' | 'task-tokens';

const doorOf = (door: SigningKeyDoor) => `secret:${door}`;

/**
 * What changes a secret's value, its versions' labels, its rotation, key or policy: the deployment's and the
 * rotation's alone. Without `PutSecretValue` and `UpdateSecretVersionStage` here, anyone whose own IAM allows them
 * (an administrator of an account no SCP governs) makes a key of their own current and signs with it: a key they know
 * is as good as the key they read
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html: "If you don't include
 * VersionStages, then Secrets Manager automatically moves the staging label AWSCURRENT to this version").
 */
export const SECRET_ADMIN_ACTIONS = [
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
  'secretsmanager:RotateSecret',
  'secretsmanager:CancelRotateSecret',
  'secretsmanager:PutResourcePolicy',
  'secretsmanager:DeleteResourcePolicy',
  'secretsmanager:UpdateSecret',
  'secretsmanager:DeleteSecret',
  'secretsmanager:RestoreSecret',
  'secretsmanager:ReplicateSecretToRegions',
  'secretsmanager:RemoveRegionsFromReplication',
  'secretsmanager:StopReplicationToReplica',
] as const;

/** The actions of {@link SECRET_ADMIN_ACTIONS} a rotation makes: a new value, and nothing else. */
export const ROTATION_ACTIONS = ['secretsmanager:PutSecretValue'] as const;

const rotatorsOf = (door: SigningKeyDoor) => `secret-rotation:${door}`;

/** What changes the key's policy or takes the key away: the deployment's alone. */
export const KEY_ADMIN_ACTIONS = ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey'] as const;

/**
 * A signing secret of `door`: 64 random characters, its own KMS key (rotated yearly), a resource policy admitting
 * only the readers registered with `grantSigningKey` to its value, and only the deployment to its policy and key.
 */
export function createSigningKey(
  stack: Stack,
  id: string,
  props: {
    door: SigningKeyDoor;
    secretName: string;
    description: string;
    /**
     * Default RETAIN. A secret new in this release is RETAIN_ON_UPDATE_OR_DELETE: a failed first deploy's rollback
     * deletes it, so the retry can create the fixed name again (scripts/release/compare.ts).
     */
    removalPolicy?: RemovalPolicy;
  },
): secretsmanager.Secret {
  const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
  const key = new kms.Key(stack, `${id}Key`, {
    description: `Goldsmith: encrypts the secret ${props.secretName} alone`,
    enableKeyRotation: true,
    // A deploy never replaces or deletes a stateful resource; a key scheduled for deletion waits the longest window.
    removalPolicy,
    pendingWindow: Duration.days(30),
  });
  const via = `secretsmanager.${Aws.REGION}.amazonaws.com`;
  key.addToResourcePolicy(
    writersOnly(key, doorOf(props.door), {
      sid: 'DecryptOnlyByItsReaders',
      actions: ['kms:Decrypt', 'kms:ReEncrypt*'],
      resource: '*',
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DecryptOnlyThroughSecretsManager',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Decrypt', 'kms:ReEncrypt*'],
      resources: ['*'],
      conditions: { StringNotEquals: { 'kms:ViaService': via } },
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'KeyOnlyByTheDeployment',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: [...KEY_ADMIN_ACTIONS],
      resources: ['*'],
      conditions: { ArnNotLike: { 'aws:PrincipalArn': subscriptionManagers() } },
    }),
  );
  // The readers decrypt through Secrets Manager with the key policy's own allow, no identity grant of KMS needed: the
  // key encrypts this one secret, and the deny above keeps everyone else out.
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'ReadersDecryptThroughSecretsManager',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: { StringEquals: { 'kms:CallerAccount': Aws.ACCOUNT_ID, 'kms:ViaService': via } },
    }),
  );
  // Writing a new value (the deployment creating it, a rotation) asks KMS for a data key through Secrets Manager.
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'NewValuesThroughSecretsManager',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:GenerateDataKey', 'kms:Encrypt'],
      resources: ['*'],
      conditions: { StringEquals: { 'kms:CallerAccount': Aws.ACCOUNT_ID, 'kms:ViaService': via } },
    }),
  );
  const secret = new secretsmanager.Secret(stack, id, {
    secretName: props.secretName,
    description: props.description,
    encryptionKey: key,
    // Links, recorded decisions and sealed tokens made with it outlive a deploy.
    removalPolicy,
    generateSecretString: { passwordLength: 64, excludePunctuation: true },
  });
  secret.addToResourcePolicy(
    writersOnly(secret, doorOf(props.door), {
      sid: 'ReadOnlyByItsReaders',
      actions: ['secretsmanager:GetSecretValue'],
      resource: '*',
    }),
  );
  // The deployment, and the role that rotates the key (registered with `grantSigningKeyRotation`, read when the
  // template is written): nobody else puts a value, moves a label or changes the policy.
  secret.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'SecretOnlyByTheDeployment',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: [...SECRET_ADMIN_ACTIONS],
      resources: ['*'],
      conditions: {
        ArnNotLike: {
          'aws:PrincipalArn': Lazy.list({
            produce: () => [...subscriptionManagers(), ...admittedRoles(secret, rotatorsOf(props.door))],
          }),
        },
      },
    }),
  );
  return secret;
}

/** Lets `fn` read the signing secret of `door` (GetSecretValue on it alone) and admits its role through the doors. */
export function grantSigningKey(
  fn: lambda.IFunction & IConstruct,
  door: SigningKeyDoor,
  secret: secretsmanager.ISecret,
): void {
  grantSecretValue(fn, secret);
  admitRole(fn, doorOf(door), fn.role);
}

/** Lets `fn` seal and open the ledger's task tokens: the task-token key's name in its environment, and its value. */
export function grantTaskTokenKey(fn: lambda.IFunction, secret: secretsmanager.ISecret, secretName: string): void {
  if (!(fn instanceof lambda.Function))
    throw new Error(`${fn.node.path}: only a function the stacks create reads the task-token key`);
  fn.addEnvironment('TASK_TOKEN_SECRET_NAME', secretName);
  grantSigningKey(fn, 'task-tokens', secret);
}

/**
 * Lets `fn` rotate the signing secret of `door`: `secretsmanager:PutSecretValue` on it alone (no read: a new value
 * needs none), and its role among those the secret's policy admits to put one (`SecretOnlyByTheDeployment`). Secrets
 * Manager asks the secret's KMS key for a data key on its behalf (`NewValuesThroughSecretsManager`).
 */
export function grantSigningKeyRotation(
  fn: lambda.IFunction & IConstruct,
  door: SigningKeyDoor,
  secret: secretsmanager.ISecret,
): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: [...ROTATION_ACTIONS],
      resources: [secret.secretFullArn ?? `${secret.secretArn}-??????`],
    }),
  );
  admitRole(fn, rotatorsOf(door), fn.role);
}
