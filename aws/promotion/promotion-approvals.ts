import { GetCommand, PutCommand, paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { imagePk, imageViewKeys, openWork, openWorkIndex } from '../../core/ledger/keys.js';
import type { NonceMatch } from '../../core/promotion/approval-link.js';
import { byImageThenVersion } from '../../core/promotion/naming.js';
import type { ApprovalChanges } from '../../events/approval-changes.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite, isConditionFailure } from '../ledger/ledger-writes.js';
import { type OpenWork, type OpenWorkRequest, openItemsOf } from '../ledger/open-work.js';

/**
 * Approvals in the ledger: `APPROVAL#<buildVersion>#<channel>` holds the request (the long task token, which never
 * leaves the ledger; links carry only the short id) and the response (decision, who, when, when it was sent).
 */

const OPEN = openWorkIndex.partitionKey;

/** The ledger key of a build's approval in a channel. */
export const approvalKey = (image: string, version: string, channel: string) => ({
  pk: imagePk(image),
  sk: `APPROVAL#${version}#${channel}`,
});

/** An approval request and, once answered, its response. */
export interface ApprovalRecord {
  image: string;
  version: string;
  channel: string;
  approvalId: string;
  /**
   * The task token, sealed with the task-token key and bound to this item (aws/promotion/task-tokens.ts): only the
   * functions that answer tasks open it. A request written by 0.2.0 holds it in the clear until the ledger's migration
   * seals it; either form is read.
   */
  taskToken: string;
  /** The execution ARN of the attempt whose token `taskToken` is: a retried attempt recognizes its promotion's own. */
  execution?: string | undefined;
  approvers: string[];
  /**
   * Digests of the nonces the links of this request carry (core/promotion/approval-link.ts `linkNonceDigest`): one
   * per attempt that sent links, never the nonce itself, so a reader of the ledger cannot make a link the callback
   * takes, whatever key they hold. A decision through a link spends them (`spentLinkNonceDigest`).
   */
  linkNonceDigests?: Set<string> | undefined;
  /** The digest of the nonce a decision through a link used up: its links then show the decision and decide nothing. */
  spentLinkNonceDigest?: string | undefined;
  /** A 0.2.0 request's link nonce, in the clear (its links work until they expire): never written by this release. */
  linkNonce?: string | undefined;
  /** A 0.2.0 request's nonce spent by a decision through a link, in the clear. */
  spentLinkNonce?: string | undefined;
  /** Approvers whose links went out (one Publish each): a retried request sends only to the others. */
  linksSentTo?: string[] | undefined;
  requestedAt: string;
  expiresAt: string;
  decision?: 'approve' | 'reject' | undefined;
  by?: string | undefined;
  /** Where the decision came from: a signed email link, a Slack button, the operator endpoint. */
  via?: 'email' | 'slack' | 'operator' | undefined;
  /** The Slack user who pressed the button, when `via` is slack. */
  slackUser?: string | undefined;
  /** Why, as the approver said it (a rejection's reason reaches the outcome, the announcement and history). */
  reason?: string | undefined;
  /** The gate's findings when approval was asked: what the approver's confirmation page shows. */
  findings?: { critical: number; high: number; medium: number } | undefined;
  /** What the version changes against the channel's current one, as the request showed it (events/approval-changes.ts). */
  changes?: ApprovalChanges | undefined;
  /** The digest of the diff the decision was made on (the request's `changes.digest`), covered by `proof`. */
  shownDigest?: string | undefined;
  decidedAt?: string | undefined;
  /** The door's proof of the decision (core/promotion/decision-proof.ts): what the reconciler checks before delivering. */
  proof?: string | undefined;
  /**
   * The task token the decision was given on, when a retried RequestApproval took the request over since (a new
   * token, aws/promotion/approval-requests.ts): the proof covers that token, and the reconciler carries it to `taskToken`.
   */
  decidedOnToken?: string | undefined;
  sentAt?: string | undefined;
  /** Set when Step Functions refused the recorded decision for good (the task no longer waits): never re-sent. */
  undeliverable?: string | undefined;
  /** Why nobody may decide it any more (its version was revoked while it waited): every door refuses it. */
  withdrawn?: string | undefined;
  withdrawnAt?: string | undefined;
}

/**
 * Records an approval request, only where none is: an existing request (an earlier attempt's, or another
 * promotion's) is never overwritten; aws/promotion/approval-requests.ts decides what a retried attempt does with it.
 * @returns false when a request already holds this build's channel.
 */
export async function recordApprovalRequest(
  request: Omit<ApprovalRecord, 'decision' | 'by' | 'via' | 'slackUser' | 'reason' | 'decidedAt' | 'sentAt'>,
): Promise<boolean> {
  const key = approvalKey(request.image, request.version, request.channel);
  return conditionalWrite(() =>
    documentClient().send(
      new PutCommand({
        TableName: ledgerTable(),
        Item: {
          ...key,
          ...imageViewKeys(request.image, key.sk),
          kind: 'approval',
          ...request,
        },
        ConditionExpression: 'attribute_not_exists(sk)',
      }),
    ),
  );
}

/** The approval of a build's channel, if requested. */
export async function getApproval(
  image: string,
  version: string,
  channel: string,
): Promise<ApprovalRecord | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: approvalKey(image, version, channel), ConsistentRead: true }),
  );
  return out.Item as ApprovalRecord | undefined;
}

