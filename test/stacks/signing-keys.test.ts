import { beforeAll, describe, expect, it } from 'vitest';
import { TemplateResolver } from '../../local/simulator/intrinsics.js';
import type { SynthesizedApp } from '../../local/simulator/synth.js';
import { evaluate, type PolicyDocument, rolePoliciesByArn } from '../../local/trust/policies.js';
import { exampleLocalApp } from './local-app.js';

/**
 * The secrets Goldsmith signs with, as AWS would evaluate their policies on the synthesized templates: each secret's
 * value and its KMS key only for the roles that use it; an administrator of the account, or another Goldsmith role,
 * is refused by the explicit denies.
 */

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/admin`;
const DEPLOYMENT = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`;
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/local-goldsmith-${name}`;
const EVERYTHING: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

type Resource = { Type: string; Properties?: Record<string, unknown> };
let app: SynthesizedApp;
let resolver: TemplateResolver;
let roles: Map<string, PolicyDocument[]>;

function resources(type: string): [string, Resource][] {
  return app.templates.flatMap((t) => Object.entries(t.Resources ?? {}).filter(([, r]) => r.Type === type));
}

interface Signing {
  arn: string;
  policy: PolicyDocument;
  keyPolicy: PolicyDocument;
}

/** The secret named `name`, its resource policy and its KMS key's policy, as synthesized. */
function signingSecret(name: string): Signing {
  const [id, secret] = resources('AWS::SecretsManager::Secret').find(
    ([, r]) => resolver.resolve(r.Properties?.Name) === name,
  ) ?? ['', undefined];
  if (!secret) throw new Error(`no secret ${name}`);
  const arn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
  const [, policy] =
    resources('AWS::SecretsManager::ResourcePolicy').find(
      ([, r]) => JSON.stringify(r.Properties?.SecretId) === JSON.stringify({ Ref: id }),
    ) ?? [];
  if (!policy) throw new Error(`no resource policy on ${name}`);
  const keyRef = JSON.stringify(secret.Properties?.KmsKeyId);
  const [, key] = resources('AWS::KMS::Key').find(([keyId]) => keyRef.includes(`"${keyId}"`)) ?? [];
  if (!key) throw new Error(`${name} has no KMS key of its own`);
  return {
    arn,
    policy: resolver.resolve(policy.Properties?.ResourcePolicy) as PolicyDocument,
    keyPolicy: resolver.resolve(key.Properties?.KeyPolicy) as PolicyDocument,
  };
}

async function read(principal: string, s: Signing) {
  const { decision } = await evaluate({
    principal,
    action: 'secretsmanager:GetSecretValue',
    resource: s.arn,
    resourceAccount: ACCOUNT,
    context: { 'aws:PrincipalArn': principal, 'aws:PrincipalAccount': ACCOUNT },
    identityPolicies: roles.get(principal) ?? [EVERYTHING],
    resourcePolicy: s.policy,
  });
  return decision;
}

/** kms:Decrypt on the secret's key, as Secrets Manager asks it for `principal` (or directly, `via` null). */
async function decrypt(principal: string, s: Signing, via: string | null = `secretsmanager.${REGION}.amazonaws.com`) {
  const { decision } = await evaluate({
    principal,
    action: 'kms:Decrypt',
    resource: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    resourceAccount: ACCOUNT,
    context: {
      'aws:PrincipalArn': principal,
      'aws:PrincipalAccount': ACCOUNT,
      'kms:CallerAccount': ACCOUNT,
      ...(via ? { 'kms:ViaService': via } : {}),
    },
    identityPolicies: roles.has(principal) ? [] : [EVERYTHING],
    resourcePolicy: s.keyPolicy,
  });
  return decision;
}

async function administer(principal: string, action: string, s: Signing) {
  const { decision } = await evaluate({
    principal,
    action,
    resource: s.arn,
    resourceAccount: ACCOUNT,
    context: { 'aws:PrincipalArn': principal, 'aws:PrincipalAccount': ACCOUNT },
    identityPolicies: [EVERYTHING],
    resourcePolicy: s.policy,
  });
  return decision;
}

beforeAll(async () => {
  app = await exampleLocalApp(ACCOUNT);
  resolver = new TemplateResolver(app.templates, { accountId: ACCOUNT, region: REGION });
  roles = rolePoliciesByArn(app.templates, resolver);
}, 180_000);

describe('the signing secrets, simulated as synthesized (iam-simulate)', () => {
  const cases = [
    {
      name: 'goldsmith/local/approval-links',
      readers: [role('Promotion-PromotionRequestApproval'), role('Promotion-ApprovalCallback')],
      others: [role('Promotion-Reconcile'), role('Trust-Operator'), role('Notifications-SlackNotify')],
    },
    {
      name: 'goldsmith/local/approval-decisions',
      readers: [role('Promotion-ApprovalCallback'), role('Promotion-Reconcile'), role('Trust-Operator')],
      others: [role('Promotion-PromotionRequestApproval'), role('Notifications-SlackNotify')],
    },
    {
      // The tasks that receive task tokens seal them; only the functions that answer tasks open them.
      name: 'goldsmith/local/task-tokens',
      readers: [
        role('Promotion-PromotionRequestApproval'),
        role('Promotion-PromotionSoakStart'),
        role('Promotion-ApprovalCallback'),
        role('Promotion-Reconcile'),
        role('Promotion-OnLifecycleRequest'),
        role('Trust-Operator'),
      ],
      // on-finding hands a revokeOn revocation to on-lifecycle-request: it answers no task.
      others: [
        role('Promotion-PromotionPublish'),
        role('Promotion-PromotionGate'),
        role('Notifications-SlackNotify'),
        role('Promotion-OnFinding'),
      ],
    },
  ];

  it.each(cases)('lets only the roles that use $name read it', async ({ name, readers, others }) => {
    const s = signingSecret(name);
    for (const reader of readers) {
      expect(roles.has(reader), reader).toBe(true);
      expect(await read(reader, s), reader).toBe('Allowed');
    }
    // An administrator of the account, and a Goldsmith role that does not sign with it, even given GetSecretValue.
    for (const other of [ADMIN, ...others]) {
      const { decision } = await evaluate({
        principal: other,
        action: 'secretsmanager:GetSecretValue',
        resource: s.arn,
        resourceAccount: ACCOUNT,
        context: { 'aws:PrincipalArn': other, 'aws:PrincipalAccount': ACCOUNT },
        identityPolicies: [EVERYTHING],
        resourcePolicy: s.policy,
      });
      expect(decision, other).toBe('ExplicitlyDenied');
    }
  });

  it.each(cases)(
    "lets $name's own key decrypt only for its readers, only through Secrets Manager",
    async ({ name, readers }) => {
      const s = signingSecret(name);
      for (const reader of readers) {
        expect(await decrypt(reader, s), reader).toBe('Allowed');
        expect(await decrypt(reader, s, null), `${reader} directly`).toBe('ExplicitlyDenied');
      }
      expect(await decrypt(ADMIN, s)).toBe('ExplicitlyDenied');
      expect(await decrypt(DEPLOYMENT, s)).toBe('ExplicitlyDenied');
    },
  );

  it.each(cases)("leaves $name's value, labels, rotation, policy and key to the deployment", async ({ name }) => {
    const s = signingSecret(name);
    for (const action of [
      'secretsmanager:PutSecretValue',
      'secretsmanager:UpdateSecretVersionStage',
      'secretsmanager:RotateSecret',
      'secretsmanager:CancelRotateSecret',
      'secretsmanager:PutResourcePolicy',
      'secretsmanager:DeleteResourcePolicy',
      'secretsmanager:UpdateSecret',
      'secretsmanager:DeleteSecret',
    ]) {
      expect(await administer(ADMIN, action, s), action).toBe('ExplicitlyDenied');
      expect(await administer(DEPLOYMENT, action, s), action).toBe('Allowed');
    }
  });

  it('encrypts the three signing secrets with three keys, none shared with anything else', () => {
    const keys = resources('AWS::SecretsManager::Secret').map(([, r]) => JSON.stringify(r.Properties?.KmsKeyId));
    expect(new Set(keys).size).toBe(3);
    const users = app.templates.flatMap((t) =>
      Object.values(t.Resources ?? {}).filter((r) => r.Type !== 'AWS::SecretsManager::Secret'),
    );
    for (const key of keys) {
      const ref = key.match(/"([A-Za-z0-9]+Key[A-Z0-9]+)"/)?.[1] as string;
      const elsewhere = users.filter(
        (r) => r.Type !== 'AWS::KMS::Key' && JSON.stringify(r.Properties ?? {}).includes(`"${ref}"`),
      );
      expect(elsewhere.map((r) => r.Type)).toEqual([]);
    }
  });
});
