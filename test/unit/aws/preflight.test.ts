import { EC2Client, GetImageBlockPublicAccessStateCommand } from '@aws-sdk/client-ec2';
import { BatchGetAccountStatusCommand, Inspector2Client } from '@aws-sdk/client-inspector2';
import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListAccountsForParentCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListDelegatedAdministratorsCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { DescribeSecretCommand, GetResourcePolicyCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CDK_BOOTSTRAP_VERSION_PARAMETER,
  type PreflightCheck,
  preflight,
  sinkSecretChecks,
} from '../../../aws/preflight/preflight.js';
import { parseCatalog } from '../../../core/config/catalog.js';
import type { Catalog } from '../../../core/config/schema.js';
import { SINKS, type Sink } from '../../../core/notifications/sinks.js';
import { goldsmithScp } from '../../../core/scp/split.js';
import { mockClient } from '../../helpers/mock-client.js';

const sts = mockClient(STSClient);
const orgs = mockClient(OrganizationsClient);
const inspector = mockClient(Inspector2Client);
const ssm = mockClient(SSMClient);
const secrets = mockClient(SecretsManagerClient);
const lambda = mockClient(LambdaClient);
const ec2 = mockClient(EC2Client);
const NEEDS = { accountConcurrency: 116 };
const ACCOUNT = '111122223333';
const MANAGEMENT = '999988887777';

function catalog(extra: Record<string, unknown> = {}): Catalog {
  const parsed = parseCatalog(
    {
      organization: { id: 'o-a1b2c3d4e5', homeRegion: 'eu-west-1' },
      images: {
        base: {
          parent: 'ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
          components: [{ managed: 'update-linux' }],
          regions: ['eu-west-1'],
        },
      },
      channels: [{ name: 'dev', targets: { organization: true } }],
      ...extra,
    },
    { read: () => undefined },
  );
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.catalog;
}

const on = (status: 'ENABLED' | 'DISABLED') => ({ status, errorCode: undefined, errorMessage: undefined });
const denied = () => Object.assign(new Error('You do not have access'), { name: 'AccessDeniedException' });
const byName = (checks: PreflightCheck[], name: string) => checks.find((c) => c.name === name);

function readyAccount(account: string) {
  sts.on(GetCallerIdentityCommand).resolves({ Account: account, Arn: `arn:aws:iam::${account}:role/admin` });
  orgs.on(DescribeOrganizationCommand).resolves({
    Organization: {
      Id: 'o-a1b2c3d4e5',
      MasterAccountId: MANAGEMENT,
      Arn: `arn:aws:organizations::${MANAGEMENT}:organization/o-a1b2c3d4e5`,
    },
  });
  orgs.on(ListRootsCommand).resolves({ Roots: [{ Id: 'r-ab12' }] });
  orgs.on(ListOrganizationalUnitsForParentCommand).resolves({ OrganizationalUnits: [] });
  orgs.on(ListAccountsForParentCommand).resolves({ Accounts: [] });
  orgs
    .on(ListAWSServiceAccessForOrganizationCommand)
    .resolves({ EnabledServicePrincipals: [{ ServicePrincipal: 'ram.amazonaws.com' }] });
  orgs
    .on(ListDelegatedAdministratorsCommand, { ServicePrincipal: 'inspector2.amazonaws.com' })
    .resolves({ DelegatedAdministrators: [{ Id: account }] });
  inspector.on(BatchGetAccountStatusCommand).resolves({
    accounts: [
      {
        accountId: account,
        state: { status: 'ENABLED', errorCode: undefined, errorMessage: undefined },
        resourceState: { ec2: on('ENABLED'), ecr: on('DISABLED') },
      },
    ],
  });
  ssm.on(GetParameterCommand, { Name: CDK_BOOTSTRAP_VERSION_PARAMETER }).resolves({ Parameter: { Value: '27' } });
  lambda
    .on(GetAccountSettingsCommand)
    .resolves({ AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 1000 } });
  ec2.on(GetImageBlockPublicAccessStateCommand).resolves({ ImageBlockPublicAccessState: 'block-new-sharing' });
  orgs.on(ListDelegatedAdministratorsCommand).resolves({ DelegatedAdministrators: [{ Id: account }] });
}

beforeEach(() => readyAccount(MANAGEMENT));
afterEach(() => {
  for (const m of [sts, orgs, inspector, ssm, secrets, lambda, ec2]) m.reset();
});

