import { CloudFormationServiceException, StackSetNotFoundException } from '@aws-sdk/client-cloudformation';
import { errorFactory, type FakeCall, type FakeService, NotImplementedByFakeError } from './common.js';
import type { StackSetsFake } from './stacksets.js';
import type { ListedInstance } from './stacksets-moves.js';

const cfnErr = errorFactory(CloudFormationServiceException);

/**
 * The StackSets fake as the SDK reaches it: ListStackInstances of the stack set, filtered by account and Region
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListStackInstances.html), with each
 * instance's stack id, its OU (`OrganizationalUnitId`, service-managed) and its status: `Status` CURRENT or OUTDATED
 * and `StackInstanceStatus.DetailedStatus` (PENDING: its operation has yet to start; RUNNING: in progress; SUCCEEDED,
 * FAILED, CANCELLED), https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstanceSummary.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstanceComprehensiveStatus.html. An
 * account moved between two targeted OUs lists two: the new one OUTDATED and RUNNING while its stack is created, the
 * old one CURRENT, then CURRENT and RUNNING while it is deleted, then only the new one, CURRENT.
 */
export function stackSetsApi(stackSets: StackSetsFake): FakeService {
  return {
    handle(call: FakeCall): unknown {
      if (call.action !== 'ListStackInstances') throw new NotImplementedByFakeError('cloudformation', call.action);
      const { StackSetName, StackInstanceAccount, StackInstanceRegion } = call.input;
      const name = stackSets.stackSetName();
      if (!name || StackSetName !== name)
        throw cfnErr(StackSetNotFoundException, `StackSet ${String(StackSetName)} not found`);
      const summaries = stackSets
        .listedInstances()
        .filter(({ instance: i }) => StackInstanceAccount === undefined || i.account === StackInstanceAccount)
        .filter(({ instance: i }) => StackInstanceRegion === undefined || i.region === StackInstanceRegion)
        .map((listed) => summary(name, listed));
      return { Summaries: summaries };
    },
  };
}

function summary(stackSetName: string, { instance: i, status, detailed }: ListedInstance) {
  return {
    StackSetId: `${stackSetName}:00000000-0000-4000-8000-000000000000`,
    Region: i.region,
    Account: i.account,
    StackId: i.stackId,
    Status: status,
    ...(status === 'OUTDATED' && i.statusReason ? { StatusReason: i.statusReason } : {}),
    StackInstanceStatus: { DetailedStatus: detailed },
    ...(i.ou ? { OrganizationalUnitId: i.ou } : {}),
  };
}
