import {
  ActiveInstanceRefreshNotFoundFault,
  AutoScalingClient,
  CancelInstanceRefreshCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  InstanceRefreshInProgressFault,
  RollbackInstanceRefreshCommand,
  StartInstanceRefreshCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateVersionCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach } from 'vitest';
import { parseCatalog } from '../../core/config/catalog.js';
import { forgetOrganization } from '../../functions/sharing/channel-targets.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { exampleCatalog, exampleFiles } from '../unit/config/helpers.js';

/**
 * The member accounts a rollout handler test runs against: Auto Scaling groups, launch templates and instance
 * refreshes held in plain maps per account and Region (the account is the one whose role the client's credentials
 * came from: AssumeRole's key names it), Organizations with two prod OUs, and the ledger in dynalite.
 */

export const PRD1 = 'ou-x1y2-prd00001';
export const PRD2 = 'ou-x1y2-prd00002';
export const CANARY = '200000000001';
export const WAVE1 = '200000000002';
export const REST = '200000000003';
export const REGION = 'us-east-1';
export const AMI = 'ami-0aaa1111bbbb2222c';
export const INPUT = { image: 'base', channel: 'prod', version: '1.0.0/3', amis: { [REGION]: AMI } };

export interface Template {
  id: string;
  tags: Record<string, string>;
  versions: { number: number; imageId: string; token?: string }[];
}
export interface Group {
  name: string;
  tags: Record<string, string>;
  template: { id: string; version: string } | undefined;
  launchConfigurationName?: string;
}
export interface Refresh {
  id: string;
  group: string;
  status: string;
  statusReason?: string;
  desired?: { LaunchTemplateId: string; Version: string };
  preferences?: Record<string, unknown>;
}
export interface Member {
  groups: Group[];
  templates: Template[];
  refreshes: Refresh[];
}

export const world = { members: new Map<string, Member>(), refreshCounter: 0, started: [] as string[] };

/** One following group with a literal-AMI template at version 3, in `account`. */
export function followingGroup(account: string, name = `web-${account.slice(-1)}`, tag = 'base/prod'): void {
  const m = memberOf(account);
  const id = `lt-${account.slice(-3)}${name}`;
  m.templates.push({
    id,
    tags: { 'goldsmith:follow': tag },
    versions: [1, 2, 3].map((n) => ({ number: n, imageId: 'ami-0old' })),
  });
  m.groups.push({ name, tags: { 'goldsmith:follow': tag }, template: { id, version: '3' } });
}

export function memberOf(account: string): Member {
  let m = world.members.get(`${account}/${REGION}`);
  if (!m) {
    m = { groups: [], templates: [], refreshes: [] };
    world.members.set(`${account}/${REGION}`, m);
  }
  return m;
}

/** Sets every refresh of `account` that is still active to `status`. */
export function settle(account: string, status: string, reason?: string): void {
  for (const r of memberOf(account).refreshes) {
    if (['Pending', 'InProgress', 'Baking'].includes(r.status)) {
      r.status = status;
      if (reason) r.statusReason = reason;
    }
  }
}

export const asg = mockClient(AutoScalingClient);
export const ec2 = mockClient(EC2Client);
export const sts = mockClient(STSClient);
export const org = mockClient(OrganizationsClient);

type WithConfig = () => { config: { credentials: () => Promise<{ accessKeyId: string }> } };

/** The member account a mocked call acts in: the assumed role's access key is `AK<account>`. */
async function accountOf(getClient: WithConfig): Promise<string> {
  return (await getClient().config.credentials()).accessKeyId.slice(2);
}

const ACTIVE = ['Pending', 'InProgress', 'Baking', 'Cancelling', 'RollbackInProgress'];

