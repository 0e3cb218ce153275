import { GetCommand, PutCommand, paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { INSTANCES_STOPPED } from '../../core/cost/build-record.js';
import { buildSk, imagePk, imageViewUpdate } from '../../core/ledger/keys.js';
import type { PromotionOutcome, RegionAmi } from '../../core/promotion/types.js';
import type { ShareStarted } from '../../core/sharing/in-flight.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { conditionalWrite, putItemOnce } from '../ledger/ledger-writes.js';

/**
 * The promotion side of the ledger: builds' statuses and lineage, channel decisions and sharing decisions (the
 * channel pointers are in channel-pointers.ts). Keys: `pk = IMAGE#<image>`; decisions are conditional writes, so a
 * retried task never decides twice.
 */

const key = (image: string, sk: string) => ({ pk: imagePk(image), sk });

/** A build as on-image-event sees it. */
export interface BuildFacts {
  image: string;
  version: string;
  buildVersionArn: string;
  status: string;
  reason?: string | undefined;
  at: string;
  /** The parent build it was made from; `unknown` says why its version could not be told (the build is held). */
  parent?: BuildParent | undefined;
  /**
   * The parent is recorded apart (`recordBuildParent`), after this write showed the item holds none: the status write
   * leaves `parent` alone instead of recording an image without one.
   */
  parentApart?: true;
}

/** A build's parent, as its ledger item holds it (`parent`). */
export type BuildParent = {
  image: string;
  channel: string;
  buildVersion?: string | undefined;
  unknown?: string | undefined;
};

/**
 * Records a status the build reached; statuses accumulate in a string set, so re-delivered events change nothing.
 * The first BUILDING and the first status after the instances (`INSTANCES_STOPPED`) are kept as `buildingAt` and
 * `instancesStoppedAt`, what the build's cost estimate counts instance time from.
 * @returns the build item as it now stands.
 */
export async function recordBuildStatus(build: BuildFacts): Promise<Record<string, unknown>> {
  const times =
    build.status === 'BUILDING'
      ? ', buildingAt = if_not_exists(buildingAt, :at)'
      : INSTANCES_STOPPED.has(build.status)
        ? ', instancesStoppedAt = if_not_exists(instancesStoppedAt, :at)'
        : '';
  const sk = buildSk(build.version);
  const lineage = build.parentApart ? '' : ', parent = if_not_exists(parent, :parent)';
  // The image-event handler may write a build before the start records it (recordBuildRequested): either creates it.
  const view = imageViewUpdate(build.image, sk);
  const out = await documentClient().send(
    new UpdateCommand({
      TableName: ledgerTable(),
      Key: key(build.image, sk),
      UpdateExpression: `SET ${view.set}, buildVersionArn = :arn, #status = :status, statusReason = :reason, updatedAt = :at${lineage}${times} ADD statusesSeen :seen`,
      ExpressionAttributeNames: { '#status': 'status', ...view.names },
      ExpressionAttributeValues: {
        ...view.values,
        ':arn': build.buildVersionArn,
        ':status': build.status,
        ':reason': build.reason ?? null,
        ':at': build.at,
        ...(build.parentApart ? {} : { ':parent': build.parent ?? null }),
        ':seen': new Set([build.status]),
      },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return out.Attributes ?? {};
}

/**
 * Records the parent build a build was made from, once (`if_not_exists`: the first answer stays, as a status write's
 * would). @returns the build item as it now stands.
 */
export async function recordBuildParent(
  image: string,
  version: string,
  parent: BuildParent | undefined,
): Promise<Record<string, unknown>> {
  const out = await documentClient().send(
    new UpdateCommand({
      TableName: ledgerTable(),
      Key: key(image, buildSk(version)),
      UpdateExpression: 'SET parent = if_not_exists(parent, :parent)',
      ExpressionAttributeValues: { ':parent': parent ?? null },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return out.Attributes ?? {};
}

/** Whether a build's failure was already announced (a re-delivered or reconciled FAILED event says nothing new). */
export async function buildAnnounced(image: string, version: string): Promise<boolean> {
  const out = await documentClient().send(
    new GetCommand({ TableName: ledgerTable(), Key: key(image, buildSk(version)), ConsistentRead: true }),
  );
  return typeof out.Item?.announcedAt === 'string';
}

/** A channel decision. */
export interface OutcomeRecord {
  image: string;
  version: string;
  channel: string;
  outcome: PromotionOutcome;
  reason: string;
  by: string;
  at: string;
  amis?: RegionAmi[] | undefined;
}

/**
 * Records one channel decision, once: `PROMOTION#<version>#<channel>` is written only if absent.
 * @returns false when a decision was already recorded (a retry, or a race lost): the caller must not act again.
 */
export async function recordOutcome(record: OutcomeRecord): Promise<boolean> {
  return putItemOnce({
    ...key(record.image, `PROMOTION#${record.version}#${record.channel}`),
    kind: 'promotion',
    ...record,
  });
}

/** The recorded decision for a build's channel, if any. */
export async function getOutcome(image: string, version: string, channel: string): Promise<OutcomeRecord | undefined> {
  const out = await documentClient().send(
    new GetCommand({
      TableName: ledgerTable(),
      Key: key(image, `PROMOTION#${version}#${channel}`),
      ConsistentRead: true,
    }),
  );
  return out.Item as OutcomeRecord | undefined;
}

/** Every channel decision of an image (paginated), optionally only one build's; `consistent`: strongly consistent. */
export async function listOutcomes(image: string, version?: string, consistent = false): Promise<OutcomeRecord[]> {
  return queryAll<OutcomeRecord>(image, version ? `PROMOTION#${version}#` : 'PROMOTION#', consistent);
}

/** Every item of an image whose sort key starts with `prefix` (paginated). */
async function queryAll<T>(image: string, prefix: string, consistent = false): Promise<T[]> {
  const found: T[] = [];
  const pages = paginateQuery(
    { client: documentClient() },
    {
      TableName: ledgerTable(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': imagePk(image), ':prefix': prefix },
      ...(consistent ? { ConsistentRead: true } : {}),
    },
  );
  for await (const page of pages) found.push(...((page.Items ?? []) as T[]));
  return found;
}

/** Zero-padded so DynamoDB's string comparison orders versions: `1.0.0/10` sorts after `1.0.0/9`. */
export function versionKey(version: string): string {
  return version
    .split(/[./]/)
    .map((p) => p.padStart(8, '0'))
    .join('.');
}

/** One channel's sharing, as Share recorded it: the catalog's targets, counts and a hash of the resolved set. */
export interface ShareRecord {
  image: string;
  version: string;
  channel: string;
  regions: string[];
  /** The channel's targets as the catalog states them (small; the resolved account ids are not stored). */
  targets: {
    organization: boolean;
    ous: string[];
    accounts: string[];
    accountTags: Record<string, string>;
    excluded: { ous: string[]; accounts: string[] };
    allowCopy: boolean;
  };
  counts: { ous: number; accounts: number; tags: number; grants: number; skipped: number };
  /** `accountSetHash` of the accounts resolved at promotion time: equal hashes, same accounts. */
  accountsHash: string;
  /** The first named accounts left out, with why (suspended, closed, not a member). */
  skipped: { account: string; reason: string }[];
  calls: { modifyImageAttribute: number; modifySnapshotAttribute: number };
  at: string;
}

/** Records the sharing of a build's channel (idempotent: a retry overwrites it with the same facts). */
export async function recordShareDecision(record: ShareRecord): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: ledgerTable(),
      Item: { ...key(record.image, `SHARE#${record.version}#${record.channel}`), kind: 'share', ...record },
    }),
  );
}

/**
 * Share's intent, written before its first ModifyImageAttribute (`SHARING#<version>#<channel>`): the ledger records
 * a grant only after EC2 confirms it, so without this a grant Share has just made is, until its outcome is recorded,
 * indistinguishable from one made outside Goldsmith. A retry overwrites it with its own time.
 */
export async function recordShareIntent(intent: { image: string; version: string; channel: string; at: string }) {
  await documentClient().send(
    new PutCommand({
      TableName: ledgerTable(),
      Item: { ...key(intent.image, `SHARING#${intent.version}#${intent.channel}`), kind: 'share-intent', ...intent },
    }),
  );
}

/**
 * One version's channel decisions and the channels its Share has begun or recorded (`SHARING#` / `SHARE#`), read
 * strongly consistent: what the daily audit reads after EC2 answered, so a grant EC2 showed has its intent here (a
 * consistent read reflects every write that succeeded before it:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.ReadConsistency.html).
 */
export async function readVersionSharing(
  image: string,
  version: string,
): Promise<{ outcomes: OutcomeRecord[]; started: ShareStarted[] }> {
  const [outcomes, intents, shares] = await Promise.all([
    queryAll<OutcomeRecord>(image, `PROMOTION#${version}#`, true),
    queryAll<ShareStarted>(image, `SHARING#${version}#`, true),
    queryAll<ShareStarted>(image, `SHARE#${version}#`, true),
  ]);
  return { outcomes, started: [...intents, ...shares].map((s) => ({ channel: s.channel, at: s.at })) };
}

/**
 * Marks a build's terminal status as announced (after the announcement was published), once.
 * @returns false when it was marked before.
 */
export async function markBuildAnnounced(image: string, version: string, at: string): Promise<boolean> {
  return conditionalWrite(() =>
    documentClient().send(
      new UpdateCommand({
        TableName: ledgerTable(),
        Key: key(image, buildSk(version)),
        UpdateExpression: 'SET announcedAt = :at',
        ConditionExpression: 'attribute_not_exists(announcedAt)',
        ExpressionAttributeValues: { ':at': at },
      }),
    ),
  );
}
