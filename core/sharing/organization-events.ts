import type { OrgTree } from './targets.js';

/**
 * Organizations' own events, as EventBridge receives them: Organizations sends its API calls to EventBridge only
 * through CloudTrail (`source: aws.organizations`, `detail-type: AWS API Call via CloudTrail`, best-effort delivery:
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-organizations.html), which needs a trail with
 * logging enabled (https://docs.aws.amazon.com/eventbridge/latest/userguide/event-types.html); Organizations is a
 * global service whose calls are recorded in US East (N. Virginia). An account's creation finishes asynchronously
 * and is told by the service event `CreateAccountResult` (`AWS Service Event via CloudTrail`).
 *
 * Membership: Organizations logs `AccountJoinedOrganization` (`joinedMethod` Created or Invited) and
 * `AccountDepartedOrganization` (`departedMethod` Left, Removed or Cleaned) in the management account's trail only,
 * whoever made the change (https://docs.aws.amazon.com/organizations/latest/APIReference/API_AcceptHandshake.html,
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_LeaveOrganization.html). They are the only events
 * the management account sees of an invitation accepted or a member leaving on its own: AcceptHandshake and
 * LeaveOrganization are recorded in the member account's trail.
 *
 * An event only says where to look: the organization-sync function reads the nodes it names back from
 * Organizations and holds what Organizations answers, never the event's copy (anyone who may invoke the function
 * could forge one).
 */

/** The API calls whose events change what Goldsmith holds: accounts, OUs, their places and states, account tags. */
export const ORGANIZATION_EVENT_NAMES = [
  'CreateAccountResult',
  'InviteAccountToOrganization',
  'AcceptHandshake',
  'MoveAccount',
  'RemoveAccountFromOrganization',
  'CloseAccount',
  'CreateOrganizationalUnit',
  'UpdateOrganizationalUnit',
  'DeleteOrganizationalUnit',
  'TagResource',
  'UntagResource',
  'AccountJoinedOrganization',
  'AccountDepartedOrganization',
] as const;

export type OrganizationEventName = (typeof ORGANIZATION_EVENT_NAMES)[number];

/** The nodes an event names: accounts and OUs to read again, or a full read when the event cannot name them. */
export type NodesToRead = { accounts: string[]; ous: string[] } | { fullRead: string };

const ACCOUNT = /^\d{12}$/;
const OU = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const field = (o: unknown, k: string): unknown =>
  typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[k] : undefined;

function node(id: string | undefined): { accounts: string[]; ous: string[] } | undefined {
  if (id && ACCOUNT.test(id)) return { accounts: [id], ous: [] };
  if (id && OU.test(id)) return { accounts: [], ous: [id] };
  return undefined;
}

/**
 * The nodes one CloudTrail `detail` names. A call that failed (`errorCode`) changed nothing: no nodes. A call whose
 * event does not name the node it changed (an invitation accepted in the member account, an account created by a
 * request whose result carries no id) asks for a full read.
 */
export function nodesNamedBy(detail: Record<string, unknown>): NodesToRead | { ignored: string } {
  const name = text(detail.eventName) ?? '';
  if (!(ORGANIZATION_EVENT_NAMES as readonly string[]).includes(name))
    return { ignored: `${name || 'no eventName'}: not a change Goldsmith holds` };
  if (detail.errorCode !== undefined && detail.errorCode !== null)
    return { ignored: `${name} failed (${String(detail.errorCode)}): nothing changed` };
  const request = detail.requestParameters;
  const named = (() => {
    switch (name as OrganizationEventName) {
      case 'CreateAccountResult': {
        const status = field(field(detail.serviceEventDetails, 'createAccountStatus'), 'state');
        if (status !== undefined && status !== 'SUCCEEDED') return { accounts: [], ous: [] };
        return node(text(field(field(detail.serviceEventDetails, 'createAccountStatus'), 'accountId')));
      }
      case 'MoveAccount':
      case 'RemoveAccountFromOrganization':
      case 'CloseAccount':
        return node(text(field(request, 'accountId')));
      case 'CreateOrganizationalUnit':
        return node(text(field(field(detail.responseElements, 'organizationalUnit'), 'id')));
      case 'UpdateOrganizationalUnit':
      case 'DeleteOrganizationalUnit':
        return node(text(field(request, 'organizationalUnitId')));
      case 'TagResource':
      case 'UntagResource':
        return node(text(field(request, 'resourceId'))) ?? { accounts: [], ous: [] };
      case 'AccountJoinedOrganization':
      case 'AccountDepartedOrganization':
        // The pages name the method and time fields, not where the account id sits: read where it is expected, and
        // read the whole tree when it is not there (no account named).
        return node(text(field(detail.serviceEventDetails, 'accountId')));
      default:
        return undefined;
    }
  })();
  return named ?? { fullRead: `${name} names no account or OU Goldsmith can read back` };
}

/** What Organizations answered about one node named by an event. */
export type NodeRead =
  | { kind: 'account'; id: string; parentId: string; state: string; tags?: Record<string, string> }
  | { kind: 'ou'; id: string; arn: string; parentId: string; name?: string }
  | { kind: 'gone'; id: string };

/**
 * The tree with what was read applied, or undefined when it cannot be applied without a full read: a node whose
 * parent the tree does not hold (an OU created while its event was lost), or an OU gone while nodes remain below it.
 */
export function applyNodeReads(tree: OrgTree, reads: readonly NodeRead[]): OrgTree | undefined {
  const ous = new Map(tree.ous);
  const accounts = new Map(tree.accounts);
  for (const r of reads) {
    if (r.kind === 'gone') {
      ous.delete(r.id);
      accounts.delete(r.id);
    } else if (r.kind === 'ou') {
      ous.set(r.id, { arn: r.arn, parentId: r.parentId, ...(r.name !== undefined && { name: r.name }) });
    } else {
      const tags = r.tags ?? (tree.tagsRead ? tree.accounts.get(r.id)?.tags : undefined);
      accounts.set(r.id, { parentId: r.parentId, state: r.state, ...(tags !== undefined && { tags }) });
    }
  }
  const known = (p: string) => p === tree.rootId || ous.has(p);
  for (const ou of ous.values()) if (!known(ou.parentId)) return undefined;
  for (const a of accounts.values()) if (!known(a.parentId)) return undefined;
  return { ...tree, ous, accounts };
}