function answer(): void {
  sts.on(AssumeRoleCommand).callsFake((i: { RoleArn: string; RoleSessionName: string }) => {
    const account = i.RoleArn.split(':')[4] ?? '';
    return {
      Credentials: {
        AccessKeyId: `AK${account}`,
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    };
  });
  org
    .on(DescribeOrganizationCommand)
    .resolves({ Organization: { Arn: 'arn:aws:organizations::999988887777:organization/o-a1b2c3d4e5' } });
  org.on(ListRootsCommand).resolves({ Roots: [{ Id: 'r-x1y2' }] });
  org.on(ListOrganizationalUnitsForParentCommand).callsFake((i: { ParentId: string }) => ({
    OrganizationalUnits:
      i.ParentId === 'r-x1y2'
        ? [PRD1, PRD2].map((Id) => ({ Id, Arn: `arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/${Id}` }))
        : [],
  }));
  org.on(ListAccountsForParentCommand).callsFake((i: { ParentId: string }) => ({
    Accounts: (i.ParentId === PRD1 ? [CANARY, WAVE1] : i.ParentId === PRD2 ? [REST] : []).map((Id) => ({
      Id,
      State: 'ACTIVE',
    })),
  }));

  asg
    .on(DescribeAutoScalingGroupsCommand)
    .callsFake(async (i: { Filters: { Name: string; Values: string[] }[] }, c: WithConfig) => {
      const m = memberOf(await accountOf(c));
      const [filter] = i.Filters;
      const key = filter?.Name.replace(/^tag:/, '') ?? '';
      return {
        AutoScalingGroups: m.groups
          .filter((g) => filter?.Values.includes(g.tags[key] ?? ''))
          .map((g) => ({
            AutoScalingGroupName: g.name,
            Tags: Object.entries(g.tags).map(([Key, Value]) => ({ Key, Value })),
            ...(g.template && { LaunchTemplate: { LaunchTemplateId: g.template.id, Version: g.template.version } }),
            ...(g.launchConfigurationName && { LaunchConfigurationName: g.launchConfigurationName }),
          })),
      };
    });
  ec2.on(DescribeLaunchTemplatesCommand).callsFake(async (i: { LaunchTemplateIds: string[] }, c: WithConfig) => {
    const m = memberOf(await accountOf(c));
    return {
      LaunchTemplates: m.templates
        .filter((t) => i.LaunchTemplateIds.includes(t.id))
        .map((t) => ({ LaunchTemplateId: t.id, Tags: Object.entries(t.tags).map(([Key, Value]) => ({ Key, Value })) })),
    };
  });
  ec2
    .on(DescribeLaunchTemplateVersionsCommand)
    .callsFake(async (i: { LaunchTemplateId: string; Versions: string[] }, c: WithConfig) => {
      const t = memberOf(await accountOf(c)).templates.find((x) => x.id === i.LaunchTemplateId);
      return {
        LaunchTemplateVersions: (t?.versions ?? [])
          .filter((v) => i.Versions.includes(String(v.number)))
          .map((v) => ({ VersionNumber: v.number, LaunchTemplateData: { ImageId: v.imageId } })),
      };
    });
  ec2
    .on(CreateLaunchTemplateVersionCommand)
    .callsFake(
      async (
        i: { LaunchTemplateId: string; ClientToken: string; LaunchTemplateData: { ImageId: string } },
        c: WithConfig,
      ) => {
        const t = memberOf(await accountOf(c)).templates.find((x) => x.id === i.LaunchTemplateId);
        if (!t) throw new Error(`no template ${i.LaunchTemplateId}`);
        const again = t.versions.find((v) => v.token === i.ClientToken);
        const v = again ?? {
          number: t.versions.length + 1,
          imageId: i.LaunchTemplateData.ImageId,
          token: i.ClientToken,
        };
        if (!again) t.versions.push(v);
        return { LaunchTemplateVersion: { VersionNumber: v.number, LaunchTemplateId: t.id } };
      },
    );
  asg
    .on(StartInstanceRefreshCommand)
    .callsFake(
      async (
        i: {
          AutoScalingGroupName: string;
          DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: string; Version: string } };
          Preferences: Record<string, unknown>;
        },
        c: WithConfig,
      ) => {
        const account = await accountOf(c);
        const m = memberOf(account);
        if (m.refreshes.some((r) => r.group === i.AutoScalingGroupName && ACTIVE.includes(r.status))) {
          throw new InstanceRefreshInProgressFault({
            message: 'An active instance refresh already exists',
            $metadata: {},
          });
        }
        world.refreshCounter += 1;
        const id = `ir-${world.refreshCounter}`;
        m.refreshes.unshift({
          id,
          group: i.AutoScalingGroupName,
          status: 'Pending',
          desired: i.DesiredConfiguration.LaunchTemplate,
          preferences: i.Preferences,
        });
        world.started.push(`${account}/${i.AutoScalingGroupName}`);
        return { InstanceRefreshId: id };
      },
    );
  asg
    .on(DescribeInstanceRefreshesCommand)
    .callsFake(async (i: { AutoScalingGroupName: string; InstanceRefreshIds?: string[] }, c: WithConfig) => ({
      InstanceRefreshes: memberOf(await accountOf(c))
        .refreshes.filter(
          (r) => r.group === i.AutoScalingGroupName && (!i.InstanceRefreshIds || i.InstanceRefreshIds.includes(r.id)),
        )
        .map((r) => ({
          InstanceRefreshId: r.id,
          AutoScalingGroupName: r.group,
          Status: r.status,
          ...(r.statusReason && { StatusReason: r.statusReason }),
          ...(r.desired && { DesiredConfiguration: { LaunchTemplate: r.desired } }),
        })),
    }));
  const endActive = (to: string) => async (i: { AutoScalingGroupName: string }, c: WithConfig) => {
    const r = memberOf(await accountOf(c)).refreshes.find(
      (x) => x.group === i.AutoScalingGroupName && ACTIVE.includes(x.status),
    );
    if (!r) throw new ActiveInstanceRefreshNotFoundFault({ message: 'not found', $metadata: {} });
    r.status = to;
    return {};
  };
  asg.on(CancelInstanceRefreshCommand).callsFake(endActive('Cancelling'));
  asg.on(RollbackInstanceRefreshCommand).callsFake(endActive('RollbackInProgress'));
}

/** The example catalog with a three-wave rollout on prod: canary account, then OU prd00001, then OU prd00002. */
export function rolloutCatalog(rollout: Record<string, unknown> = {}) {
  const input = exampleCatalog();
  input.channels[2].rollout = {
    waves: [
      { name: 'canary', accounts: [CANARY] },
      { name: 'wave-1', ous: [PRD1] },
      { name: 'rest', ous: [PRD2] },
    ],
    alarms: ['app-5xx'],
    ...rollout,
  };
  const parsed = parseCatalog(input, exampleFiles());
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.catalog;
}

/** A rollout handler test's world: reset before each test, the ledger table recreated. */
export function useRolloutWorld(): void {
  const dynamo = useLocalDynamo();
  beforeEach(async () => {
    process.env.GOLDSMITH_CATALOG = JSON.stringify(rolloutCatalog());
    process.env.ROLLOUT_ROLE_NAME = 'goldsmith-test-rollout';
    process.env.LEDGER_TABLE = 'ledger';
    world.members.clear();
    world.refreshCounter = 0;
    world.started = [];
    answer();
    await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
    forgetOrganization();
  });
  afterEach(() => {
    for (const m of [asg, ec2, sts, org]) m.reset();
  });
}
