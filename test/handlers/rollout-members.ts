import { AutoScalingClient, type DesiredConfiguration, type MixedInstancesPolicy } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient, type StackInstanceSummary } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { mockClient } from '../helpers/mock-client.js';

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
export const INPUT = { image: 'base', channel: 'prod', version: '1.0.0/3' };

export interface Template {
  id: string;
  tags: Record<string, string>;
  versions: {
    number: number;
    imageId: string;
    token?: string;
    description?: string;
    /** The version's other LaunchTemplateData (instance type, user data, …). */
    data?: Record<string, unknown>;
  }[];
}
export interface Group {
  name: string;
  tags: Record<string, string>;
  template: { id: string; version: string } | undefined;
  launchConfigurationName?: string;
  /** DescribeAutoScalingGroups' MixedInstancesPolicy, as the group holds it. */
  mixed?: MixedInstancesPolicy;
  /**
   * Its instances: the launch template version each runs (of `templateId`, else the group's template), whether
   * protected from scale in or in Standby, its other lifecycle state (absent: InService) and health (absent: Healthy).
   */
  instances?: {
    version: string;
    protected?: boolean;
    standby?: boolean;
    templateId?: string;
    lifecycle?: string;
    health?: 'Unhealthy';
  }[];
}
export interface Refresh {
  id: string;
  group: string;
  status: string;
  statusReason?: string;
  desired?: { LaunchTemplateId: string; Version: string };
  /** StartInstanceRefresh's DesiredConfiguration as sent (a mixed-instances group's carries its policy). */
  desiredConfiguration?: DesiredConfiguration;
  preferences?: Record<string, unknown>;
}
export interface Member {
  groups: Group[];
  templates: Template[];
  refreshes: Refresh[];
}

export const world = {
  members: new Map<string, Member>(),
  refreshCounter: 0,
  started: [] as string[],
  /** The member alarms in ALARM, as `<account>/<region>/<name>`. */
  alarms: new Set<string>(),
  /** What AssumeRole into an account's rollout role throws (its role denied or missing, STS throttled). */
  assumeFails: new Map<string, Error>(),
  /** What StartInstanceRefresh throws for a group (Auto Scaling refusing that group's refresh). */
  startFails: new Map<string, Error>(),
  /** LaunchTemplateData that CreateLaunchTemplateVersion adds beyond what it was asked (someone else's version). */
  tamper: undefined as Record<string, unknown> | undefined,
  /** The member baseline's stack instances by account (ListStackInstances), when the test deploys one. */
  stackInstances: new Map<string, StackInstanceSummary[]>(),
  /** The roles member accounts hold, by name, when the test says (else every role exists). */
  roles: undefined as Set<string> | undefined,
  /** Roles deleted since: AssumeRole refused, and every call signed with their credentials refused. */
  deletedRoles: new Set<string>(),
  /** Each account's OU, where a test moved it (else: CANARY and WAVE1 under PRD1, REST under PRD2). */
  parentOf: new Map<string, string>(),
};

/** The account's OU now. */
export function parentOf(account: string): string {
  return world.parentOf.get(account) ?? (account === REST ? PRD2 : PRD1);
}

/** One following group with a literal-AMI template at version 3, in `account`. */
export function followingGroup(account: string, name = `web-${account.slice(-1)}`, tag = 'base/prod'): void {
  const m = memberOf(account);
  const id = `lt-${account.slice(-3)}${name}`;
  m.templates.push({
    id,
    tags: { 'goldsmith:follow': tag },
    versions: [1, 2, 3].map((n) => ({ number: n, imageId: 'ami-0old', data: { InstanceType: 'm7g.large' } })),
  });
  // The canary's group runs one instance (a canary of empty groups proves nothing and halts); the others none.
  const instances = account === CANARY ? [{ version: '3' }] : [];
  m.groups.push({ name, tags: { 'goldsmith:follow': tag }, template: { id, version: '3' }, instances });
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
  const m = memberOf(account);
  for (const r of m.refreshes) {
    if (['Pending', 'InProgress', 'Baking'].includes(r.status)) {
      r.status = status;
      if (reason) r.statusReason = reason;
      // A Successful refresh saves its desired configuration on the group (StartInstanceRefresh).
      const g = m.groups.find((x) => x.name === r.group);
      if (status === 'Successful' && r.desired && g?.template) {
        g.template = { id: r.desired.LaunchTemplateId, version: r.desired.Version };
        // It replaced every instance neither protected from scale in nor in Standby (the default preferences ignore those).
        const to = r.desired.Version;
        g.instances = (g.instances ?? []).map((i) => (i.protected || i.standby ? i : { version: to }));
      }
    }
  }
}

// The stubs of the clients the rollout engine calls, made by `stubMembers` (useRolloutWorld calls it for each file):
// made when this module is loaded, they would be there for the first file of a shared worker only
// (test/isolation.ts's `mocksAtLoad`). Imported bindings follow the assignments.
export let asg: AwsClientStub<AutoScalingClient>;
/** The member accounts' CloudWatch: DescribeAlarms answered from `world.alarms`. */
export let cw: AwsClientStub<CloudWatchClient>;
export let ec2: AwsClientStub<EC2Client>;
/** The factory's CloudFormation: the member baseline's stack instances. */
export let cfn: AwsClientStub<CloudFormationClient>;
export let sts: AwsClientStub<STSClient>;
export let org: AwsClientStub<OrganizationsClient>;
/** The notifications topic: every announcement the engine publishes. */
export let sns: AwsClientStub<SNSClient>;

/** Stubs the clients above anew (test/setup-shared-cloud.ts restores them after the file). */
export function stubMembers(): void {
  asg = mockClient(AutoScalingClient);
  cw = mockClient(CloudWatchClient);
  ec2 = mockClient(EC2Client);
  cfn = mockClient(CloudFormationClient);
  sts = mockClient(STSClient);
  org = mockClient(OrganizationsClient);
  sns = mockClient(SNSClient);
}

export type WithConfig = () => {
  config: { serviceId?: string; credentials: () => Promise<{ accessKeyId: string; sessionToken?: string }> };
};

/**
 * The member account a mocked call acts in: the assumed role's access key is `AK<account>`, its session token the
 * role's name. A deleted role's credentials are refused, as IAM evaluates a session's permissions on every call:
 * Auto Scaling's AccessDenied, EC2's UnauthorizedOperation.
 */
export async function accountOf(getClient: WithConfig): Promise<string> {
  const { config } = getClient();
  const credentials = await config.credentials();
  const role = credentials.sessionToken ?? '';
  if (world.deletedRoles.has(role)) {
    const name = config.serviceId === 'EC2' ? 'UnauthorizedOperation' : 'AccessDenied';
    throw Object.assign(new Error(`User: ${role} is not authorized to perform this operation`), {
      name,
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
    });
  }
  return credentials.accessKeyId.slice(2);
}
