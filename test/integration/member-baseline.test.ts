import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AUTO_SCALING_GRANT_NAME } from '../../core/sharing/key-grants.js';
import example from '../../goldsmith.config.js';
import { ServiceLinkedRolesFake } from '../../local/fakes/iam-service-roles.js';
import { GRANT_PROPAGATION_MS, KmsFake } from '../../local/fakes/kms.js';
import { autoScalingRole, launchRefusal } from '../../local/fakes/kms-launch.js';
import { OrganizationsFake } from '../../local/fakes/organizations.js';
import { StackSetsFake } from '../../local/fakes/stacksets.js';
import type { CreateStackSetInput } from '../../local/fakes/stacksets-types.js';
import { type CfnTemplate, TemplateResolver } from '../../local/simulator/intrinsics.js';
import { registerKeys } from '../../local/simulator/keys.js';
import { normalizeTemplate, SIMULATED_ACCOUNT } from '../../scripts/readiness/role-simulation.js';
import { MemberBaseline } from '../../stacks/MemberBaseline.js';
import { FACTORY_STACKS, synthesize } from '../stacks/helpers.js';

const ORG = example.organization.id;
const MANAGEMENT = '100000000000';
const DEV_OU = 'ou-x1y2-dev00001';
const EXISTING = '200000000001';
const JOINER = '200000000002';
const REGIONS = ['ap-southeast-2', 'eu-west-1', 'us-east-1'];
const MINUTE = 60_000;

type StackSetProps = CreateStackSetInput & {
  StackInstancesGroup: { DeploymentTargets: { OrganizationalUnitIds: string[] }; Regions: string[] }[];
};

