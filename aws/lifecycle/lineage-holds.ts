import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { buildSk, imagePk, skPrefix } from '../../core/ledger/keys.js';
import {
  type AwaitedParent,
  awaitedParentOf,
  type BuildLineage,
  builtOnRevokedHold,
  heldOutcomeReason,
  type LineageLink,
  lineageHold,
  type RebuiltParent,
  rebuiltParentOf,
} from '../../core/lifecycle/lineage-hold.js';
import {
  type AncestorStanding,
  parentStandingText,
  rejectedAncestorHold,
} from '../../core/promotion/rejected-parent.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { batchGetItems } from '../ledger/batch-get.js';

/** How far up a lineage the hold is looked for: deeper than any catalog's cascade of parents. */
const MAX_DEPTH = 16;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const texts = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;

/** A lineage hold: why the version is held, and the parent channel it waits on when nothing is rebuilt for it. */
export interface LineageHoldFound {
  reason: string;
  awaits?: AwaitedParent;
  /** Of a grandchild (or farther): its own parent and the channel it follows, whose rebuild its own waits on. */
  via?: RebuiltParent;
  /** Held for a revoked ancestor (revoked, or flagged by a revocation) the version's own flag does not record yet. */
  unflagged?: true;
  /** Set when an ancestor was rejected at the channel asked about (core/promotion/rejected-parent.ts): `reason` is the whole hold. */
  rejected?: true;
}

/**
 * Why the build `version` of `image` is held by its lineage (core/lifecycle/lineage-hold.ts), or undefined. Reads
 * the ledger, strongly consistent (the build itself with GetItem unless `own` is given), one BatchGetItem per generation (the parent's build and its revocation): the
 * flag revocation wrote, or a revoked or flagged ancestor, whichever the recorded lineage reaches. `own` is the
 * version's build item when the caller read it already. `awaits` names the parent channel the revocation left empty
 * (its record's `withdrawn`), when it did. With `channel`, the same BatchGetItem also reads each ancestor's approval
 * and outcome at that channel: an ancestor an approver rejected there holds the version there (a revocation's hold
 * comes first).
 */
export async function lineageHoldOf(
  image: string,
  version: string,
  own?: BuildLineage,
  channel?: string,
): Promise<LineageHoldFound | undefined> {
  const self = own ?? (await buildLineage(image, version));
  const chain: LineageLink[] = [
    {
      image,
      version,
      flaggedReason: text(self?.flaggedReason),
      parentUnknown: text(self?.parent?.unknown),
      follows: text(self?.parent?.channel),
    },
  ];
  const standings: AncestorStanding[] = [];
  const seen = new Set([`${image} ${version}`]);
  let parent = self?.parent;
  while (parent?.buildVersion && chain.length <= MAX_DEPTH) {
    const at = { image: parent.image, version: parent.buildVersion };
    if (seen.has(`${at.image} ${at.version}`)) break;
    seen.add(`${at.image} ${at.version}`);
    const approvalSk = `${skPrefix.approval}${at.version}#${channel}`;
    const outcomeSk = `${skPrefix.promotion}${at.version}#${channel}`;
    const items = await batchGetItems(ledgerTable(), [
      { pk: imagePk(at.image), sk: buildSk(at.version) },
      { pk: imagePk(at.image), sk: `${skPrefix.revocation}${at.version}` },
      ...(channel
        ? [
            { pk: imagePk(at.image), sk: approvalSk },
            { pk: imagePk(at.image), sk: outcomeSk },
          ]
        : []),
    ]);
    const build = items.find((i) => i.sk === buildSk(at.version)) as BuildLineage | undefined;
    const revocation = items.find((i) => i.sk === `${skPrefix.revocation}${at.version}`);
    chain.push({
      ...at,
      flaggedReason: text(build?.flaggedReason),
      revokedReason: revocation?.state === 'revoked' ? (text(revocation.reason) ?? '') : undefined,
      parentUnknown: text(build?.parent?.unknown),
      follows: text(build?.parent?.channel),
      withdrawn: revocation?.state === 'revoked' ? texts(revocation.withdrawn) : undefined,
    });
    if (channel) standings.push(standingOf(at, items, approvalSk, outcomeSk));
    parent = build?.parent;
  }
  const reason = lineageHold(chain);
  if (reason === undefined) {
    const rejected = channel ? rejectedAncestorHold(standings, channel) : undefined;
    return rejected ? { reason: rejected, rejected: true } : undefined;
  }
  const awaits = awaitedParentOf(chain);
  const via = rebuiltParentOf(chain);
  const unflagged = !chain[0]?.flaggedReason && builtOnRevokedHold(chain);
  return { reason, ...(awaits ? { awaits } : {}), ...(via ? { via } : {}), ...(unflagged ? { unflagged } : {}) };
}

/** The reason a promotion stops with for `hold`: a rejected ancestor's hold as it reads, a revocation's with what replaces the version. */
export function holdMessage(hold: LineageHoldFound): string {
  return hold.rejected ? hold.reason : heldOutcomeReason(hold.reason, hold.awaits, hold.via);
}

/**
 * How the parent version a build was made on stands at `channel`, as the approval request says it ("os-base 1.0.0/2,
 * rejected for prod by sec-oncall: CHG-2001"), or undefined when its lineage names no parent version. One strongly
 * consistent BatchGetItem of the parent's approval and outcome there.
 */
export async function parentStanding(lineage: BuildLineage | undefined, channel: string): Promise<string | undefined> {
  const parent = lineage?.parent;
  if (!parent?.buildVersion) return undefined;
  const at = { image: parent.image, version: parent.buildVersion };
  const approvalSk = `${skPrefix.approval}${at.version}#${channel}`;
  const outcomeSk = `${skPrefix.promotion}${at.version}#${channel}`;
  const items = await batchGetItems(ledgerTable(), [
    { pk: imagePk(at.image), sk: approvalSk },
    { pk: imagePk(at.image), sk: outcomeSk },
  ]);
  return `${at.image} ${at.version}, ${parentStandingText(standingOf(at, items, approvalSk, outcomeSk), channel)}`;
}

/** An ancestor's approval decision and outcome at the channel, from the items read. */
function standingOf(
  at: { image: string; version: string },
  items: readonly Record<string, unknown>[],
  approvalSk: string,
  outcomeSk: string,
): AncestorStanding {
  const approval = items.find((i) => i.sk === approvalSk);
  const outcome = items.find((i) => i.sk === outcomeSk);
  const decision = approval?.decision === 'approve' || approval?.decision === 'reject' ? approval.decision : undefined;
  return {
    ...at,
    decision,
    by: text(approval?.by),
    reason: text(approval?.reason),
    outcome: text(outcome?.outcome),
  };
}

/** A build item's flag and recorded parent (strongly consistent), if the ledger holds the build. */
async function buildLineage(image: string, version: string): Promise<BuildLineage | undefined> {
  const out = await documentClient().send(
    new GetCommand({
      TableName: ledgerTable(),
      Key: { pk: imagePk(image), sk: buildSk(version) },
      // Names, not words: a projection may not spell a reserved word (PARENT is one).
      ProjectionExpression: '#flag, #parent',
      ExpressionAttributeNames: { '#flag': 'flaggedReason', '#parent': 'parent' },
      ConsistentRead: true,
    }),
  );
  return out.Item as BuildLineage | undefined;
}
