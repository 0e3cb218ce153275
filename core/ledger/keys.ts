/**
 * Key shapes of the ledger: one DynamoDB table with string keys `pk`/`sk` and a TTL attribute `expiresAt`.
 * Pure: these functions only build strings, so every module (functions, promotion, local cloud) agrees on them.
 */

/** The partition of everything that happens to one catalog image (builds, decisions, promotions, approvals). */
export function imagePk(image: string): string {
  return `IMAGE#${image}`;
}

/** A build record: `sk = BUILD#<buildVersion>`, e.g. `BUILD#1.0.0/3`. */
export function buildSk(buildVersion: string): string {
  return `BUILD#${buildVersion}`;
}

/** An image's build circuit breaker (core/triggers/breaker.ts): one item, tripped and resumed in place. */
export const BREAKER_SK = 'BREAKER';

/** The factory's audit partition: drifts that belong to no image, and when each sweep last completed. */
export const FACTORY_AUDIT_PK = 'FACTORY#audit';

/**
 * A trigger decision: sorted by time, then by the change's dedupe key. A decision is written once and never replaced;
 * another delivery of the same change deciding at the same instant records under `#2`, `#3`… (`delivery` > 1).
 */
export function decisionSk(at: string, dedupeKey: string, delivery = 1): string {
  return `DECISION#${at}#${dedupeKey}${delivery > 1 ? `#${delivery}` : ''}`;
}

/** How many decisions on one dedupe key one instant can hold (the first and its re-deliveries). */
export const DECISIONS_PER_INSTANT = 9;

/** The dedupe marker of one change for one image: written once, conditionally. */
export function markerKey(dedupeKey: string): { pk: string; sk: string } {
  return { pk: `CHANGE#${dedupeKey}`, sk: 'MARKER' };
}

/** The watcher's last observed value of an SSM base-image parameter in a region. */
export function watchKey(region: string, parameter: string): { pk: string; sk: string } {
  return { pk: `WATCH#${region}#${parameter}`, sk: 'STATE' };
}

/**
 * A channel pointer's move back or withdrawal (`ROLLBACK#<channel>#<from>`); an operator's move carries its time too
 * (`…#<at>`), so that a channel rolled back, forward and back again keeps each move (recordRollback).
 */
export function rollbackSk(channel: string, from: string, operatorAt?: string): string {
  return `ROLLBACK#${channel}#${from}${operatorAt ? `#${operatorAt}` : ''}`;
}

/** Whether a `ROLLBACK#` key is an operator's move: the one that carries its time (rollbackSk). */
export const isOperatorRollbackSk = (sk: string): boolean => sk.split('#').length > 3;

/** Prefixes other writers use in an image's partition; listed here so nobody invents a clashing one. */
export const skPrefix = {
  build: 'BUILD#',
  decision: 'DECISION#',
  promotion: 'PROMOTION#',
  channel: 'CHANNEL#',
  pointerHistory: 'POINTER#',
  approval: 'APPROVAL#',
  paused: 'PAUSED#',
  revocation: 'REVOCATION#',
  /** Findings that arrived on a version and what was done about them (`FOUND#<buildVersion>#<digest>`). */
  found: 'FOUND#',
  /** A revocation asked for a later time (not a revocation: readers of `REVOCATION#` never see it). */
  scheduledRevocation: 'REVOKE-AT#',
  soak: 'SOAK#',
  /** Gate's pass of a build into a channel (`GATE#<buildVersion>#<channel>`), what Share and Publish require. */
  gate: 'GATE#',
  pipeline: 'PIPELINE#',
  /** Who uses one AMI of a build in one Region (`USAGE#<buildVersion>#<region>`). */
  usage: 'USAGE#',
  /** A retention hold on a build whose AMIs are still in use (`HOLD#<buildVersion>`). */
  hold: 'HOLD#',
  /** What the audit found AWS holding otherwise than the ledger (`DRIFT#pointer#…`, `DRIFT#launch#…`, `DRIFT#revoke-at#…`). */
  drift: 'DRIFT#',
  /** A version's rollout to a channel's member groups (`ROLLOUT#<channel>#<buildVersion>`), core/rollout/record.ts. */
  rollout: 'ROLLOUT#',
} as const;