/**
 * Claims the decision for an approval: succeeds when nobody decided yet, or when the same decision was claimed but
 * never sent (a retry after a failed SendTask call). A different decision after the first is refused.
 * @returns false when the approval was already decided (or sent), or withdrawn.
 */
export async function claimApprovalDecision(input: {
  image: string;
  version: string;
  channel: string;
  approvalId: string;
  decision: 'approve' | 'reject';
  by: string;
  at: string;
  via: 'email' | 'slack' | 'operator';
  slackUser?: string | undefined;
  reason?: string | undefined;
  /** The door's proof over approval id, decision, approver, door and time (and the digest shown). */
  proof: string;
  /** The digest of the diff the request showed, when it showed one. */
  shown?: string | undefined;
  /**
   * For a decision through a link: how the request holds the link's nonce (its digest, or a 0.2.0 nonce in the
   * clear), which must still be unspent, and is spent by it.
   */
  link?: NonceMatch | undefined;
}): Promise<boolean> {
  const { link } = input;
  const spend = link === undefined ? undefined : 'digest' in link ? link.digest : link.plain;
  const [unspent, spent] =
    link === undefined || 'digest' in link
      ? ['linkNonceDigests', 'spentLinkNonceDigest']
      : ['linkNonce', 'spentLinkNonce'];
  const extra = [
    ...(input.slackUser ? [['slackUser', ':user', input.slackUser] as const] : []),
    ...(input.reason ? [['reason', ':reason', input.reason] as const] : []),
    ...(input.shown ? [['shownDigest', ':shown', input.shown] as const] : []),
    ...(spend ? [[spent, ':nonce', spend] as const] : []),
  ];
  // The link's nonce must be the request's and unspent: among its digests, or (0.2.0) its nonce in the clear.
  const nonceHeld =
    link === undefined ? '' : 'digest' in link ? ' AND contains(linkNonceDigests, :nonce)' : ' AND linkNonce = :nonce';
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: approvalKey(input.image, input.version, input.channel),
        // Open work until delivered (markApprovalSent) or refused for good (markApprovalUndeliverable).
        UpdateExpression: `SET decision = :d, #by = :by, decidedAt = :at, via = :via, proof = :proof, ${OPEN} = :open${extra
          .map(([name, value]) => `, ${name} = ${value}`)
          .join('')}${spend ? ` REMOVE ${unspent}` : ''}`,
        ConditionExpression: `approvalId = :id AND attribute_not_exists(withdrawn) AND (attribute_not_exists(decision) OR (decision = :d AND attribute_not_exists(sentAt)))${nonceHeld}`,
        ExpressionAttributeNames: { '#by': 'by' },
        ExpressionAttributeValues: {
          ':id': input.approvalId,
          ':d': input.decision,
          ':by': input.by,
          ':at': input.at,
          ':via': input.via,
          ':proof': input.proof,
          ':open': openWork.decision,
          ...Object.fromEntries(extra.map(([, value, v]) => [value, v])),
        },
      }),
    ),
  );
}

