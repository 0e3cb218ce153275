import { randomUUID } from 'node:crypto';

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
  | { change: 'delete-ou'; ou: string };

/** An EventBridge event as CloudTrail delivers it to the default bus. */
export interface CloudTrailEvent {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** Organizations' API call (or service event) behind each change, as CloudTrail records it. */
const EVENT_NAMES: Record<OrganizationChange['change'], string> = {
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
  c: OrganizationChange,
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
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': c.change === 'create-account' ? 'AWS Service Event via CloudTrail' : 'AWS API Call via CloudTrail',
    source: 'aws.organizations',
    account: ctx.managementAccountId,
    time: ctx.time,
    region: 'us-east-1',
    resources: [],
    detail,
  };
}
