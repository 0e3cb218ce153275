import {
  AutoScalingClient,
  AutoScalingServiceException,
  DescribeInstanceRefreshesCommand,
  StartInstanceRefreshCommand,
} from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient, ListStackInstancesCommand } from '@aws-sdk/client-cloudformation';
import { ListParentsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { beforeEach, describe, expect, it } from 'vitest';
import { heldRolloutRoles, type RolloutRoleLookup, rolloutRole } from '../../../aws/rollout/member-baseline-roles.js';
import { describeRefreshes, startRefresh } from '../../../aws/rollout/rollout-refresh.js';
import { mockClient } from '../../helpers/mock-client.js';

const cfn = mockClient(CloudFormationClient);
const sts = mockClient(STSClient);
const asg = mockClient(AutoScalingClient);
const org = mockClient(OrganizationsClient);
const ACCOUNT = '200000000011';
const [PRD1, PRD2] = ['ou-x1y2-prd00001', 'ou-x1y2-prd00002'];
const LOOKUP: RolloutRoleLookup = {
  stackSetName: 'goldsmith-prod-member-baseline',
  callAs: 'DELEGATED_ADMIN',
  roleRegion: 'eu-west-1',
  roleName: 'goldsmith-prod-rollout',
};
const stack = (uuid: string) =>
  `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/StackSet-goldsmith-prod-member-baseline-x/${uuid}`;
const OLD = stack('0ld00000-1111-4222-8333-444455556666');
const NEW = stack('5e700000-1111-4222-8333-444455556666');
const OLD_ROLE = 'goldsmith-prod-rollout-0ld00000';
const NEW_ROLE = 'goldsmith-prod-rollout-5e700000';
const current = (StackId: string, ou: string) => ({
  StackId,
  Status: 'CURRENT' as const,
  StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' as const },
  OrganizationalUnitId: ou,
});
const assumed = () => sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn?.split('/')[1]);
type WithConfig = () => { config: { credentials: () => Promise<{ accessKeyId: string }> } };
/** The role a mocked call was signed as: AssumeRole below hands out the role's name as the access key. */
const roleOf = async (c: WithConfig) => (await c().config.credentials()).accessKeyId;
const denied = (message: string) =>
  new AutoScalingServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {}, message });
const deleted = new Set<string>();
const scope = (session: string) => ({
  account: ACCOUNT,
  region: 'eu-west-1',
  role: rolloutRole(LOOKUP, ACCOUNT, session),
});

describe('the rollout role when a service refuses credentials it already holds (an account moved between OUs)', () => {
  beforeEach(() => {
    for (const m of [cfn, sts, asg, org]) m.reset();
    deleted.clear();
    sts.on(AssumeRoleCommand).callsFake((i: { RoleArn: string }) => {
      const name = i.RoleArn.split('/')[1] ?? '';
      // The stack instances' roles exist (until deleted); no role has the plain name (no stack deployed by hand).
      if (deleted.has(name) || name === LOOKUP.roleName)
        throw Object.assign(new Error('not authorized'), { name: 'AccessDenied' });
      return {
        Credentials: {
          AccessKeyId: name,
          SecretAccessKey: 's',
          SessionToken: 't',
          Expiration: new Date(Date.UTC(2100, 0)),
        },
      };
    });
    // Auto Scaling evaluates the role's permissions on each call: a deleted role's credentials are refused.
    asg.on(DescribeInstanceRefreshesCommand).callsFake(async (_i: unknown, c: WithConfig) => {
      const role = await roleOf(c);
      if (deleted.has(role))
        throw denied(`User: ${role} is not authorized to perform: autoscaling:DescribeInstanceRefreshes`);
      return { InstanceRefreshes: [{ InstanceRefreshId: 'r-1', Status: 'InProgress' }] };
    });
  });

  it('drops the role and its credentials, lists the instances again and retries once as the new instance’s role', async () => {
    cfn
      .on(ListStackInstancesCommand)
      .resolvesOnce({ Summaries: [current(OLD, PRD1)] })
      .resolves({ Summaries: [current(NEW, PRD2)] });
    const read = () => describeRefreshes(scope('move-a'), 'web', ['r-1']);
    expect(await read()).toEqual([{ refreshId: 'r-1', status: 'InProgress' }]);
    deleted.add(OLD_ROLE);
    expect(await read()).toEqual([{ refreshId: 'r-1', status: 'InProgress' }]);
    expect(assumed()).toEqual([OLD_ROLE, NEW_ROLE]);
    expect(cfn.commandCalls(ListStackInstancesCommand)).toHaveLength(2);
    expect(heldRolloutRoles()[`${ACCOUNT}/goldsmith-prod-rollout/move-a`]).toBe(NEW_ROLE);
    // Later calls sign with the new role's client at once: nothing more is listed or assumed.
    await read();
    expect(asg.commandCalls(DescribeInstanceRefreshesCommand)).toHaveLength(4);
    expect(cfn.commandCalls(ListStackInstancesCommand)).toHaveLength(2);
    expect(assumed()).toHaveLength(2);
  });

  it('retried as the new role, a refresh start takes the refresh its refused first run started instead of a second', async () => {
    cfn
      .on(ListStackInstancesCommand)
      .resolvesOnce({ Summaries: [current(OLD, PRD1)] })
      .resolves({ Summaries: [current(NEW, PRD2)] });
    const refreshes: { InstanceRefreshId: string; Status: 'Pending'; DesiredConfiguration: unknown }[] = [];
    asg.on(StartInstanceRefreshCommand).callsFake((i: { DesiredConfiguration: unknown }) => {
      refreshes.push({ InstanceRefreshId: 'r-9', Status: 'Pending', DesiredConfiguration: i.DesiredConfiguration });
      // The old stack instance's deletion takes its role right after the refresh started.
      deleted.add(OLD_ROLE);
      return { InstanceRefreshId: 'r-9' };
    });
    asg.on(DescribeInstanceRefreshesCommand).callsFake(async (_i: unknown, c: WithConfig) => {
      const role = await roleOf(c);
      if (deleted.has(role)) throw denied(`User: ${role} is not authorized`);
      return { InstanceRefreshes: refreshes };
    });
    const started = await startRefresh(scope('move-b'), {
      group: 'web',
      launchTemplateId: 'lt-1',
      version: 4,
      preferences: {
        AutoRollback: true,
        BakeTime: 0,
        MinHealthyPercentage: 90,
        MaxHealthyPercentage: 100,
        SkipMatching: false,
        ScaleInProtectedInstances: 'Ignore',
        StandbyInstances: 'Ignore',
      },
      mixed: 'none',
    });
    expect(started).toEqual({ kind: 'started', refreshId: 'r-9', status: 'Pending' });
    expect(asg.commandCalls(StartInstanceRefreshCommand)).toHaveLength(1);
    expect(assumed()).toEqual([OLD_ROLE, NEW_ROLE]);
  });

  it('keeps the role when no other one is left, throws the refusal, and lists again no sooner than a minute later', async () => {
    cfn.on(ListStackInstancesCommand).resolves({ Summaries: [current(NEW, PRD2)] });
    asg.on(DescribeInstanceRefreshesCommand).rejects(denied('not authorized: the group is tagged for another channel'));
    const read = () => describeRefreshes(scope('move-c'), 'other', ['r-1']);
    await expect(read()).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(read()).rejects.toMatchObject({ name: 'AccessDenied' });
    // The plain name (a stack deployed by hand) was tried once as the other role: STS refused it (none of that name).
    expect(cfn.commandCalls(ListStackInstancesCommand)).toHaveLength(2);
    expect(heldRolloutRoles()[`${ACCOUNT}/goldsmith-prod-rollout/move-c`]).toBe(NEW_ROLE);
  });

  it('assumes the same role again when its token expired', async () => {
    cfn.on(ListStackInstancesCommand).resolves({ Summaries: [current(NEW, PRD2)] });
    asg
      .on(DescribeInstanceRefreshesCommand)
      .rejectsOnce(
        new AutoScalingServiceException({
          name: 'ExpiredToken',
          $fault: 'client',
          $metadata: {},
          message: 'The security token included in the request is expired',
        }),
      )
      .resolves({ InstanceRefreshes: [] });
    expect(await describeRefreshes(scope('move-d'), 'web', ['r-1'])).toEqual([]);
    expect(assumed()).toEqual([NEW_ROLE, NEW_ROLE]);
  });
});