/** Notes that the decision reached Step Functions. */
export async function markApprovalSent(image: string, version: string, channel: string, at: string): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: ledgerTable(),
      Key: approvalKey(image, version, channel),
      UpdateExpression: `SET sentAt = :at REMOVE ${OPEN}`,
      ExpressionAttributeValues: { ':at': at },
    }),
  );
}

/** The undecided approval requests of an image's channel (every version waiting there, none withdrawn), oldest version first. */
export async function pendingApprovals(image: string, channel: string): Promise<ApprovalRecord[]> {
  const pending: ApprovalRecord[] = [];
  const pages = paginateQuery(
    { client: documentClient() },
    {
      TableName: ledgerTable(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'channel = :channel AND attribute_not_exists(decision) AND attribute_not_exists(withdrawn)',
      ExpressionAttributeValues: { ':pk': imagePk(image), ':prefix': 'APPROVAL#', ':channel': channel },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) pending.push(...((page.Items ?? []) as ApprovalRecord[]));
  return pending;
}

/**
 * Decisions recorded but never delivered to Step Functions (it was unavailable when the approver answered), of every
 * image, by image then oldest version first; those Step Functions refused for good are left out. One Query of the
 * open-work index, however long the ledger's history.
 */
export async function undeliveredDecisions(read?: OpenWork): Promise<ApprovalRecord[]> {
  const found = await openItemsOf<ApprovalRecord>(UNDELIVERED_DECISIONS, read);
  return found.sort(byImageThenVersion);
}

/** The open-work index's decisions recorded and neither sent nor refused for good (restated: the index lags). */
export const UNDELIVERED_DECISIONS: OpenWorkRequest = {
  kind: openWork.decision,
  filter: {
    expression: 'attribute_exists(decision) AND attribute_not_exists(sentAt) AND attribute_not_exists(undeliverable)',
  },
};

/**
 * Takes back a recorded decision no door proved (written to the ledger outside Goldsmith's doors): the approval is
 * undecided again, and its approvers can decide it. Conditional on the decision being exactly the one found and
 * never sent, so a door's own decision recorded meanwhile is never wiped.
 * @returns false when the approval changed since it was read (a door decided it): nothing was taken back.
 */
export async function withdrawUnprovenDecision(found: ApprovalRecord): Promise<boolean> {
  // `by` is a DynamoDB reserved word: every attribute goes by a name placeholder.
  const fields = { decision: found.decision, by: found.by, decidedAt: found.decidedAt, proof: found.proof };
  const entries = Object.entries(fields);
  const values = Object.fromEntries(entries.filter(([, v]) => v !== undefined).map(([name, v]) => [`:${name}`, v]));
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: approvalKey(found.image, found.version, found.channel),
        UpdateExpression: `REMOVE #decision, #by, #decidedAt, #proof, via, slackUser, reason, decidedOnToken, ${OPEN}`,
        ConditionExpression: [
          ...entries.map(([name, v]) => (v === undefined ? `attribute_not_exists(#${name})` : `#${name} = :${name}`)),
          'attribute_not_exists(sentAt)',
        ].join(' AND '),
        ExpressionAttributeNames: Object.fromEntries(entries.map(([name]) => [`#${name}`, name])),
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
      }),
    ),
  );
}

/** Notes that Step Functions will never take the recorded decision (why: the task timed out or no longer exists). */
export async function markApprovalUndeliverable(
  image: string,
  version: string,
  channel: string,
  reason: string,
): Promise<void> {
  await documentClient()
    .send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: approvalKey(image, version, channel),
        UpdateExpression: `SET undeliverable = :reason REMOVE ${OPEN}`,
        ConditionExpression: 'attribute_not_exists(sentAt)',
        ExpressionAttributeValues: { ':reason': reason },
      }),
    )
    .catch((err: unknown) => {
      // Delivered in the meantime (a late click's own delivery): nothing to mark.
      if (!isConditionFailure(err)) throw err;
    });
}