/**
 * One more prefix of an image's partition, kept apart from `skPrefix` so only the functions that use it bundle it: a
 * version's promotion attempts (`ATTEMPT#<buildVersion>#…`), the attempt record (`#current`) and the promotion, gate,
 * approval and soak items of each earlier attempt, archived when the next attempt started (`#a<n>#<their sort key>`).
 */
export const ATTEMPT_PREFIX = 'ATTEMPT#';

/**
 * The prefixes of a version's items one promotion attempt writes: archived as a whole when the next attempt starts,
 * with its rollouts' records and chunks (rolloutSk, isRolloutItemOf).
 */
export function attemptItemPrefixes(buildVersion: string): string[] {
  return [skPrefix.promotion, skPrefix.gate, skPrefix.approval, skPrefix.soak].map((p) => `${p}${buildVersion}#`);
}

/** The attempt record of a version (which attempt is the current one, and how each began): `ATTEMPT#<v>#current`. */
export function attemptSk(buildVersion: string): string {
  return `${ATTEMPT_PREFIX}${buildVersion}#current`;
}

/**
 * Where an item of attempt `attempt` of a version is kept once the next attempt starts: `ATTEMPT#<v>#a<n>#<its sort key>`,
 * outside every prefix the promotion's readers query (`PROMOTION#<v>#`, `APPROVAL#`, …), so the next attempt starts on
 * a clean slate and the earlier one stays for `history`.
 */
export function archivedAttemptSk(buildVersion: string, attempt: number, sk: string): string {
  return `${ATTEMPT_PREFIX}${buildVersion}#a${attempt}#${sk}`;
}

/** The rollout record of one version to one channel: `ROLLOUT#<channel>#<buildVersion>`. */
export function rolloutSk(channel: string, buildVersion: string): string {
  return `${skPrefix.rollout}${channel}#${buildVersion}`;
}

/**
 * Whether `sk` is the rollout record of `buildVersion` to `channel` or one of its chunk items (`<record sk>#WAVE#…`):
 * a query by the record's key as a prefix also finds another version's (`…/1` finds `…/10`).
 */
export function isRolloutItemOf(sk: string, channel: string, buildVersion: string): boolean {
  const record = rolloutSk(channel, buildVersion);
  return sk === record || sk.startsWith(`${record}#`);
}

/** Seconds since the epoch, as DynamoDB's TTL wants them. */
export function ttlAfter(from: Date, days: number): number {
  return Math.floor(from.getTime() / 1000) + days * 86_400;
}

/**
 * A build intent: the change that calls for builds, written before any Image Builder call so the reconciler can
 * re-issue it if the start never happened. One partition, sorted by the change's time, then its id.
 */
export function intentKey(changeTime: string, changeId: string): { pk: string; sk: string } {
  return { pk: 'INTENTS', sk: `INTENT#${changeTime}#${changeId}` };
}

/** The monthly summary of `month` (`YYYY-MM`): written once, conditionally, then announced. */
export function summaryKey(month: string): { pk: string; sk: string } {
  return { pk: 'SUMMARY', sk: `MONTH#${month}` };
}

/**
 * The ledger's sparse "open work" index: an item is in it only while it carries `openWork` (its kind), so the
 * reconciler reads what is open now in one Query per kind, instead of filtering every image's whole history
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-indexes-general-sparse-indexes.html). Writers
 * set `openWork` in the same write that opens the work and remove it in the one that closes it. The index is
 * eventually consistent, so readers act only through conditional writes, and what one run misses the next finds.
 */
export const openWorkIndex = { name: 'open-work', partitionKey: 'openWork', sortKey: 'sk' } as const;

/** The kinds of open work: the `openWork` value of each. */
export const openWork = {
  /** An approval decision recorded but not yet delivered to Step Functions. */
  decision: 'undelivered-decision',
  /** A promotion paused at the end of its retry horizon, not yet resumed. */
  pause: 'paused-promotion',
  /** A change's build intent not yet done. */
  intent: 'pending-intent',
  /** A build Goldsmith started and has not yet seen finish. */
  build: 'unfinished-build',
  /** An image usage report requested and not yet read. */
  usageReport: 'usage-report',
  /** A revocation asked for a later time, neither cancelled, superseded nor found carried out by the audit. */
  scheduledRevocation: 'scheduled-revocation',
  /** A rollout running or paused (not completed, halted, aborted or superseded). */
  rollout: 'rollout',
  /** A revoked version's ended rollout whose groups an execution is taking back, neither settled nor found stopped. */
  takeBack: 'rollout-take-back',
} as const;
export type OpenWorkKind = (typeof openWork)[keyof typeof openWork];

