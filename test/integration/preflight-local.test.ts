import { CreateResourceShareCommand } from '@aws-sdk/client-ram';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ramClient } from '../../aws/clients/ram.js';
import { ssmClient } from '../../aws/clients/ssm.js';
import { CDK_BOOTSTRAP_VERSION_PARAMETER, type PreflightCheck, preflight } from '../../aws/preflight/preflight.js';
import { INSPECTOR_PRINCIPAL } from '../../aws/preflight/preflight-inspector.js';
import { STACKSETS_PRINCIPAL } from '../../aws/preflight/preflight-stacksets.js';
import { checkoutIdentity } from '../../cli/checkout.js';
import { versionReport } from '../../core/release/changelog.js';
import { GOLDSMITH_VERSION, releaseParameterName } from '../../core/release/index.js';
import { RAM_SERVICE_PRINCIPAL } from '../../local/fakes/organization-admin.js';
import {
  GOLDSMITH_POINTERS_SCP_ID,
  GOLDSMITH_SCP_ID,
  goldsmithDelegationPolicy,
  type Prerequisites,
} from '../../local/fakes/prerequisites.js';
import { MINIMUM_ACCOUNT_CONCURRENCY } from '../../stacks/reserved-concurrency.js';
import { preflightCatalog } from '../unit/aws/preflight-catalog.js';
import { localCloud, resetClients } from '../unit/local/helpers.js';

/**
 * `goldsmith preflight` against the local cloud: a factory in a member account of an organization whose every
 * prerequisite is met passes; each prerequisite taken away in turn is named, with what to run.
 */

const MANAGEMENT = '100000000000';
const FACTORY = '200000000001';
const OU = 'ou-ab12-platform';
const HOME = 'eu-west-1';
const NEEDS = { accountConcurrency: MINIMUM_ACCOUNT_CONCURRENCY };

const catalog = preflightCatalog([{ name: 'prod', targets: { ous: [OU] } }]);

async function cloud(factory = FACTORY, bootstrapped = true): Promise<Prerequisites> {
  const { fakes } = localCloud({
    accountId: factory,
    defaultRegion: HOME,
    organization: {
      organizationId: 'o-a1b2c3d4e5',
      managementAccountId: MANAGEMENT,
      ous: [{ id: OU, accounts: [{ id: FACTORY }, { id: '200000000002' }] }],
    },
  });
  if (bootstrapped)
    await ssmClient(HOME).send(
      new PutParameterCommand({ Name: CDK_BOOTSTRAP_VERSION_PARAMETER, Value: '27', Type: 'String' }),
    );
  return fakes.prerequisites;
}

const run = () => preflight(catalog, HOME, NEEDS);
const named = (checks: PreflightCheck[], name: string) => checks.find((c) => c.name === name);
const missing = (checks: PreflightCheck[]) => checks.filter((c) => c.status === 'missing').map((c) => c.name);

beforeEach(() => resetClients());
afterEach(() => resetClients());

