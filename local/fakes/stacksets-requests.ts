import { checkRequest } from '../models/request-check.js';
import {
  type CreateStackSetInput,
  type OperationPreferences,
  STACK_SETS_QUOTAS,
  StackSetsError,
} from './stacksets-types.js';

/** Who may create a stack set and how: the organization's trusted access, the caller, a delegated administrator. */
export interface StackSetsAccess {
  trustedAccess: boolean;
  delegatedAdministrators: ReadonlySet<string>;
  managementAccountId: string;
}

/** CreateStackSet from `callerAccount`, checked as CloudFormation checks it: throws what it answers, else returns. */
export function checkCreateStackSet(callerAccount: string, input: CreateStackSetInput, access: StackSetsAccess): void {
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
    if (!access.trustedAccess)
      throw new StackSetsError(
        'ValidationError',
        'You must enable organizations access to operate a service managed stack set',
      );
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html
    if (input.CallAs === 'DELEGATED_ADMIN' && !access.delegatedAdministrators.has(callerAccount))
      throw new StackSetsError('ValidationError', 'Account used is not a delegated administrator.');
    if ((input.CallAs ?? 'SELF') === 'SELF' && callerAccount !== access.managementAccountId)
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
}

/**
 * UpdateStackSet's request as the StackSet resource's update sends it (the new template, parameters and settings, the
 * operation's preferences, every instance: no Accounts, Regions or DeploymentTargets), checked against the API model.
 */
export function checkUpdateStackSet(input: CreateStackSetInput, preferences: OperationPreferences): void {
  const { StackSetName, TemplateBody, CallAs, AutoDeployment, ManagedExecution, Capabilities, Parameters } = input;
  checkRequest('CloudFormation', 'UpdateStackSet', {
    StackSetName,
    TemplateBody,
    PermissionModel: input.PermissionModel,
    ...(CallAs ? { CallAs } : {}),
    ...(AutoDeployment ? { AutoDeployment } : {}),
    ...(ManagedExecution ? { ManagedExecution } : {}),
    ...(Capabilities ? { Capabilities } : {}),
    ...(Parameters ? { Parameters } : {}),
    ...(Object.keys(preferences).length > 0 ? { OperationPreferences: preferences } : {}),
  });
  if (/"(Transform|Fn::Transform)"/.test(TemplateBody))
    throw new StackSetsError(
      'ValidationError',
      'StackSets does not currently support creating or updating stack sets with service-managed permissions from templates that contain macros',
    );
}

/**
 * Admits an operation we start on a stack set while another may run (`running`: when it ends): refused, unless managed
 * execution queues it, up to the quota of operations queued
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ManagedExecution.html).
 */
export function admitOperation(running: number | undefined, managed: boolean, queued: number): void {
  if (running !== undefined && !managed)
    throw new StackSetsError(
      'OperationInProgressException',
      'Another Operation on StackSet is in progress; only one operation can be performed for a stack set at a given time',
    );
  if (running !== undefined && queued >= STACK_SETS_QUOTAS.queuedOperations)
    throw new StackSetsError(
      'LimitExceededException',
      `At most ${STACK_SETS_QUOTAS.queuedOperations} operations can be queued on a stack set`,
    );
}
