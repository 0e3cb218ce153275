import { createHash } from 'node:crypto';
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
 * account moved between two targeted OUs lists one at a time (stacksets-moves.ts): the old one CURRENT and RUNNING
 * while it is deleted, then the queued create OUTDATED and PENDING (no stack id yet), then the new one OUTDATED and
 * RUNNING while its stack is created, then CURRENT.
 */
export function stackSetsApi(stackSets: StackSetsFake): FakeService {
  return {
    handle(call: FakeCall): unknown {
      const { StackSetName, StackInstanceAccount, StackInstanceRegion } = call.input;
      const name = stackSets.stackSetName();
      if (call.action !== 'ListStackInstances' && call.action !== 'ListStackSetOperations')
        throw new NotImplementedByFakeError('cloudformation', call.action);
      if (!name || StackSetName !== name)
        throw cfnErr(StackSetNotFoundException, `StackSet ${String(StackSetName)} not found`);
      if (call.action === 'ListStackSetOperations') return { Summaries: operationSummaries(name, stackSets) };
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
    // A queued create has no stack yet.
    ...(i.stackId ? { StackId: i.stackId } : {}),
    Status: status,
    ...(status === 'OUTDATED' && i.statusReason ? { StatusReason: i.statusReason } : {}),
    StackInstanceStatus: { DetailedStatus: detailed },
    ...(i.ou ? { OrganizationalUnitId: i.ou } : {}),
  };
}

/**
 * ListStackSetOperations: each operation of the stack set, in the order they ran, as StackSetOperationSummary
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationSummary.html): `Action`
 * CREATE (CreateStackInstances, an auto-deployment that added instances), UPDATE (UpdateStackSet) or DELETE (an
 * auto-deployment that only removed some); `Status` RUNNING until its last stack ended (at the clock's time), FAILED
 * when it stopped past its failure tolerance, else SUCCEEDED. One page: the stack set's operations are few.
 */
function operationSummaries(stackSetName: string, stackSets: StackSetsFake) {
  const now = stackSets.clock?.() ?? Number.POSITIVE_INFINITY;
  return stackSets.operations.map((o, i) => {
    const running = o.finishedAt > now;
    const id = createHash('sha256').update(`${stackSetName}/operation/${i}`).digest('hex');
    return {
      OperationId: `${id.slice(0, 8)}-${id.slice(8, 12)}-4${id.slice(13, 16)}-8${id.slice(17, 20)}-${id.slice(20, 32)}`,
      Action: o.kind === 'update-stack-set' ? 'UPDATE' : o.created === 0 && o.deleted > 0 ? 'DELETE' : 'CREATE',
      Status: running ? 'RUNNING' : o.stopped ? 'FAILED' : 'SUCCEEDED',
      CreationTimestamp: new Date(o.startedAt),
      ...(running ? {} : { EndTimestamp: new Date(o.finishedAt) }),
    };
  });
}
