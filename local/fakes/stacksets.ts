import { checkRequest } from '../models/request-check.js';
import type { OrganizationTree } from './organization-tree.js';
import { type MemberCloud, runInlineFunction } from './stacksets-inline-function.js';
import { instantiateTemplate } from './stacksets-template.js';

/**
 * CloudFormation StackSets with service-managed permissions, as far as the member baseline goes: one stack set
 * deployed to OUs, a stack instance per (account, Region), auto-deployment to accounts that join a targeted OU and
 * removal from those that leave it, never an instance in the management account
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_AutoDeployment.html). An instance's stack runs
 * its template's custom resources by executing the template's inline function code (stacksets-inline-function.ts);
 * its other resources (role, function, log group) are taken as created.
 */

/** CreateStackSet's request, as the stack's AWS::CloudFormation::StackSet properties give it. */
export interface CreateStackSetInput {
  StackSetName: string;
  TemplateBody: string;
  PermissionModel: 'SERVICE_MANAGED' | 'SELF_MANAGED';
  CallAs?: 'SELF' | 'DELEGATED_ADMIN';
  AutoDeployment?: { Enabled: boolean; RetainStacksOnAccountRemoval?: boolean };
  ManagedExecution?: { Active: boolean };
  Capabilities?: string[];
  Parameters?: { ParameterKey: string; ParameterValue: string }[];
}

/** CURRENT: the stack is up to date; OUTDATED: its stack failed (statusReason says why). */
export type StackInstanceStatus = 'CURRENT' | 'OUTDATED';

export interface StackInstance {
  account: string;
  region: string;
  status: StackInstanceStatus;
  statusReason: string;
  /** The custom resources' physical ids, by logical id (Delete hands them back). */
  physicalIds: Record<string, string>;
  /** When the instance's stack finished (virtual ms). */
  at: number;
}

/** An error as CloudFormation answers it. */
export class StackSetsError extends Error {
  constructor(code: string, message: string) {
    super(message);
    this.name = code;
  }
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

const isCustomResource = (type: string) =>
  type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';

export class StackSetsFake {
  /** ActivateOrganizationsAccess was called (from the management account). */
  trustedAccess = false;
  /** Accounts registered as StackSets delegated administrators (RegisterDelegatedAdministrator). */
  readonly delegatedAdministrators = new Set<string>();
  private stackSet: (CreateStackSetInput & { ous: string[]; regions: string[] }) | undefined;
  private readonly instances = new Map<string, StackInstance>();

  constructor(
    private readonly organization: OrganizationTree,
    private readonly managementAccountId: string,
    private readonly member: MemberCloud,
  ) {}

  /** CreateStackSet from `callerAccount`, refused as CloudFormation refuses it. */
  createStackSet(callerAccount: string, input: CreateStackSetInput): void {
    // The request CreateStackSet gets: the resource's other properties (its instances, its preferences) are separate calls.
    const {
      StackSetName,
      TemplateBody,
      PermissionModel,
      CallAs,
      AutoDeployment,
      ManagedExecution,
      Capabilities,
      Parameters,
    } = input;
    checkRequest('CloudFormation', 'CreateStackSet', {
      StackSetName,
      TemplateBody,
      PermissionModel,
      ...(CallAs ? { CallAs } : {}),
      ...(AutoDeployment ? { AutoDeployment } : {}),
      ...(ManagedExecution ? { ManagedExecution } : {}),
      ...(Capabilities ? { Capabilities } : {}),
      ...(Parameters ? { Parameters } : {}),
    });
    if (input.PermissionModel === 'SERVICE_MANAGED') {
      if (!this.trustedAccess)
        throw new StackSetsError(
          'ValidationError',
          'You must enable organizations access to operate a service managed stack set',
        );
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html
      if (input.CallAs === 'DELEGATED_ADMIN' && !this.delegatedAdministrators.has(callerAccount))
        throw new StackSetsError('ValidationError', 'Account used is not a delegated administrator.');
      if ((input.CallAs ?? 'SELF') === 'SELF' && callerAccount !== this.managementAccountId)
        throw new StackSetsError(
          'ValidationError',
          'Only the management account can create service managed stack sets as SELF',
        );
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
      if (/"(Transform|Fn::Transform)"/.test(input.TemplateBody))
        throw new StackSetsError(
          'ValidationError',
          'StackSets does not currently support creating or updating stack sets with service-managed permissions from templates that contain macros',
        );
    }
    this.stackSet = { ...input, ous: [], regions: [] };
  }

  /** CreateStackInstances on OUs and Regions: each account under the OUs gets an instance per Region. */
  async createStackInstances(ous: string[], regions: string[], now: number): Promise<void> {
    const set = this.requireStackSet();
    checkRequest('CloudFormation', 'CreateStackInstances', {
      StackSetName: set.StackSetName,
      DeploymentTargets: { OrganizationalUnitIds: ous },
      Regions: regions,
      ...(set.CallAs ? { CallAs: set.CallAs } : {}),
    });
    // "The maximum number of organizational units (OUs) supported by a CreateStackInstances operation is 50."
    if (ous.length > 50) throw new StackSetsError('ValidationError', 'At most 50 OUs per CreateStackInstances');
    set.ous = [...new Set([...set.ous, ...ous])];
    set.regions = [...new Set([...set.regions, ...regions])];
    await this.deploy(now, true);
  }