describe('the member baseline in the local cloud (example catalog)', () => {
  let templates: CfnTemplate[];
  let resolver: TemplateResolver;
  let stackSet: StackSetProps;
  let factory: string;
  beforeAll(async () => {
    const synth = await synthesize(example, { stacks: [...FACTORY_STACKS, MemberBaseline] });
    // The test app's account is a placeholder: a deploy's is 12 digits, as the member function checks.
    templates = [...synth.templates.values()].map((t) => normalizeTemplate(t.toJSON()) as CfnTemplate);
    factory = SIMULATED_ACCOUNT;
    resolver = new TemplateResolver(templates, { accountId: factory, region: example.organization.homeRegion });
    const resource = templates
      .flatMap((t) => Object.values(t.Resources ?? {}))
      .find((r) => r.Type === 'AWS::CloudFormation::StackSet')!;
    stackSet = resolver.resolve(resource.Properties) as StackSetProps;
  });

  let now: number;
  let kms: KmsFake;
  let organization: OrganizationsFake;
  let stackSets: StackSetsFake;
  let keyId: string;
  beforeEach(async () => {
    now = Date.parse('2026-03-02T09:00:00Z');
    kms = new KmsFake(factory);
    kms.clock = () => now;
    registerKeys(templates, resolver, kms);
    keyId = stackSet.Parameters!.find((p) => p.ParameterKey === 'AmiKeyId')!.ParameterValue;
    organization = new OrganizationsFake({
      organizationId: ORG,
      managementAccountId: MANAGEMENT,
      ous: [{ id: DEV_OU, accounts: [{ id: EXISTING }] }, { id: 'ou-x1y2-prd00001' }],
    });
    // IAM gives each caller its account's path in the organization (aws:PrincipalOrgPaths), as it is now.
    kms.organizationPathsOf = (account) => organization.principalOrgPaths(account);
    stackSets = new StackSetsFake(organization, MANAGEMENT, {
      iam: new ServiceLinkedRolesFake(),
      kms,
      organizationId: ORG,
    });
    stackSets.trustedAccess = true;
    stackSets.delegatedAdministrators.add(factory);
    stackSets.createStackSet(factory, stackSet);
    const [group] = stackSet.StackInstancesGroup;
    await stackSets.createStackInstances(group!.DeploymentTargets.OrganizationalUnitIds, group!.Regions, now);
  });

  const canLaunch = (account: string, region: string) =>
    launchRefusal(kms, region, keyId, autoScalingRole(account, ORG)) === undefined;

  it('deploys to every account of the targeted OUs in every AMI Region, and never to the management account', () => {
    expect(stackSets.stackInstances().map((i) => `${i.account} ${i.region} ${i.status}`)).toEqual(
      REGIONS.map((r) => `${EXISTING} ${r} CURRENT`),
    );
    organization.change({ change: 'move-account', account: MANAGEMENT, to: DEV_OU }, new Date(now).toISOString());
    return stackSets.reconcile(now).then(() => {
      expect(stackSets.stackInstances().some((i) => i.account === MANAGEMENT)).toBe(false);
    });
  });

  it('gives an account that joins a targeted OU the baseline with no action, and its group launches the first time', async () => {
    now += 30 * 24 * 60 * MINUTE;
    organization.change({ change: 'create-account', account: JOINER, to: DEV_OU }, new Date(now).toISOString());
    expect(REGIONS.some((r) => canLaunch(JOINER, r))).toBe(false);
    await stackSets.reconcile(now);
    const joined = stackSets.stackInstances().filter((i) => i.account === JOINER);
    expect(joined.map((i) => `${i.region} ${i.status}`)).toEqual(REGIONS.map((r) => `${r} CURRENT`));
    // The team creates its group once the instances are CURRENT: its first launch finds the grant in force.
    now = Math.max(...joined.map((i) => i.at));
    for (const region of REGIONS) expect(canLaunch(JOINER, region)).toBe(true);
    const grants = REGIONS.map((r) => kms.key(r, keyId)!.grants.filter((g) => g.issuingAccount === JOINER));
    expect(grants.map((g) => g.map((x) => x.name))).toEqual(
      REGIONS.map(() => [expect.stringMatching(new RegExp(`^${AUTO_SCALING_GRANT_NAME}-`))]),
    );
  });

  it('waits through the role’s propagation to KMS and the grant’s, before the instance is CURRENT', async () => {
    // After the first operation: an auto-deployment waits for the stack set's operation still running.
    now = Math.max(...stackSets.operations.map((o) => o.finishedAt));
    organization.change({ change: 'create-account', account: JOINER, to: DEV_OU }, new Date(now).toISOString());
    await stackSets.reconcile(now);
    const first = stackSets.stackInstances().find((i) => i.account === JOINER)!;
    // The role is new in the first Region's instance: KMS cannot see it for 10 s, so the grant is retried after
    // 1, 2, 4 and 8 s; then the function waits the five minutes a grant may take to be in force.
    expect(first.at - now).toBe(15_000 + GRANT_PROPAGATION_MS);
  });

  it('refuses a launch before the grant is in force, as KMS does', async () => {
    organization.change({ change: 'create-account', account: JOINER, to: DEV_OU }, new Date(now).toISOString());
    const joinedAt = now;
    await stackSets.reconcile(now);
    now = joinedAt + MINUTE;
    const refusal = launchRefusal(kms, 'eu-west-1', keyId, autoScalingRole(JOINER, ORG));
    expect(refusal).toMatch(/not yet in force throughout KMS/);
  });

  it('retires the grants of an account that leaves the targeted OUs, and keeps its Auto Scaling role', async () => {
    now += 10 * MINUTE;
    organization.change(
      { change: 'move-account', account: EXISTING, to: 'ou-x1y2-prd00001' },
      new Date(now).toISOString(),
    );
    await stackSets.reconcile(now);
    expect(stackSets.stackInstances().filter((i) => i.account === EXISTING)).toHaveLength(REGIONS.length);
    organization.change({ change: 'remove-account', account: EXISTING }, new Date(now).toISOString());
    await stackSets.reconcile(now);
    expect(stackSets.stackInstances()).toEqual([]);
    for (const region of REGIONS) expect(kms.key(region, keyId)!.grants).toEqual([]);
  });

  it('leaves the grants of a leaver in place when the stack set retains stacks on removal', async () => {
    const retaining = new StackSetsFake(organization, MANAGEMENT, {
      iam: new ServiceLinkedRolesFake(),
      kms,
      organizationId: ORG,
    });
    retaining.trustedAccess = true;
    retaining.delegatedAdministrators.add(factory);
    retaining.createStackSet(factory, {
      ...stackSet,
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: true },
    });
    await retaining.createStackInstances([DEV_OU], ['eu-west-1'], now);
    const grantsOfExisting = () => kms.key('eu-west-1', keyId)!.grants.filter((g) => g.issuingAccount === EXISTING);
    // One grant per stack: the first stack set's and the retaining one's.
    expect(grantsOfExisting()).toHaveLength(2);
    organization.change({ change: 'remove-account', account: EXISTING }, new Date(now).toISOString());
    await retaining.reconcile(now);
    expect(retaining.stackInstances()).toEqual([]);
    expect(grantsOfExisting()).toHaveLength(2);
  });

  it('refuses a service-managed stack set without trusted access, or from an account that is not a delegated administrator', () => {
    const fresh = new StackSetsFake(organization, MANAGEMENT, {
      iam: new ServiceLinkedRolesFake(),
      kms,
      organizationId: ORG,
    });
    expect(() => fresh.createStackSet(factory, stackSet)).toThrow(/enable organizations access/);
    fresh.trustedAccess = true;
    expect(() => fresh.createStackSet(factory, stackSet)).toThrow(/not a delegated administrator/);
    expect(() =>
      fresh.createStackSet(MANAGEMENT, {
        ...stackSet,
        CallAs: 'SELF',
        TemplateBody: '{"Transform":"AWS::Serverless-2016-10-31"}',
      }),
    ).toThrow(/macros/);
  });
});