describe('goldsmith preflight on the local cloud', () => {
  it('passes a member factory whose every prerequisite is met, and says what it cannot read and why', async () => {
    await cloud();

    const checks = await run();

    expect(missing(checks)).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'Organizations delegation policy',
        'RAM sharing with the organization',
        'StackSets trusted access',
        'member baseline (StackSets)',
        'member baseline failure tolerance',
        'Inspector',
        'Inspector delegated administrator',
        'Inspector scanning of members',
        'Lambda concurrency',
        'EC2 image block public access',
        'service control policy',
        'CDK bootstrap',
      ]),
    );
    expect(named(checks, 'Inspector')?.detail).toBe('scanning EC2 in eu-west-1, us-east-1');
    expect(named(checks, 'member baseline failure tolerance')?.detail).toContain(
      '2 account(s) per Region tolerate no failure',
    );
    expect(named(checks, 'IAM')).toMatchObject({ status: 'not checked' });
    expect(named(checks, 'IAM')?.detail).toContain('no IAM client');
    expect(named(checks, 'Organizations events')).toMatchObject({ status: 'not checked' });
    expect(named(checks, 'Organizations events')?.detail).toContain('not readable from the factory account');
  });

  const cases: [string, string, (p: Prerequisites) => void, string][] = [
    [
      'the delegation policy is gone',
      'Organizations delegation policy',
      (p) => (p.organization.resourcePolicy = undefined),
      'aws organizations put-resource-policy',
    ],
    [
      'the delegation policy leaves out tags',
      'Organizations delegation policy',
      (p) =>
        (p.organization.resourcePolicy = goldsmithDelegationPolicy(FACTORY).replace(
          ',"organizations:ListTagsForResource"',
          '',
        )),
      'organizations:ListTagsForResource',
    ],
    [
      'RAM sharing is off',
      'RAM sharing with the organization',
      (p) => p.organization.trustedAccess.delete(RAM_SERVICE_PRINCIPAL),
      'aws ram enable-sharing-with-aws-organization',
    ],
    [
      'StackSets has no trusted access',
      'StackSets trusted access',
      (p) => p.organization.trustedAccess.delete(STACKSETS_PRINCIPAL),
      'aws cloudformation activate-organizations-access',
    ],
    [
      'the factory is no StackSets administrator',
      'member baseline (StackSets)',
      (p) => p.organization.delegatedAdministrators.delete(STACKSETS_PRINCIPAL),
      'register-delegated-administrator',
    ],
    [
      'Inspector scans no EC2 in a distribution Region',
      'Inspector',
      (p) => p.inspector.deactivate('us-east-1', FACTORY, 'ec2'),
      'aws inspector2 enable --resource-types EC2 --region us-east-1',
    ],
    [
      'Inspector turns no scanning on for members in a Region',
      'Inspector scanning of members',
      (p) => {
        p.inspectorOrganization.autoEnable('us-east-1').ec2 = false;
      },
      'aws inspector2 update-organization-configuration --auto-enable ec2=true --region us-east-1',
    ],
    [
      'Inspector has no delegated administrator',
      'Inspector delegated administrator',
      (p) => p.organization.delegatedAdministrators.delete(INSPECTOR_PRINCIPAL),
      'enable-delegated-admin-account',
    ],
    [
      'Lambda concurrency is too low',
      'Lambda concurrency',
      (p) => p.lambda.set(HOME, 50),
      'request-service-quota-increase',
    ],
    ['other reservations leave too little', 'Lambda concurrency', (p) => p.lambda.set(HOME, 1000, 950), 'leaves 50'],
    [
      'AMIs may be made public in a Region',
      'EC2 image block public access',
      (p) => p.imageBlockPublicAccess.unblock('us-east-1', FACTORY),
      'enable-image-block-public-access --image-block-public-access-state block-new-sharing --region us-east-1',
    ],
    [
      'no SCP denies direct invocation',
      'service control policy',
      (p) => p.organization.policies.delete(GOLDSMITH_SCP_ID),
      'aws organizations attach-policy',
    ],
  ];

  it.each(cases)('names it when %s', async (_, check, takeAway, fix) => {
    takeAway(await cloud());

    const checks = await run();

    expect(missing(checks)).toEqual([check]);
    expect(named(checks, check)?.detail).toContain(fix);
  });

  it('refuses to share with the organization through RAM exactly when preflight says sharing is off', async () => {
    const p = await cloud(MANAGEMENT);
    const share = () =>
      ramClient(HOME).send(
        new CreateResourceShareCommand({
          name: 'goldsmith-pointers-prod',
          principals: [`arn:aws:organizations::${MANAGEMENT}:organization/o-a1b2c3d4e5`],
        }),
      );
    await expect(share()).resolves.toBeDefined();

    p.organization.trustedAccess.delete(RAM_SERVICE_PRINCIPAL);

    await expect(share()).rejects.toMatchObject({ name: 'OperationNotPermittedException' });
    expect(named(await run(), 'RAM sharing with the organization')).toMatchObject({ status: 'missing' });
  });

  it("holds StackSets' trusted access and delegated administrators where the StackSets fake reads them", async () => {
    const { fakes } = localCloud({
      accountId: FACTORY,
      organization: {
        organizationId: 'o-a1b2c3d4e5',
        managementAccountId: MANAGEMENT,
        ous: [{ id: OU, accounts: [{ id: FACTORY }] }],
      },
    });
    expect([fakes.stackSets.trustedAccess, [...fakes.stackSets.delegatedAdministrators]]).toEqual([true, [FACTORY]]);

    fakes.prerequisites.organization.trustedAccess.delete(STACKSETS_PRINCIPAL);
    fakes.prerequisites.organization.delegatedAdministrators.clear();

    expect([fakes.stackSets.trustedAccess, [...fakes.stackSets.delegatedAdministrators]]).toEqual([false, []]);
  });

  it('names the CDK bootstrap when the Region has none', async () => {
    await cloud(FACTORY, false);

    expect(missing(await run())).toEqual(['CDK bootstrap']);
  });

  it('names the organization tree when the factory may not read it (no policy, no delegated administration)', async () => {
    const p = await cloud();
    p.organization.resourcePolicy = undefined;
    p.organization.delegatedAdministrators.clear();

    const checks = await run();

    expect(named(checks, 'organization tree')).toMatchObject({ status: 'missing' });
    expect(named(checks, 'organization tree')?.detail).toContain('resource-based delegation policy');
    // What a member that administers nothing may not read is said, not guessed: the SCP refuses the deploy until it
    // is read, naming what to add; Inspector's delegated administrator, informational, stays unknown.
    expect(named(checks, 'service control policy')).toMatchObject({
      status: 'missing',
      detail: expect.stringContaining('add organizations:ListPoliciesForTarget and organizations:DescribePolicy'),
    });
    expect(named(checks, 'Inspector delegated administrator')?.status).toBe('not checked');
  });

  it('refuses a loose SCP: a Deny that names goldsmith but leaves the functions and the pointers open, naming the part to attach', async () => {
    const p = await cloud();
    p.organization.policies.delete(GOLDSMITH_POINTERS_SCP_ID);
    p.organization.attach(
      {
        id: 'p-loose00001',
        name: 'goldsmith-loose',
        content: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Action: ['events:DisableRule', 'events:DeleteRule'],
              Resource: 'arn:aws:events:*:*:rule/prod-goldsmith-*',
              Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*goldsmith*' } },
            },
          ],
        }),
      },
      OU,
    );

    const checks = await run();

    expect(missing(checks)).toEqual(['service control policy']);
    const detail = named(checks, 'service control policy')?.detail ?? '';
    expect(detail).toContain('(goldsmith-loose, goldsmith-prod-scp-2, goldsmith-prod-scp-3, goldsmith-prod-scp-4)');
    expect(detail).toMatch(/ in \d+ statements \(FunctionsOnlyByGoldsmith, [^)]*PointersOnlyByGoldsmith/);
    expect(detail).toContain('Not in force: goldsmith-prod-scp-1 (FunctionsOnlyByGoldsmith, ');
    expect(detail).toContain('goldsmith scp --stage prod --out scp/');
    expect(detail).toContain('aws organizations attach-policy');
  });

  it('in the management account, says the SCP cannot apply there and needs no delegation policy', async () => {
    await cloud(MANAGEMENT);

    const checks = await run();

    expect(named(checks, 'Organizations delegation policy')).toMatchObject({ status: 'ok' });
    expect(named(checks, 'service control policy')).toMatchObject({ status: 'not checked' });
    expect(named(checks, 'service control policy')?.detail).toContain('do not apply to the management account');
  });
});

