import { beforeAll, describe, expect, it } from 'vitest';
import { rolloutRoleName, rolloutRoleNameOfStack } from '../../core/names.js';
import { autoScalingGrantName } from '../../core/sharing/key-grants.js';
import { ServiceLinkedRolesFake } from '../../local/fakes/iam-service-roles.js';
import { GRANT_PROPAGATION_MS, KmsFake } from '../../local/fakes/kms.js';
import { autoScalingRole, launchRefusal } from '../../local/fakes/kms-launch.js';
import { MemberAccess } from '../../local/fakes/member-access.js';
import { OrganizationsFake } from '../../local/fakes/organizations.js';
import { StackSetsFake } from '../../local/fakes/stacksets.js';
import { stackSetsApi } from '../../local/fakes/stacksets-api.js';
import { MOVE_SETTLE_MS, STACK_DELETION_MS } from '../../local/fakes/stacksets-moves.js';
import type { CreateStackSetInput } from '../../local/fakes/stacksets-types.js';
import { type CfnTemplate, TemplateResolver } from '../../local/simulator/intrinsics.js';
import { registerKeys } from '../../local/simulator/keys.js';
import { normalizeTemplate, SIMULATED_ACCOUNT } from '../../scripts/readiness/role-simulation.js';
import { MemberBaseline } from '../../stacks/MemberBaseline.js';
import { rolloutCatalog } from '../fixtures/catalogs/rollout.js';
import { FACTORY_STACKS, synthesize } from '../stacks/helpers.js';

const MANAGEMENT = '100000000000';
const PRD1 = 'ou-x1y2-prd00001';
const PRD2 = 'ou-x1y2-prd00002';
const MOVER = '200000000001';
const MINUTE = 60_000;

type StackSetProps = CreateStackSetInput & {
  StackInstancesGroup: { DeploymentTargets: { OrganizationalUnitIds: string[] }; Regions: string[] }[];
};

