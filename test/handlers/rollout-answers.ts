import {
  ActiveInstanceRefreshNotFoundFault,
  CancelInstanceRefreshCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  type DesiredConfiguration,
  InstanceRefreshInProgressFault,
  type LifecycleState,
  RollbackInstanceRefreshCommand,
  StartInstanceRefreshCommand,
} from '@aws-sdk/client-auto-scaling';
import { ListStackInstancesCommand } from '@aws-sdk/client-cloudformation';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateLaunchTemplateVersionCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
} from '@aws-sdk/client-ec2';
import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import {
  accountOf,
  asg,
  CANARY,
  cfn,
  cw,
  ec2,
  memberOf,
  org,
  PRD1,
  PRD2,
  parentOf,
  REST,
  type Refresh,
  sts,
  WAVE1,
  type WithConfig,
  world,
} from './rollout-members.js';

/** How the mocked member accounts, STS and Organizations answer: from the maps of rollout-members.ts. */
const ACTIVE = ['Pending', 'InProgress', 'Baking', 'Cancelling', 'RollbackInProgress'];

export function answer(): void {
  sts.on(AssumeRoleCommand).callsFake((i: { RoleArn: string; RoleSessionName: string }) => {
    const account = i.RoleArn.split(':')[4] ?? '';
    const role = i.RoleArn.split('/').at(-1) ?? '';
    const fails = world.assumeFails.get(account);
    if (fails) throw fails;
    if (world.deletedRoles.has(role) || (world.roles && !world.roles.has(role))) {
      throw Object.assign(new Error(`not authorized to perform: sts:AssumeRole on resource: ${i.RoleArn}`), {
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
      });
    }
    return {
      Credentials: {
        AccessKeyId: `AK${account}`,
        SecretAccessKey: 's',
        SessionToken: role,
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
    Accounts: [CANARY, WAVE1, REST].filter((a) => parentOf(a) === i.ParentId).map((Id) => ({ Id, State: 'ACTIVE' })),
  }));
  org.on(ListParentsCommand).callsFake((i: { ChildId: string }) => ({
    Parents: [{ Id: parentOf(i.ChildId), Type: 'ORGANIZATIONAL_UNIT' }],
  }));
  cfn.on(ListStackInstancesCommand).callsFake((i: { StackInstanceAccount?: string }) => ({
    Summaries: world.stackInstances.get(i.StackInstanceAccount ?? '') ?? [],
  }));

  asg
    .on(DescribeAutoScalingGroupsCommand)
    .callsFake(
      async (
        i: { Filters?: { Name: string; Values: string[] }[]; AutoScalingGroupNames?: string[] },
        c: WithConfig,
      ) => {
        const m = memberOf(await accountOf(c));
        // Without a filter, every group of the account (the engine reads them all for a shared template at $Latest).
        const [filter] = i.Filters ?? [];
        const key = filter?.Name.replace(/^tag:/, '') ?? '';
        return {
          AutoScalingGroups: m.groups
            .filter((g) => !filter || filter.Values.includes(g.tags[key] ?? ''))
            .filter((g) => !i.AutoScalingGroupNames || i.AutoScalingGroupNames.includes(g.name))
            .map((g) => ({
              AutoScalingGroupName: g.name,
              Tags: Object.entries(g.tags).map(([Key, Value]) => ({ Key, Value })),
              ...(g.template && { LaunchTemplate: { LaunchTemplateId: g.template.id, Version: g.template.version } }),
              ...(g.launchConfigurationName && { LaunchConfigurationName: g.launchConfigurationName }),
              ...(g.mixed && { MixedInstancesPolicy: g.mixed }),
              Instances: (g.instances ?? []).map((x, n) => ({
                InstanceId: `i-${n}`,
                LifecycleState: (x.lifecycle ?? (x.standby ? 'Standby' : 'InService')) as LifecycleState,
                HealthStatus: x.health ?? 'Healthy',
                ProtectedFromScaleIn: x.protected === true,
                ...(g.template && {
                  LaunchTemplate: { LaunchTemplateId: x.templateId ?? g.template.id, Version: x.version },
                }),
              })),
            })),
        };
      },
    );
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
          .map((v) => ({
            VersionNumber: v.number,
            ...(v.description !== undefined && { VersionDescription: v.description }),
            LaunchTemplateData: { ...v.data, ImageId: v.imageId },
          })),
      };
    });
  ec2.on(CreateLaunchTemplateVersionCommand).callsFake(
    async (
      i: {
        LaunchTemplateId: string;
        ClientToken: string;
        SourceVersion?: string;
        VersionDescription?: string;
        LaunchTemplateData: { ImageId: string };
      },
      c: WithConfig,
    ) => {
      const t = memberOf(await accountOf(c)).templates.find((x) => x.id === i.LaunchTemplateId);
      if (!t) throw new Error(`no template ${i.LaunchTemplateId}`);
      const again = t.versions.find((v) => v.token === i.ClientToken);
      const v = again ?? {
        number: t.versions.length + 1,
        imageId: i.LaunchTemplateData.ImageId,
        token: i.ClientToken,
        ...(i.VersionDescription !== undefined && { description: i.VersionDescription }),
        // SourceVersion's data, with what the call gives over it (and whatever someone slipped in).
        data: { ...t.versions.find((x) => String(x.number) === i.SourceVersion)?.data, ...world.tamper },
      };
      if (!again) t.versions.push(v);
      return { LaunchTemplateVersion: { VersionNumber: v.number, LaunchTemplateId: t.id } };
    },
  );
  asg.on(StartInstanceRefreshCommand).callsFake(
    async (
      i: {
        AutoScalingGroupName: string;
        DesiredConfiguration: DesiredConfiguration;
        Preferences: Record<string, unknown>;
      },
      c: WithConfig,
    ) => {
      const account = await accountOf(c);
      const m = memberOf(account);
      const refused = world.startFails.get(i.AutoScalingGroupName);
      if (refused) throw refused;
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
        desired: (i.DesiredConfiguration.LaunchTemplate ??
          i.DesiredConfiguration.MixedInstancesPolicy?.LaunchTemplate
            ?.LaunchTemplateSpecification) as Refresh['desired'],
        desiredConfiguration: i.DesiredConfiguration,
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
          ...(r.desired && { DesiredConfiguration: r.desiredConfiguration ?? { LaunchTemplate: r.desired } }),
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
  cw.on(DescribeAlarmsCommand).callsFake(async (i: { AlarmNames?: string[]; StateValue?: string }, c: WithConfig) => {
    const account = await accountOf(c);
    const firing = (i.AlarmNames ?? []).filter((n) => world.alarms.has(`${account}/us-east-1/${n}`));
    const alarms = firing.map((AlarmName) => ({ AlarmName, StateValue: 'ALARM' as const }));
    return { MetricAlarms: i.StateValue === undefined || i.StateValue === 'ALARM' ? alarms : [] };
  });
}