/**
 * The ledger's "image view" index: every image's builds, approvals and channel pointers (the `APPROVAL#`…`CHANNEL#`
 * items each image's partition keeps), under one partition key, so the health gauges read all images with one
 * paginated Query instead of one per image. Sparse like the open-work index: only items carrying `view` are in it,
 * and the writers that create those items set `view` and `viewSk` in the same write
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-indexes-general-sparse-indexes.html). It
 * projects only the attributes the gauges read (`projected`), not the rest those items hold (a pointer's AMIs per
 * Region, a build's cost and lineage). Eventually consistent: a gauge may lag a write by a moment, which a
 * three-hourly gauge can. Updates that only ever follow the creating write (handled, cost, announced, retired,
 * deleting, sent, undeliverable) do not set the keys: a stub such an update made alone would hold no status, and
 * stays out of the gauges (the simulator's `image-view-keys` audit names any).
 */
export const imageViewIndex = {
  name: 'image-view',
  partitionKey: 'view',
  sortKey: 'viewSk',
  /** The one partition key value: the items of every image. */
  value: 'image',
  /** Non-key attributes the index keeps (the table's `pk` and `sk` always are). */
  projected: [
    'version',
    'channel',
    'at',
    'outcome',
    'reason',
    'decision',
    'approvers',
    'requestedAt',
    'expiresAt',
    'buildVersion',
    'status',
    'statusesSeen',
    'statusReason',
    'updatedAt',
  ],
} as const;

/** Whether an image partition's item of this sort key belongs in the image-view index: builds, approvals, pointers. */
export function inImageView(sk: string): boolean {
  return sk.startsWith(skPrefix.approval) || sk.startsWith(skPrefix.build) || sk.startsWith(skPrefix.channel);
}

/** The index attributes of an image's build, approval or channel-pointer item, set by the write that creates it. */
export function imageViewKeys(image: string, sk: string): { view: string; viewSk: string } {
  return { view: imageViewIndex.value, viewSk: `${image}#${sk}` };
}

/** The same for an UpdateItem that may create the item: a `SET` clause (`view` is a reserved word) and its operands. */
export function imageViewUpdate(
  image: string,
  sk: string,
): { set: string; names: { '#view': string }; values: { ':view': string; ':viewSk': string } } {
  const keys = imageViewKeys(image, sk);
  return {
    set: `#view = :view, ${imageViewIndex.sortKey} = :viewSk`,
    names: { '#view': imageViewIndex.partitionKey },
    values: { ':view': keys.view, ':viewSk': keys.viewSk },
  };
}

/** The held organization: one item per OU (`OU#<id>`), per account (`ACCOUNT#<id>`), and its freshness (`STATE`). */
export function orgKey(kind: 'OU' | 'ACCOUNT' | 'STATE', id?: string): { pk: string; sk: string } {
  return { pk: 'ORG', sk: kind === 'STATE' ? 'STATE' : `${kind}#${id ?? ''}` };
}

/** A RAM resource share Goldsmith made and keeps in force in one Region. */
export function ramShareKey(region: string, shareName: string): { pk: string; sk: string } {
  return { pk: `RAMSHARE#${region}`, sk: `SHARE#${shareName}` };
}

/** Who uses the AMI of `buildVersion` in `region` (in the image's partition). */
export function usageSk(buildVersion: string, region: string): string {
  return `${skPrefix.usage}${buildVersion}#${region}`;
}

/** A retention hold on a build whose AMIs are still in use (in the image's partition). */
export function holdSk(buildVersion: string): string {
  return `${skPrefix.hold}${buildVersion}`;
}

/** Patch compliance of one cycle (a month `YYYY-MM` or an out-of-cycle rebuild's id) per image, channel and OU. */
export function complianceKey(cycle: string, image: string, channel: string, ou: string): { pk: string; sk: string } {
  return { pk: 'COMPLIANCE', sk: `CYCLE#${cycle}#${image}#${channel}#${ou}` };
}