describe('the member baseline when an account moves between two targeted OUs (a catalog that rolls out)', () => {
  let templates: CfnTemplate[];
  let resolver: TemplateResolver;
  let stackSet: StackSetProps;
  let org: string;
  beforeAll(async () => {
    const catalog = rolloutCatalog();
    org = catalog.organization.id;
    const synth = await synthesize(catalog, { stacks: [...FACTORY_STACKS, MemberBaseline] });
    templates = [...synth.templates.values()].map((t) => normalizeTemplate(t.toJSON()) as CfnTemplate);
    resolver = new TemplateResolver(templates, {
      accountId: SIMULATED_ACCOUNT,
      region: catalog.organization.homeRegion,
    });
    const resource = templates
      .flatMap((t) => Object.values(t.Resources ?? {}))
      .find((r) => r.Type === 'AWS::CloudFormation::StackSet')!;
    stackSet = resolver.resolve(resource.Properties) as StackSetProps;
  });

  /**
   * `props` deployed by StackSets to PRD1, whose one account (MOVER) is to move to PRD2, at `at` (ms): the KMS fake
   * holding the stacks' keys (on `kmsClock` when given) and reading the organization's paths, the organization, the
   * member roles and the StackSets fake.
   */
  async function deployed(props: StackSetProps, at: number, kmsClock?: () => number) {
    const kms = new KmsFake(SIMULATED_ACCOUNT);
    if (kmsClock) kms.clock = kmsClock;
    registerKeys(templates, resolver, kms);
    const organization = new OrganizationsFake({
      organizationId: org,
      managementAccountId: MANAGEMENT,
      ous: [{ id: PRD1, accounts: [{ id: MOVER }] }, { id: PRD2 }],
    });
    kms.organizationPathsOf = (account) => organization.principalOrgPaths(account);
    const roles = new MemberAccess(() => org);
    const stackSets = new StackSetsFake(
      organization,
      MANAGEMENT,
      { iam: new ServiceLinkedRolesFake(), kms, organizationId: org },
      roles,
    );
    stackSets.trustedAccess = true;
    stackSets.delegatedAdministrators.add(SIMULATED_ACCOUNT);
    stackSets.createStackSet(SIMULATED_ACCOUNT, props);
    const [group] = props.StackInstancesGroup;
    await stackSets.createStackInstances(group!.DeploymentTargets.OrganizationalUnitIds, group!.Regions, at);
    return { kms, organization, roles, stackSets, group: group! };
  }

  it('gives the moved account its new instance’s own rollout role and grant once the old instance’s deletion took its own', async () => {
    let now = Date.parse('2026-03-02T09:00:00Z');
    const { kms, organization, roles, stackSets, group } = await deployed(stackSet, now, () => now);
    const keyId = stackSet.Parameters!.find((p) => p.ParameterKey === 'AmiKeyId')!.ParameterValue;
    const regions = group.Regions;
    const before = stackSets.stackInstances();
    const plain = rolloutRoleName('test');
    const roleOf = (stackIds: string[]) =>
      stackIds.map((id) => `arn:aws:iam::${MOVER}:role/${rolloutRoleNameOfStack(plain, id)}`);
    expect(roles.roleArns()).toHaveLength(1);
    expect(roleOf(before.map((i) => i.stackId))).toContain(roles.roleArns()[0]);

    now += 10 * MINUTE;
    organization.change({ change: 'move-account', account: MOVER, to: PRD2 }, new Date(now).toISOString());
    await stackSets.reconcile(now);
    const after = stackSets.stackInstances();
    expect(after.map((i) => [i.region, i.ou, i.status])).toEqual(regions.map((r) => [r, PRD2, 'CURRENT']));
    // One role, the new instance's; no grant of the old instances, one of each new one, in force once it is CURRENT.
    expect(roleOf(after.map((i) => i.stackId))).toContain(roles.roleArns()[0]);
    expect(roles.roleArns()).toHaveLength(1);
    expect(roleOf(before.map((i) => i.stackId))).not.toContain(roles.roleArns()[0]);
    now = Math.max(...after.map((i) => i.at)) + GRANT_PROPAGATION_MS;
    for (const instance of after) {
      const names = kms.key(instance.region, keyId)!.grants.map((g) => g.name);
      expect(names).toEqual([autoScalingGrantName(instance.stackId)]);
      expect(launchRefusal(kms, instance.region, keyId, autoScalingRole(MOVER, org))).toBeUndefined();
    }
    // Each grant names the factory's account as its retiring principal: the factory can retire it, another account not.
    const [grant] = kms.key(regions[0]!, keyId)!.grants;
    expect(grant?.retiringPrincipal).toBe(`arn:aws:iam::${SIMULATED_ACCOUNT}:root`);
    const outsider = {
      account: '300000000003',
      principalArn: 'arn:aws:iam::300000000003:role/x',
      identityAllows: true,
    };
    expect(() => kms.retireGrant(regions[0]!, keyId, outsider, grant!.grantId)).toThrow(/not authorized/);
    const factory = {
      account: SIMULATED_ACCOUNT,
      principalArn: `arn:aws:iam::${SIMULATED_ACCOUNT}:role/sweeper`,
      identityAllows: true,
    };
    kms.retireGrant(regions[0]!, keyId, factory, grant!.grantId);
    expect(kms.key(regions[0]!, keyId)!.grants).toEqual([]);
    // What the rollout engine reads to find the role: the instance in the role's Region, by its stack id.
    const listed = stackSetsApi(stackSets).handle({
      service: 'cloudformation',
      action: 'ListStackInstances',
      input: { StackSetName: stackSet.StackSetName, StackInstanceAccount: MOVER, StackInstanceRegion: regions[0] },
      body: undefined,
      region: 'eu-west-1',
      accountId: SIMULATED_ACCOUNT,
    }) as { Summaries: { StackId: string }[] };
    expect(roleOf(listed.Summaries.map((s) => s.StackId))).toEqual(roles.roleArns());
  });

  it('deletes the old instance first (its role and grant gone at once), lists the queued create PENDING, then the new one RUNNING until its stack ends', async () => {
    let now = Date.parse('2026-03-02T09:00:00Z');
    const kms = new KmsFake(SIMULATED_ACCOUNT);
    kms.clock = () => now;
    registerKeys(templates, resolver, kms);
    const organization = new OrganizationsFake({
      organizationId: org,
      managementAccountId: MANAGEMENT,
      ous: [{ id: PRD1, accounts: [{ id: MOVER }] }, { id: PRD2 }],
    });
    kms.organizationPathsOf = (account) => organization.principalOrgPaths(account);
    const roles = new MemberAccess(() => org);
    const stackSets = new StackSetsFake(
      organization,
      MANAGEMENT,
      { iam: new ServiceLinkedRolesFake(), kms, organizationId: org },
      roles,
    );
    // As the local cloud wires it: the listing reads the clock, the queued create waits on it.
    const armed: { account: string; region: string; at: number }[] = [];
    stackSets.clock = () => now;
    stackSets.armCreation = (account, region, at) => armed.push({ account, region, at });
    stackSets.trustedAccess = true;
    stackSets.delegatedAdministrators.add(SIMULATED_ACCOUNT);
    stackSets.createStackSet(SIMULATED_ACCOUNT, stackSet);
    const [group] = stackSet.StackInstancesGroup;
    const region = group!.Regions[0]!;
    const keyId = stackSet.Parameters!.find((p) => p.ParameterKey === 'AmiKeyId')!.ParameterValue;
    await stackSets.createStackInstances(group!.DeploymentTargets.OrganizationalUnitIds, group!.Regions, now);
    const list = () =>
      (
        stackSetsApi(stackSets).handle({
          service: 'cloudformation',
          action: 'ListStackInstances',
          input: { StackSetName: stackSet.StackSetName, StackInstanceAccount: MOVER, StackInstanceRegion: region },
          body: undefined,
          region: 'eu-west-1',
          accountId: SIMULATED_ACCOUNT,
        }) as {
          Summaries: {
            StackId: string;
            Status: string;
            OrganizationalUnitId: string;
            StackInstanceStatus: { DetailedStatus: string };
          }[];
        }
      ).Summaries.map((s) => [s.OrganizationalUnitId, s.Status, s.StackInstanceStatus.DetailedStatus]);
    const [old] = stackSets.stackInstances().filter((i) => i.region === region);
    now += 10 * MINUTE;
    organization.change({ change: 'move-account', account: MOVER, to: PRD2 }, new Date(now).toISOString());
    await stackSets.reconcile(now);
    const roleOf = (stackId: string) =>
      `arn:aws:iam::${MOVER}:role/${rolloutRoleNameOfStack(rolloutRoleName('test'), stackId)}`;
    // One instance per account and Region: the old one, being deleted; its role and its grant gone from the start.
    expect(list()).toEqual([[PRD1, 'CURRENT', 'RUNNING']]);
    expect(roles.roleArns()).toEqual([]);
    expect(kms.key(region, keyId)!.grants).toEqual([]);
    expect(old!.at - now).toBeGreaterThanOrEqual(STACK_DELETION_MS);
    // The create waits in the queue behind the deletion, for the settle time, listed as yet to start.
    const queued = armed.find((a) => a.account === MOVER && a.region === region);
    expect(queued?.at).toBe(old!.at + MOVE_SETTLE_MS);
    now = old!.at;
    expect(list()).toEqual([[PRD2, 'OUTDATED', 'PENDING']]);
    // Auto-deployment meanwhile makes no second instance for it.
    await stackSets.reconcile(now);
    expect(stackSets.stackInstances().filter((i) => i.account === MOVER && i.region === region)).toEqual([]);
    now = queued!.at;
    await stackSets.createQueued(MOVER, region);
    const fresh = stackSets.stackInstances().find((i) => i.region === region)!;
    expect(list()).toEqual([[PRD2, 'OUTDATED', 'RUNNING']]);
    expect(roles.roleArns()).toContain(roleOf(fresh.stackId));
    // The new stack takes its role and its grant's propagation (KMS: usually under five minutes) before it is CURRENT.
    expect(fresh.at - now).toBeGreaterThanOrEqual(GRANT_PROPAGATION_MS);
    now = fresh.at;
    expect(list()).toEqual([[PRD2, 'CURRENT', 'SUCCEEDED']]);
    expect(kms.key(region, keyId)!.grants.map((g) => g.name)).toEqual([autoScalingGrantName(fresh.stackId)]);
    // A second run of the same queued create does nothing.
    await stackSets.createQueued(MOVER, region);
    expect(stackSets.stackInstances().filter((i) => i.region === region)).toEqual([fresh]);
  });

  it('keeps a fixed role name across the move: the old stack’s deletion frees the name before the create takes it', async () => {
    // A fixed-name template, as the parameter's default gives it: what StackSets does with it on a move.
    const fixed = {
      ...stackSet,
      Parameters: stackSet.Parameters?.filter((p) => p.ParameterKey !== 'RolloutRolePerStack'),
    };
    const { organization, roles, stackSets, group } = await deployed(fixed, 0);
    const plain = `arn:aws:iam::${MOVER}:role/${rolloutRoleName('test')}`;
    expect(roles.roleArns()).toEqual([plain]);
    organization.change({ change: 'move-account', account: MOVER, to: PRD2 }, '2026-03-02T09:00:00Z');
    await stackSets.reconcile(MINUTE);
    const moved = stackSets.stackInstances().find((i) => i.region === group.Regions[0]);
    expect([moved?.ou, moved?.status]).toEqual([PRD2, 'CURRENT']);
    expect(roles.roleArns()).toEqual([plain]);
  });
});
