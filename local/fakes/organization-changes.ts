import { randomUUID } from 'node:crypto';
import { type CloudTrailEvent, cloudTrailEnvelope } from './cloudtrail-events.js';

export type { CloudTrailEvent } from './cloudtrail-events.js';

/**
 * A scenario's change the simulated organization cannot make (an account or OU it does not have, an OU still holding
 * something): the scenario is wrong, not Goldsmith; `goldsmith simulate` says which change and why, in one line.
 */
export class ScenarioChangeError extends Error {
  override readonly name = 'ScenarioChangeError';
}

/**
 * A change to the organization, as a scenario asks for it: what an administrator does in the management account
 * (create an account, move it, remove or close it, tag it; create, rename or delete an OU).
 */
export type OrganizationChange =
  | { change: 'create-account'; account: string; to?: string | undefined; tags?: Record<string, string> | undefined }
  | { change: 'move-account'; account: string; to: string }
  | { change: 'remove-account'; account: string }
  | { change: 'close-account'; account: string }
  | { change: 'tag-account'; account: string; tags: Record<string, string | null> }
  | { change: 'create-ou'; ou: string; to?: string | undefined; name?: string | undefined }
  | { change: 'rename-ou'; ou: string; name: string }
  | { change: 'delete-ou'; ou: string }
  /** A member leaves on its own (LeaveOrganization, called in the member account). */
  | { change: 'leave-organization'; account: string }
  /** An account outside accepts the organization's invitation (AcceptHandshake in that account): it joins the root. */
  | { change: 'accept-invitation'; account: string; tags?: Record<string, string> | undefined };

/** The changes whose own API call the management account's trail records (the others are called in the member). */
type ManagementChange = Exclude<OrganizationChange, { change: 'leave-organization' | 'accept-invitation' }>;

/** Organizations' API call (or service event) behind each change, as CloudTrail records it. */
const EVENT_NAMES: Record<ManagementChange['change'], string> = {
  'create-account': 'CreateAccountResult',
  'move-account': 'MoveAccount',
  'remove-account': 'RemoveAccountFromOrganization',
  'close-account': 'CloseAccount',
  'tag-account': 'TagResource',
  'create-ou': 'CreateOrganizationalUnit',
  'rename-ou': 'UpdateOrganizationalUnit',
  'delete-ou': 'DeleteOrganizationalUnit',
};

/**
 * The EventBridge event CloudTrail delivers for a change: `AWS API Call via CloudTrail` with the call's request
 * parameters and response elements, or for an account's creation (which finishes asynchronously) the service event
 * `CreateAccountResult` (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-organizations.html). Always
 * from US East (N. Virginia), where Organizations' calls are recorded.
 */