describe('choosing between two stack instances of a moved account', () => {
  beforeEach(() => {
    for (const m of [cfn, sts, org]) m.reset();
    sts.on(AssumeRoleCommand).callsFake((i: { RoleArn: string }) => ({
      Credentials: {
        AccessKeyId: i.RoleArn.split('/')[1],
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date(Date.UTC(2100, 0)),
      },
    }));
  });

  it('prefers the CURRENT instance of the OU the account is in now (ListParents, every page) to the one it left', async () => {
    cfn.on(ListStackInstancesCommand).resolves({ Summaries: [current(OLD, PRD1), current(NEW, PRD2)] });
    org
      .on(ListParentsCommand)
      .resolvesOnce({ Parents: [], NextToken: 'more' })
      .resolves({ Parents: [{ Id: PRD2, Type: 'ORGANIZATIONAL_UNIT' }] });
    await rolloutRole(LOOKUP, ACCOUNT, 'parent-1').identity();
    expect(assumed()).toEqual([NEW_ROLE]);
    // Two pages: the first, empty, named a next one.
    expect(org.commandCalls(ListParentsCommand).map((c) => c.args[0].input.ChildId)).toEqual([ACCOUNT, ACCOUNT]);
    expect(org.commandCalls(ListParentsCommand)[1]?.args[0].input.NextToken).toBe('more');
  });

  it('falls back to the other instance when the current OU’s is not CURRENT, and walks up from a nested OU', async () => {
    cfn.on(ListStackInstancesCommand).resolves({
      Summaries: [
        { ...current(NEW, PRD2), Status: 'OUTDATED', StackInstanceStatus: { DetailedStatus: 'FAILED' } },
        current(OLD, PRD1),
      ],
    });
    org
      .on(ListParentsCommand, { ChildId: ACCOUNT })
      .resolves({ Parents: [{ Id: 'ou-x1y2-team0001', Type: 'ORGANIZATIONAL_UNIT' }] })
      .on(ListParentsCommand, { ChildId: 'ou-x1y2-team0001' })
      .resolves({ Parents: [{ Id: PRD2, Type: 'ORGANIZATIONAL_UNIT' }] });
    await rolloutRole(LOOKUP, ACCOUNT, 'parent-2').identity();
    expect(assumed()).toEqual([OLD_ROLE]);
    expect(org.commandCalls(ListParentsCommand)).toHaveLength(2);
  });

  it('asks Organizations nothing when the account has one instance', async () => {
    cfn.on(ListStackInstancesCommand).resolves({ Summaries: [current(NEW, PRD2)] });
    await rolloutRole(LOOKUP, ACCOUNT, 'parent-3').identity();
    expect(org.commandCalls(ListParentsCommand)).toHaveLength(0);
  });
});