describe('goldsmith preflight (read-only prerequisite checks)', () => {
  it('finds nothing missing in a prepared management account, and makes only read calls', async () => {
    const checks = await preflight(catalog(), 'eu-west-1', NEEDS);

    expect(checks.filter((c) => c.status === 'missing')).toEqual([]);
    expect(byName(checks, 'organization')?.detail).toContain('its management account');
    expect(byName(checks, 'CDK bootstrap')?.detail).toBe('version 27 in eu-west-1');
    expect(byName(checks, 'AMI sharing quota')?.detail).toMatch(
      /^EC2 AMI sharing \(entities per AMI and Region\): 1 of 1,000/,
    );
    const calls = [sts, orgs, inspector, ssm, secrets, lambda, ec2].flatMap((m) =>
      m.calls().map((c) => c.args[0].constructor.name),
    );
    expect(calls.every((name) => /^(Get|Describe|List|BatchGet)/.test(name))).toBe(true);
  });

  it('warns, a line each, of the operators and approvers that are principals of the factory account, and still passes', async () => {
    const access = {
      operators: [`arn:aws:iam::${MANAGEMENT}:role/platform`, `arn:aws:iam::${ACCOUNT}:role/platform`],
      approvers: {
        'ops-lead': [`arn:aws:sts::${MANAGEMENT}:assumed-role/sso-lead/ana`],
        auditor: [`arn:aws:iam::${MANAGEMENT}:user/audit`, `arn:aws:iam::${ACCOUNT}:role/auditor`],
      },
    };
    const checks = await preflight(catalog({ access }), 'eu-west-1', NEEDS);

    const warned = checks.filter((c) => c.name === 'access in the factory account');
    expect(warned.map((c) => c.status)).toEqual(['warning', 'warning', 'warning']);
    expect(warned.map((c) => c.detail.split(':', 1)[0])).toEqual([
      'access.operators[0]',
      'access.approvers.ops-lead[0]',
      'access.approvers.auditor[0]',
    ]);
    expect(warned[1]?.detail).toBe(
      `access.approvers.ops-lead[0]: arn:aws:sts::${MANAGEMENT}:assumed-role/sso-lead/ana is a role in the factory account ${MANAGEMENT}: it is only as safe as that account's IAM administrators (any of them can take it over and approve as ops-lead); name principals of another account, or protect the role with an SCP of your own`,
    );
    expect(warned[2]?.detail).toContain('is a user in the factory account');
    expect(checks.filter((c) => c.status === 'missing')).toEqual([]);
  });

  it('tells a delegated administrator without the delegation policy what the management account must do', async () => {
    readyAccount(ACCOUNT);
    orgs.on(ListRootsCommand).rejects(denied());
    orgs.on(ListAWSServiceAccessForOrganizationCommand).rejects(denied());

    const checks = await preflight(catalog(), 'eu-west-1', NEEDS);

    expect(byName(checks, 'organization')?.detail).toContain('a member account');
    expect(byName(checks, 'organization tree')).toMatchObject({ status: 'missing' });
    expect(byName(checks, 'organization tree')?.detail).toContain('resource-based delegation policy');
    expect(byName(checks, 'RAM sharing with the organization')?.status).toBe('not checked');
  });

  it('names the command that enables RAM sharing when the organization has not enabled it', async () => {
    orgs.on(ListAWSServiceAccessForOrganizationCommand).resolves({ EnabledServicePrincipals: [] });

    const ram = byName(await preflight(catalog(), 'eu-west-1', NEEDS), 'RAM sharing with the organization');

    expect(ram).toMatchObject({ status: 'missing' });
    expect(ram?.detail).toContain('aws ram enable-sharing-with-aws-organization');
  });

  it('asks for ECR scanning only when the catalog has a container image', async () => {
    const containers = catalog({
      images: {
        web: {
          kind: 'container',
          parent: 'docker:amazonlinux:2023',
          repository: 'golden/web',
          components: [{ managed: 'update-linux' }],
          regions: ['eu-west-1'],
        },
      },
    });

    expect(byName(await preflight(catalog(), 'eu-west-1', NEEDS), 'Inspector')?.status).toBe('ok');
    const check = byName(await preflight(containers, 'eu-west-1', NEEDS), 'Inspector');
    expect(check).toMatchObject({ status: 'missing' });
    expect(check?.detail).toContain('aws inspector2 enable --resource-types ECR --region eu-west-1');
  });

  it('refuses a Region other than the home Region, an unbootstrapped Region and a missing Slack secret', async () => {
    ssm.on(GetParameterCommand).rejects(Object.assign(new Error('not found'), { name: 'ParameterNotFound' }));
    secrets
      .on(DescribeSecretCommand)
      .rejects(Object.assign(new Error('no such secret'), { name: 'ResourceNotFoundException' }));
    const withSlack = catalog({ notifications: { slack: { secretName: 'goldsmith/slack', channel: '#images' } } });

    const checks = await preflight(withSlack, 'us-east-1', NEEDS);

    expect(byName(checks, 'region')?.detail).toContain('set AWS_REGION=eu-west-1');
    expect(byName(checks, 'CDK bootstrap')).toMatchObject({ status: 'missing' });
    expect(byName(checks, 'Slack secret')?.detail).toContain('no secret goldsmith/slack in us-east-1');
  });

  it("checks each configured sink's secret, a sink the registry gains among them", async () => {
    secrets.on(DescribeSecretCommand, { SecretId: 'goldsmith/slack' }).resolves({ Name: 'goldsmith/slack' });
    secrets
      .on(DescribeSecretCommand, { SecretId: 'goldsmith/pager' })
      .rejects(Object.assign(new Error('no such secret'), { name: 'ResourceNotFoundException' }));
    const pager: Sink = {
      key: 'pager',
      label: 'Pager',
      announces: () => true,
      subscriptions: () => [],
      secret: { variables: ['PAGER_SECRET_NAME'], names: () => ['goldsmith/pager'], shape: '{"token":"…"}' },
    };
    const withSlack = catalog({ notifications: { slack: { secretName: 'goldsmith/slack', channel: '#images' } } });

    expect(await sinkSecretChecks(withSlack, 'eu-west-1', [...SINKS, pager])).toEqual([
      { name: 'Slack secret', status: 'ok', detail: 'goldsmith/slack exists in eu-west-1' },
      {
        name: 'Pager secret',
        status: 'missing',
        detail: 'no secret goldsmith/pager in eu-west-1: create it with {"token":"…"} (docs/deploy.md, "Secrets")',
      },
    ]);
  });

  it("with a deployed stage, holds each sink's secret to its resource policy: missing, or open to an outsider, it is missing", async () => {
    const arn = (n: string) => `arn:aws:secretsmanager:eu-west-1:200000000001:secret:${n}-AbCdEf`;
    for (const n of ['goldsmith/teams', 'goldsmith/webhooks/board', 'goldsmith/webhooks/pager'])
      secrets.on(DescribeSecretCommand, { SecretId: n }).resolves({ Name: n, ARN: arn(n) });
    const deny = (sid: string, actions: string[], except: string) => ({
      Sid: sid,
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: actions,
      Resource: '*',
      Condition: { ArnNotLike: { 'aws:PrincipalArn': [except] } },
    });
    const guarded = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        deny('ReadOnlyByItsSink', ['secretsmanager:GetSecretValue'], 'arn:aws:iam::200000000001:role/prod-goldsmith-*'),
        deny(
          'SecretOnlyByTheDeployment',
          ['secretsmanager:PutSecretValue', 'secretsmanager:PutResourcePolicy', 'secretsmanager:DeleteResourcePolicy'],
          'arn:aws:iam::200000000001:role/cdk-*-cfn-exec-role-*',
        ),
      ],
    });
    secrets.on(GetResourcePolicyCommand, { SecretId: 'goldsmith/teams' }).resolves({ ResourcePolicy: guarded });
    // Someone replaced the webhook's policy with one that only guards the value: its key is readable.
    const readable = JSON.stringify({ Version: '2012-10-17', Statement: [JSON.parse(guarded).Statement[1]] });
    secrets
      .on(GetResourcePolicyCommand, { SecretId: 'goldsmith/webhooks/board' })
      .resolves({ ResourcePolicy: readable });
    secrets.on(GetResourcePolicyCommand, { SecretId: 'goldsmith/webhooks/pager' }).resolves({});
    const sinks = catalog({
      notifications: {
        teams: { secretName: 'goldsmith/teams' },
        webhooks: [
          { name: 'board', url: 'https://hooks.example.com/a', secretName: 'goldsmith/webhooks/board' },
          { name: 'pager', url: 'https://hooks.example.com/b', secretName: 'goldsmith/webhooks/pager' },
        ],
      },
    });

    const checks = await sinkSecretChecks(sinks, 'eu-west-1', SINKS, 'prod');

    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['Teams secret', 'ok'],
      ['notifications.webhooks secret goldsmith/webhooks/board', 'missing'],
      ['notifications.webhooks secret goldsmith/webhooks/pager', 'missing'],
    ]);
    expect(checks[1]?.detail).toContain('leaves secretsmanager:GetSecretValue open to principals outside Goldsmith');
    expect(checks[2]?.detail).toContain('is missing');
    // Before the first deploy, existing is all a secret can be.
    expect((await sinkSecretChecks(sinks, 'eu-west-1', SINKS)).map((c) => c.status)).toEqual(['ok', 'ok', 'ok']);
  });

  it('stops at the credentials when there are none, saying so', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' }));

    const checks = await preflight(catalog(), 'eu-west-1', NEEDS);

    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ name: 'credentials', status: 'missing' });
    expect(checks[0]?.detail).toContain('set AWS_PROFILE or sign in');
  });

  it('says the network, not the credentials, when STS cannot be reached', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('getaddrinfo ENOTFOUND sts.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND' }));

    const [check] = await preflight(catalog(), 'eu-west-1', NEEDS);

    expect(check).toMatchObject({ name: 'credentials', status: 'missing' });
    expect(check?.detail).toMatch(/^STS in eu-west-1 cannot be reached .*check the network, a proxy/);
    expect(check?.detail).not.toContain('sign in');
  });

  it('refuses a catalog of another organization', async () => {
    orgs
      .on(DescribeOrganizationCommand)
      .resolves({ Organization: { Id: 'o-zzzzzzzzzz', MasterAccountId: MANAGEMENT } });

    const org = byName(await preflight(catalog(), 'eu-west-1', NEEDS), 'organization');

    expect(org).toMatchObject({ status: 'missing' });
    expect(org?.detail).toContain('the catalog names o-a1b2c3d4e5');
  });

  it("fails, naming the permissions to add, when a member account's SCPs or the CDK bootstrap cannot be read", async () => {
    readyAccount(ACCOUNT);
    orgs.on(ListParentsCommand).resolves({ Parents: [{ Id: 'r-ab12', Type: 'ROOT' }] });
    orgs.on(ListPoliciesForTargetCommand).rejects(denied());
    ssm.on(GetParameterCommand, { Name: CDK_BOOTSTRAP_VERSION_PARAMETER }).rejects(denied());

    const checks = await preflight(catalog(), 'eu-west-1', NEEDS);

    expect(byName(checks, 'service control policy')).toEqual({
      name: 'service control policy',
      status: 'missing',
      detail: expect.stringMatching(
        /^could not read the SCPs attached to 111122223333 and above it \(AccessDeniedException: You do not have access\): add organizations:ListPoliciesForTarget and organizations:DescribePolicy \(and organizations:ListParents\) to the role preflight runs as/,
      ),
    });
    expect(byName(checks, 'CDK bootstrap')).toMatchObject({
      status: 'missing',
      detail: expect.stringContaining('add ssm:GetParameter to the role preflight runs as'),
    });
  });

  it('checks the SCP for --deployer and fails a session of another role, which the SCP refuses its deploy', async () => {
    readyAccount(ACCOUNT);
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/admin/ana` });
    orgs.on(ListParentsCommand).resolves({ Parents: [{ Id: 'r-ab12', Type: 'ROOT' }] });
    const parts = goldsmithScp({
      stage: 'prod',
      account: ACCOUNT,
      deployer: 'ci-deploy',
      keyRotator: 'goldsmith-key-rotator',
    });
    orgs
      .on(ListPoliciesForTargetCommand, { TargetId: ACCOUNT })
      .resolves({ Policies: parts.map((p) => ({ Id: p.name, Name: p.name, AwsManaged: false })) });
    orgs.on(ListPoliciesForTargetCommand, { TargetId: 'r-ab12' }).resolves({ Policies: [] });
    for (const p of parts)
      orgs.on(DescribePolicyCommand, { PolicyId: p.name }).resolves({ Policy: { Content: p.content } });

    const named = await preflight(catalog(), 'eu-west-1', NEEDS, { deployer: 'ci-deploy' });
    expect(byName(named, 'service control policy')?.status).toBe('ok');
    expect(byName(named, 'deployer')).toMatchObject({
      status: 'missing',
      detail: expect.stringMatching(
        /^these credentials are a session \(ana\) of role admin, not of the deployer ci-deploy, and the SCPs on 111122223333 or above it refuse its deploy: /,
      ),
    });

    // Without --deployer the SCP is checked for the caller's own role, which this SCP does not exempt.
    const derived = await preflight(catalog(), 'eu-west-1', NEEDS);
    expect(byName(derived, 'deployer')?.status).toBe('ok');
    expect(byName(derived, 'service control policy')).toMatchObject({
      status: 'missing',
      detail: expect.stringContaining(`to arn:aws:iam::${ACCOUNT}:role/admin (refused by`),
    });
  });
});