export function cloudTrailEvent(
  c: ManagementChange,
  ctx: { managementAccountId: string; time: string; sourceParentId?: string; untagged?: string[] },
): CloudTrailEvent {
  const eventName = c.change === 'tag-account' && ctx.untagged?.length ? 'UntagResource' : EVENT_NAMES[c.change];
  const base = {
    eventVersion: '1.09',
    userIdentity: { type: 'AssumedRole', accountId: ctx.managementAccountId },
    eventTime: ctx.time,
    eventSource: 'organizations.amazonaws.com',
    eventName,
    awsRegion: 'us-east-1',
    eventID: randomUUID(),
    readOnly: false,
    managementEvent: true,
    recipientAccountId: ctx.managementAccountId,
    eventCategory: 'Management',
  };
  const detail = (() => {
    switch (c.change) {
      case 'create-account':
        return {
          ...base,
          eventType: 'AwsServiceEvent',
          serviceEventDetails: { createAccountStatus: { state: 'SUCCEEDED', accountId: c.account } },
        };
      case 'move-account':
        return {
          ...base,
          eventType: 'AwsApiCall',
          requestParameters: { accountId: c.account, sourceParentId: ctx.sourceParentId, destinationParentId: c.to },
          responseElements: null,
        };
      case 'remove-account':
      case 'close-account':
        return {
          ...base,
          eventType: 'AwsApiCall',
          requestParameters: { accountId: c.account },
          responseElements: null,
        };
      case 'tag-account':
        return {
          ...base,
          eventType: 'AwsApiCall',
          requestParameters: ctx.untagged?.length
            ? { resourceId: c.account, tagKeys: ctx.untagged }
            : {
                resourceId: c.account,
                tags: Object.entries(c.tags).map(([key, value]) => ({ key, value })),
              },
          responseElements: null,
        };
      case 'create-ou':
        return {
          ...base,
          eventType: 'AwsApiCall',
          requestParameters: { parentId: c.to, name: c.name ?? c.ou },
          responseElements: { organizationalUnit: { id: c.ou, name: c.name ?? c.ou } },
        };
      case 'rename-ou':
      case 'delete-ou':
        return {
          ...base,
          eventType: 'AwsApiCall',
          requestParameters: { organizationalUnitId: c.ou, ...(c.change === 'rename-ou' && { name: c.name }) },
          responseElements: null,
        };
    }
  })();
  return envelope(
    c.change === 'create-account' ? 'AWS Service Event via CloudTrail' : 'AWS API Call via CloudTrail',
    ctx,
    detail,
  );
}

/** The EventBridge envelope of a CloudTrail event from Organizations: US East (N. Virginia), the management account. */
function envelope(
  detailType: 'AWS API Call via CloudTrail' | 'AWS Service Event via CloudTrail',
  ctx: { managementAccountId: string; time: string },
  detail: Record<string, unknown>,
): CloudTrailEvent {
  return cloudTrailEnvelope(
    detailType,
    { source: 'aws.organizations', account: ctx.managementAccountId, region: 'us-east-1', time: ctx.time },
    detail,
  );
}

/** How an account joined or left, as Organizations' membership events say it. */
export type Membership =
  | { event: 'AccountJoinedOrganization'; method: 'Created' | 'Invited' }
  | { event: 'AccountDepartedOrganization'; method: 'Left' | 'Removed' };

/**
 * Organizations' membership event for an account that joined or left: a service event (no caller's request) logged
 * only in the management account's trail, in US East (N. Virginia), whoever made the change — so a member leaving on
 * its own (LeaveOrganization) or accepting an invitation (AcceptHandshake), both called in the member account, is
 * seen by the management account (https://docs.aws.amazon.com/organizations/latest/APIReference/API_AcceptHandshake.html,
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_LeaveOrganization.html,
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_RemoveAccountFromOrganization.html,
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html). The pages name
 * `joinedMethod`/`joinedTime` and `departedMethod`/`departedTime` (spelled `departureMethod:LEFT` on one of them) but
 * not where the account id sits: the fake puts it at `serviceEventDetails.accountId`, and organization-sync reads the
 * whole tree when an event names no account it can read back.
 */
export function membershipEvent(
  m: Membership,
  account: string,
  ctx: { managementAccountId: string; time: string },
): CloudTrailEvent {
  const joined = m.event === 'AccountJoinedOrganization';
  return envelope('AWS Service Event via CloudTrail', ctx, {
    eventVersion: '1.11',
    userIdentity: { accountId: account, invokedBy: 'organizations.amazonaws.com' },
    eventTime: ctx.time,
    eventSource: 'organizations.amazonaws.com',
    eventName: m.event,
    awsRegion: 'us-east-1',
    eventID: randomUUID(),
    readOnly: false,
    eventType: 'AwsServiceEvent',
    managementEvent: true,
    recipientAccountId: ctx.managementAccountId,
    serviceEventDetails: joined
      ? { accountId: account, joinedMethod: m.method, joinedTime: ctx.time }
      : { accountId: account, departedMethod: m.method, departedTime: ctx.time },
    eventCategory: 'Management',
  });
}
