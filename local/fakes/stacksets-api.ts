import { CloudFormationServiceException, StackSetNotFoundException } from '@aws-sdk/client-cloudformation';
import { errorFactory, type FakeCall, type FakeService, NotImplementedByFakeError } from './common.js';
import type { StackSetsFake } from './stacksets.js';
import { CANCELLED_REASON } from './stacksets-operation.js';
import type { StackInstance } from './stacksets-types.js';

const cfnErr = errorFactory(CloudFormationServiceException);

/**
 * The StackSets fake as the SDK reaches it: ListStackInstances of the stack set, filtered by account and Region
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListStackInstances.html), with each
 * instance's stack id, its OU and its status (CURRENT, or OUTDATED with the detailed status FAILED or CANCELLED).
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
        .stackInstances()
        .filter((i) => StackInstanceAccount === undefined || i.account === StackInstanceAccount)
        .filter((i) => StackInstanceRegion === undefined || i.region === StackInstanceRegion)
        .map((i) => summary(name, i));
      return { Summaries: summaries };
    },
  };
}

function summary(stackSetName: string, i: StackInstance) {
  const detailed = i.status === 'CURRENT' ? 'SUCCEEDED' : i.statusReason === CANCELLED_REASON ? 'CANCELLED' : 'FAILED';
  return {
    StackSetId: `${stackSetName}:00000000-0000-4000-8000-000000000000`,
    Region: i.region,
    Account: i.account,
    StackId: i.stackId,
    Status: i.status,
    ...(i.statusReason ? { StatusReason: i.statusReason } : {}),
    StackInstanceStatus: { DetailedStatus: detailed },
    ...(i.ou ? { OrganizationalUnitId: i.ou } : {}),
  };
}