describe('goldsmith preflight --stage on the local cloud: the upgrade from the release the stage records', () => {
  it('refuses a pre-release and names the statements of 0.3.0 an SCP of 0.2.0 lacks', async () => {
    const p = await cloud();
    await ssmClient(HOME).send(
      new PutParameterCommand({ Name: releaseParameterName('prod'), Value: '0.2.0', Type: 'String' }),
    );
    const resources = p.organization.policies.get(GOLDSMITH_POINTERS_SCP_ID);
    if (!resources) throw new Error('the prepared organization attaches the resources SCP');
    p.organization.policies.set(GOLDSMITH_POINTERS_SCP_ID, {
      ...resources,
      content: resources.content.replace('"ssm:DeleteParameters",', ''),
    });

    const identity = checkoutIdentity();
    const checks = await preflight(catalog, HOME, NEEDS, { stage: 'prod', identity });

    expect(missing(checks)).toEqual(
      expect.arrayContaining(['service control policy', 'service control policy for the upgrade']),
    );
    // main's checkout is a pre-release; the release's commit, as CHANGELOG names it, is not.
    const release = versionReport(identity).release;
    expect(named(checks, 'pre-release')?.status).toBe(release ? 'ok' : 'missing');
    // The steps are due from the oldest release the parameter and the stacks record; the local cloud's CloudFormation
    // answers no DescribeStacks, so the stacks cannot be read and every declared step counts (as for a real stage
    // whose stacks cannot be read, which the release line refuses).
    expect(named(checks, 'upgrade steps')?.detail).toMatch(
      new RegExp(
        `^no recorded release → ${GOLDSMITH_VERSION.replaceAll('.', '\\.')}: 0\\.3\\.0 declares pause-rollouts, scp.*: every declared step counts\\)$`,
      ),
    );
    expect(named(checks, 'service control policy for the upgrade')?.detail).toMatch(
      new RegExp(
        `^0\\.3\\.0 needs PointersOnlyByGoldsmith \\(ssm:DeleteParameters\\) in the SCP on ${FACTORY} or above it, absent`,
      ),
    );
    const again = await preflight(catalog, HOME, NEEDS, { stage: 'prod', identity, preRelease: true });
    expect(named(again, 'pre-release')?.status).toBe('ok');
  });
});
