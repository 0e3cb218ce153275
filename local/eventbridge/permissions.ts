import {
  EventBridgeServiceException,
  PolicyLengthExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import { errorFactory, type FakeCall } from '../fakes/common.js';
import type { PolicyDocument } from '../trust/policies.js';

const error = errorFactory(EventBridgeServiceException);

/** "The permission policy on the event bus cannot exceed 10 KB in size" (PutPermission). */
export const BUS_POLICY_BYTES = 10 * 1024;

interface Condition {
  Type?: string;
  Key?: string;
  Value?: string;
}

/**
 * An event bus's resource policy through EventBridge's API, over the same map of policies the local bus authorizes
 * each PutEvents entry with (local/trust/bus-authorizer.ts), so a change made here opens or closes the door:
 * - DescribeEventBus: `Name`, `Arn` and, when the bus has one, `Policy`
 *   (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeEventBus.html);
 * - PutPermission: with `Policy`, the whole policy; else one statement `StatementId` letting `Principal` (an account,
 *   or `*` with an organization `Condition`) put events, replacing a statement of that id; a policy over 10 KB is
 *   PolicyLengthExceededException (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html);
 * - RemovePermission: the statement `StatementId` (ResourceNotFoundException when the policy holds none), or every
 *   statement with `RemoveAllPermissions`
 *   (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RemovePermission.html).
 * A bus that does not exist is ResourceNotFoundException. Each change sets a new policy object, never edits one.
 */
export class EventBusPermissions {
  constructor(
    /** Bus name → its policy: the map the bus authorizer reads. */
    private readonly policies: Map<string, PolicyDocument>,
    /** The buses that exist in the home Region. */
    private readonly buses: readonly string[],
    private readonly accountId: string,
  ) {}

  private bus(call: FakeCall, field: 'Name' | 'EventBusName'): string {
    const name = String(call.input[field] ?? 'default')
      .split('/')
      .pop() as string;
    if (!this.buses.includes(name)) throw error(ResourceNotFoundException, `Event bus ${name} does not exist.`);
    return name;
  }

  private arn(call: FakeCall, name: string): string {
    return `arn:aws:events:${call.region}:${this.accountId}:event-bus/${name}`;
  }

  private set(name: string, statements: unknown[]): void {
    if (statements.length === 0) {
      this.policies.delete(name);
      return;
    }
    const policy: PolicyDocument = { Version: '2012-10-17', Statement: statements };
    if (Buffer.byteLength(JSON.stringify(policy), 'utf8') > BUS_POLICY_BYTES) {
      throw error(PolicyLengthExceededException, 'The policy exceeds the maximum allowed size of 10240 bytes.');
    }
    this.policies.set(name, policy);
  }

  /** Handles a permission call, or answers undefined for another action. */
  handle(call: FakeCall): unknown {
    switch (call.action) {
      case 'DescribeEventBus': {
        const name = this.bus(call, 'Name');
        const policy = this.policies.get(name);
        return { Name: name, Arn: this.arn(call, name), ...(policy ? { Policy: JSON.stringify(policy) } : {}) };
      }
      case 'PutPermission': {
        const name = this.bus(call, 'EventBusName');
        if (typeof call.input.Policy === 'string') {
          const parsed = JSON.parse(call.input.Policy) as { Statement?: unknown };
          const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
          this.set(name, statements);
          return {};
        }
        const sid = String(call.input.StatementId ?? '');
        const principal = String(call.input.Principal ?? '');
        const condition = call.input.Condition as Condition | undefined;
        const statement = {
          Sid: sid,
          Effect: 'Allow',
          Principal: principal === '*' ? '*' : { AWS: `arn:aws:iam::${principal}:root` },
          Action: String(call.input.Action ?? 'events:PutEvents'),
          Resource: this.arn(call, name),
          ...(condition?.Key
            ? { Condition: { [condition.Type ?? 'StringEquals']: { [condition.Key]: condition.Value } } }
            : {}),
        };
        const others = (this.policies.get(name)?.Statement ?? []).filter((s) => (s as { Sid?: string }).Sid !== sid);
        this.set(name, [...others, statement]);
        return {};
      }
      case 'RemovePermission': {
        const name = this.bus(call, 'EventBusName');
        if (call.input.RemoveAllPermissions === true) {
          this.set(name, []);
          return {};
        }
        const sid = String(call.input.StatementId ?? '');
        const statements = this.policies.get(name)?.Statement ?? [];
        const left = statements.filter((s) => (s as { Sid?: string }).Sid !== sid);
        if (left.length === statements.length) {
          throw error(ResourceNotFoundException, 'Statement with the provided id does not exist.');
        }
        this.set(name, left);
        return {};
      }
      default:
        return undefined;
    }
  }
}