  /**
   * What auto-deployment does after the organization changed: instances for accounts now under a targeted OU, and
   * (unless RetainStacksOnAccountRemoval) deleted instances for accounts no longer under one. Without
   * auto-deployment, only CreateStackInstances adds instances.
   */
  async reconcile(now: number): Promise<void> {
    await this.deploy(now, false);
  }

  /** Brings the instances in line with the targets: `explicit` for an operation we started (not auto-deployment). */
  private async deploy(now: number, explicit: boolean): Promise<void> {
    const set = this.stackSet;
    if (!set) return;
    const auto = set.AutoDeployment?.Enabled === true;
    if (!auto && !explicit) return;
    const wanted = new Set(
      set.ous.flatMap((ou) => this.organization.accountsUnder(ou)).filter((a) => a !== this.managementAccountId),
    );
    for (const [key, instance] of this.instances) {
      if (wanted.has(instance.account) || !auto) continue;
      if (!set.AutoDeployment?.RetainStacksOnAccountRemoval) await this.runStack('Delete', instance, now);
      this.instances.delete(key);
    }
    for (const account of [...wanted].sort()) {
      for (const region of set.regions) {
        const key = `${account}|${region}`;
        if (this.instances.has(key)) continue;
        const instance: StackInstance = {
          account,
          region,
          status: 'CURRENT',
          statusReason: '',
          physicalIds: {},
          at: now,
        };
        this.instances.set(key, instance);
        await this.runStack('Create', instance, now);
      }
    }
  }

  /** The stack instances, sorted by account then Region. */
  stackInstances(): StackInstance[] {
    return [...this.instances.values()].sort(
      (a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region),
    );
  }

  private requireStackSet() {
    if (!this.stackSet) throw new StackSetsError('StackSetNotFoundException', 'StackSet not found');
    return this.stackSet;
  }

  /** Runs the instance's stack: its custom resources, in template order (reverse on delete). */
  private async runStack(type: 'Create' | 'Delete', instance: StackInstance, now: number): Promise<void> {
    const set = this.requireStackSet();
    const parameters = Object.fromEntries((set.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));
    const { template, resolver } = instantiateTemplate(set.TemplateBody, parameters, {
      accountId: instance.account,
      region: instance.region,
    });
    const resources = template.Resources as Resources;
    const stackName = `StackSet-${set.StackSetName}-${instance.account}-${instance.region}`;
    const customs = Object.keys(resources).filter((id) => isCustomResource(resources[id]!.Type));
    let at = now;
    for (const logicalId of type === 'Create' ? customs : [...customs].reverse()) {
      const props = resolver.resolve(resources[logicalId]!.Properties ?? {}) as Record<string, unknown>;
      const fnId = /:function:(.+)$/.exec(String(props['ServiceToken']))?.[1];
      const fn = fnId ? resources[fnId] : undefined;
      const code = (fn?.Properties?.['Code'] as { ZipFile?: string } | undefined)?.ZipFile;
      if (!fnId || !fn || !code)
        throw new Error(`${logicalId}: the fake runs only inline functions of the same template`);
      const roleId = (fn.Properties?.['Role'] as { 'Fn::GetAtt'?: [string] } | undefined)?.['Fn::GetAtt']?.[0] ?? fnId;
      const run = await runInlineFunction(
        code,
        {
          RequestType: type,
          ResponseURL: `https://cloudformation-custom-resource-response-${instance.region}.s3.amazonaws.com/${stackName}`,
          StackId: `arn:aws:cloudformation:${instance.region}:${instance.account}:stack/${stackName}/1`,
          RequestId: `${type}-${logicalId}-${at}`,
          LogicalResourceId: logicalId,
          ResourceProperties: props,
          ...(instance.physicalIds[logicalId] ? { PhysicalResourceId: instance.physicalIds[logicalId] } : {}),
        },
        {
          account: instance.account,
          region: instance.region,
          roleArn: `arn:aws:iam::${instance.account}:role/${stackName}-${roleId}`,
          startMs: at,
          timeoutSeconds: Number(fn.Properties?.['Timeout'] ?? 3),
        },
        this.member,
      );
      at += run.elapsedMs;
      // A custom resource that never answers fails after its ServiceTimeout, an hour by default
      // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cfn-customresource.html).
      const timeout = Number(props['ServiceTimeout'] ?? 3600);
      const answer = run.response ?? {
        Status: 'FAILED',
        Reason: `no answer within ${timeout} s`,
        PhysicalResourceId: '',
      };
      if (answer.Status === 'SUCCESS') instance.physicalIds[logicalId] = answer.PhysicalResourceId;
      else {
        instance.status = 'OUTDATED';
        instance.statusReason = `${logicalId}: ${answer.Reason}`;
      }
    }
    instance.at = at;
  }
}
