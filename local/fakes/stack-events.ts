import { CloudFormationServiceException } from '@aws-sdk/client-cloudformation';
import { errorFactory, type FakeCall, type FakeService, NotImplementedByFakeError } from './common.js';

const err = errorFactory(CloudFormationServiceException);

/** One event, as DescribeStackEvents gives it: the stack's own, or a resource's during an operation. */
interface StackEvent {
  EventId: string;
  StackName: string;
  LogicalResourceId: string;
  ResourceType: string;
  ResourceStatus: string;
  Timestamp: Date;
}

/**
 * CloudFormation's DescribeStackEvents for the deployment's own stacks, stack-level events only: "Returns all stack
 * related events for a specified stack in reverse chronological order"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackEvents.html); a stack it does
 * not hold is a ValidationError (400, `Stack with id <name> does not exist`). The local cloud records each stack's
 * deploy (`completed`) and, where a test makes one, a failed update's rollback or a deploy under way with its
 * resources' events. AWS pages the answer by size with a `NextToken`; the fake by {@link PAGE} events.
 */
const PAGE = 100;

export class StackEventsFake implements FakeService {
  static readonly ACTIONS: ReadonlySet<string> = new Set(['DescribeStackEvents']);
  private readonly events = new Map<string, StackEvent[]>();

  /** A stack operation that ended with `status` at `at` (CREATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE, …). */
  completed(stackName: string, status: string, at: Date): void {
    this.reached(stackName, status, at);
  }

  /** A stack operation that began at `at` and is under way (UPDATE_IN_PROGRESS, …): its newest stack-level event. */
  began(stackName: string, status: `${string}_IN_PROGRESS`, at: Date): void {
    this.reached(stackName, status, at);
  }

  /** A resource's event during the stack's operation (a deploy's many events push the stack's own to later pages). */
  resourceChanged(stackName: string, logicalId: string, status: string, at: Date): void {
    const event = {
      EventId: `${stackName}-${logicalId}-${status}-${at.getTime()}`,
      StackName: stackName,
      LogicalResourceId: logicalId,
      ResourceType: 'AWS::IAM::Policy',
      ResourceStatus: status,
      Timestamp: at,
    };
    this.events.set(stackName, [event, ...(this.events.get(stackName) ?? [])]);
  }

  private reached(stackName: string, status: string, at: Date): void {
    const event: StackEvent = {
      EventId: `${stackName}-${status}-${at.getTime()}`,
      StackName: stackName,
      LogicalResourceId: stackName,
      ResourceType: 'AWS::CloudFormation::Stack',
      ResourceStatus: status,
      Timestamp: at,
    };
    this.events.set(stackName, [event, ...(this.events.get(stackName) ?? [])]);
  }

  handle(call: FakeCall): unknown {
    if (call.action !== 'DescribeStackEvents') throw new NotImplementedByFakeError('cloudformation', call.action);
    const name = String(call.input.StackName ?? '');
    const events = this.events.get(name);
    if (!events) throw err('ValidationError', `Stack with id ${name} does not exist`);
    const from = Number(call.input.NextToken ?? 0);
    const page = events.slice(from, from + PAGE);
    return {
      StackEvents: page.map((e) => ({
        ...e,
        StackId: `arn:aws:cloudformation:${call.region}:${call.accountId}:stack/${name}/0`,
      })),
      ...(from + PAGE < events.length ? { NextToken: String(from + PAGE) } : {}),
    };
  }
}
