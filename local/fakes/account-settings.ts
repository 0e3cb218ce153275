import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { errorFactory, type FakeCall, type FakeService, NotImplementedByFakeError } from './common.js';

/**
 * Account-level settings a deployment's prerequisites read, per account and Region, each starting as a prepared
 * factory account has it (docs/deploy.md, "Prepare the factory account"); a test turns one off to see preflight name
 * it. Each is answered in front of its service's fake (`inFrontOf`), so the service's own fake stays as it is.
 */

/** Answers `actions` with `own`, and every other call with `base` (its outage and failure hooks kept). */
export function inFrontOf(base: FakeService, actions: ReadonlySet<string>, own: FakeService): FakeService {
  return {
    handle: (call) => (actions.has(call.action) ? own.handle(call) : base.handle(call)),
    ...(base.deferredWork && { deferredWork: (call: FakeCall) => base.deferredWork?.(call) }),
    ...(base.failedForGood && {
      failedForGood: (action: string, input: Record<string, unknown>) => base.failedForGood?.(action, input),
    }),
  };
}

export type InspectorResource = 'ec2' | 'ecr';

/**
 * Amazon Inspector's activation per account, Region and resource type, as BatchGetAccountStatus reports it
 * (https://docs.aws.amazon.com/inspector/v2/APIReference/API_BatchGetAccountStatus.html; `state` and each
 * `resourceState` entry carry `status`, `errorCode` and `errorMessage`, all required by the model). An account reads
 * its own status; another account's is a `failedAccounts` entry with ACCESS_DENIED
 * (https://docs.aws.amazon.com/inspector/v2/APIReference/API_FailedAccount.html) unless the caller administers it.
 */
export class InspectorActivation implements FakeService {
  static readonly ACTIONS = new Set(['BatchGetAccountStatus']);
  /** `region|account|resource` keys that are not scanned; everything else is ENABLED. */
  private readonly off = new Set<string>();

  deactivate(region: string, account: string, resource: InspectorResource): void {
    this.off.add(`${region}|${account}|${resource}`);
  }

  activate(region: string, account: string, resource: InspectorResource): void {
    this.off.delete(`${region}|${account}|${resource}`);
  }

  handle(call: FakeCall): unknown {
    const ids = (call.input.accountIds as string[] | undefined) ?? [call.accountId];
    const status = (r: InspectorResource, account: string) =>
      this.off.has(`${call.region}|${account}|${r}`)
        ? {
            status: 'DISABLED',
            errorCode: 'RESOURCE_NOT_FOUND',
            errorMessage: `${r.toUpperCase()} scanning is not enabled`,
          }
        : { status: 'ENABLED', errorCode: 'ALREADY_ENABLED', errorMessage: `${r.toUpperCase()} scanning is enabled` };
    const own = ids.filter((id) => id === call.accountId);
    const others = ids.filter((id) => id !== call.accountId);
    return {
      accounts: own.map((accountId) => {
        const ec2 = status('ec2', accountId);
        const ecr = status('ecr', accountId);
        const any = ec2.status === 'ENABLED' || ecr.status === 'ENABLED';
        return {
          accountId,
          state: any ? (ec2.status === 'ENABLED' ? ec2 : ecr) : { ...ec2, errorMessage: 'Inspector is not enabled' },
          resourceState: { ec2, ecr },
        };
      }),
      failedAccounts: others.map((accountId) => ({
        accountId,
        errorCode: 'ACCESS_DENIED',
        errorMessage: `${call.accountId} may not read the status of ${accountId}`,
      })),
    };
  }
}

const ec2Error = errorFactory(EC2ServiceException);

/**
 * EC2's block public access for AMIs per account and Region: `block-new-sharing` or `unblocked`
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetImageBlockPublicAccessState.html;
 * Enable answers `block-new-sharing`, Disable `unblocked`:
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EnableImageBlockPublicAccess.html). The local factory
 * starts blocked in every Region.
 */
export class ImageBlockPublicAccess implements FakeService {
  static readonly ACTIONS = new Set([
    'GetImageBlockPublicAccessState',
    'EnableImageBlockPublicAccess',
    'DisableImageBlockPublicAccess',
  ]);
  private readonly unblocked = new Set<string>();

  blocked(region: string, account: string): boolean {
    return !this.unblocked.has(`${region}|${account}`);
  }

  unblock(region: string, account: string): void {
    this.unblocked.add(`${region}|${account}`);
  }

  handle(call: FakeCall): unknown {
    const key = `${call.region}|${call.accountId}`;
    switch (call.action) {
      case 'GetImageBlockPublicAccessState':
        return {
          ImageBlockPublicAccessState: this.unblocked.has(key) ? 'unblocked' : 'block-new-sharing',
          ManagedBy: 'account',
        };
      case 'EnableImageBlockPublicAccess':
        if (call.input.ImageBlockPublicAccessState !== 'block-new-sharing')
          throw ec2Error('InvalidParameterValue', 'ImageBlockPublicAccessState must be block-new-sharing');
        this.unblocked.delete(key);
        return { ImageBlockPublicAccessState: 'block-new-sharing' };
      default:
        this.unblocked.add(key);
        return { ImageBlockPublicAccessState: 'unblocked' };
    }
  }
}

/**
 * Lambda's account settings per Region (https://docs.aws.amazon.com/lambda/latest/api/API_GetAccountSettings.html):
 * the account's concurrency and what reservations leave unreserved. The local account starts with Lambda's default
 * of 1,000 concurrent executions (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html) and nothing
 * reserved; Lambda's Invoke stays the simulator's (local/fakes/lambda.ts).
 */
export class LambdaAccountSettings implements FakeService {
  static readonly ACTIONS = new Set(['GetAccountSettings']);
  private readonly limits = new Map<string, { concurrent: number; reserved: number }>();

  set(region: string, concurrent: number, reserved = 0): void {
    this.limits.set(region, { concurrent, reserved });
  }

  handle(call: FakeCall): unknown {
    if (call.action !== 'GetAccountSettings') throw new NotImplementedByFakeError('lambda', call.action);
    const { concurrent, reserved } = this.limits.get(call.region) ?? { concurrent: 1000, reserved: 0 };
    return {
      AccountLimit: {
        TotalCodeSize: 80_530_636_800,
        CodeSizeUnzipped: 262_144_000,
        CodeSizeZipped: 52_428_800,
        ConcurrentExecutions: concurrent,
        UnreservedConcurrentExecutions: concurrent - reserved,
      },
      AccountUsage: { TotalCodeSize: 0, FunctionCount: 0 },
    };
  }
}
