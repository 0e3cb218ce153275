import { type ApprovalChanges, approvalChangesSchema } from '../../events/approval-changes.js';
import { DAY_MS } from '../duration.js';
import { promotableVersions } from './channel-lag.js';
import {
  type FlaggedVersion,
  flaggedOf,
  type HeldVersion,
  heldOf,
  type InFlightBuild,
  inFlightOf,
  lastFailureOf,
} from './image-progress.js';
import { fieldText, type LedgerItem } from './ledger-item.js';
import { type LastFindings, lastFindingsOf } from './ledger-lines.js';
import { lastMoveBack, type RevokedMove, type RolledBackMove, revocationsByVersion } from './pointer-moves.js';
import { type PendingPointer, pendingPointer } from './pointer-pending.js';
import { openRevocationRequests, type RevocationRequestView } from './revocation-requests.js';
import { type ScheduledRevocationView, scheduledRevocationsOf } from './scheduled-revocations.js';

/**
 * What one image's ledger partition says about it right now: channel pointers, what is in flight, what waits for
 * whom, the last failure and how far each channel lags. Pure: the CLI's `status` and the health gauges both read
 * the partition (`pk = IMAGE#<image>`) and call this.
 */

export type { LedgerItem } from './ledger-item.js';

export interface ChannelView {
  channel: string;
  /**
   * The build the channel's pointer names, with its AMIs per region (a container image: its digest per region);
   * absent before the first promotion.
   */
  pointer?: { version: string; at: string; amis: Record<string, string>; digests?: Record<string, string> };
  /**
   * A move the ledger made that Parameter Store does not hold: the promotion paused at this channel before the move
   * was confirmed. `pointer` is then the last confirmed move.
   */
  pending?: PendingPointer;
  /** The pointer was withdrawn or moved back because the version it named was revoked. */
  revoked?: RevokedMove;
  /**
   * The version the pointer names was flagged (built on a revoked parent): the channel keeps it until its replacement
   * is promoted here (docs/catalog.md, `revocation.descendants`), and says so for as long as it does.
   */
  flagged?: { at: string; reason: string };
  /** An operator rolled the pointer back (`goldsmith rollback`) to the version it names: who, when and why. */
  rolledBack?: RolledBackMove;
  /** An approval request nobody answered yet (and not expired). */
  waiting?: {
    version: string;
    since: string;
    approvers: string[];
    expiresAt: string;
    fractionOfTimeout: number;
    /** What the version changes against the channel's current one, as the request showed it (when it did). */
    changes?: ApprovalChanges;
  };
  /**
   * How far the channel lags: the builds newer than the pointer that could still be promoted here (AVAILABLE, not
   * revoked or flagged, not stopped on their way nor promoted here already: `promotableVersions`).
   */
  lagBuilds: number;
  /** Days since the pointer last moved (since the first build when it never did); undefined with neither. */
  ageDays?: number;
}

export interface ImageView {
  image: string;
  channels: ChannelView[];
  /** Builds still building or promoting; a promotion paused (PAUSED#, not yet resumed) says where and why. */
  inFlight: InFlightBuild[];
  lastFailure?: { version: string; at: string; what: string };
  /** The latest findings reported on a version, and what was done about them (`FOUND#`, as `history` says it). */
  lastFindings?: LastFindings;
  /**
   * Versions retention would have deleted but keeps because member accounts still run them (usage-aware retention),
   * not yet deleted: since when, by how many, until when the hold lasts, and whether an operator released it.
   */
  held?: HeldVersion[];
  /** Versions built on a revoked parent: held out of every further channel until rebuilt (and where that stopped). */
  flagged?: FlaggedVersion[];
  /** Revocations asked for a time still to come: scheduled, cancelled, or superseded by an earlier revocation. */
  scheduledRevocations?: ScheduledRevocationView[];
  /** Revocations a finding asked for that nobody has carried out yet: they wait for a person. */
  revocationRequests?: RevocationRequestView[];
  builds: number;
}

/**
 * Whether an approval request still waits for an approver: undecided, not expired at `now`, its channel not decided
 * otherwise (an expiry or an abort records the outcome), its version neither revoked nor asked to be. `status` shows
 * it; `approve`/`reject` without a version act on it (functions/operator.ts).
 */
export function approvalWaits(
  approval: { decision?: unknown; expiresAt?: unknown },
  facts: { decided: boolean; revoked: boolean },
  now: number,
): boolean {
  return (
    approval.decision === undefined &&
    !facts.decided &&
    !facts.revoked &&
    typeof approval.expiresAt === 'string' &&
    Date.parse(approval.expiresAt) > now
  );
}

export { fieldText } from './ledger-item.js';

const str = fieldText;
const sk = (item: LedgerItem) => str(item, 'sk');

/** Orders Image Builder build versions (`1.0.0/12` after `1.0.0/9`). */
export function compareBuildVersions(a: string, b: string): number {
  const pa = a.split(/[./]/).map(Number);
  const pb = b.split(/[./]/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function amisByRegion(value: unknown): Record<string, string> {
  if (!Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const ami of value as { region?: unknown; imageId?: unknown }[]) {
    const id = ami.imageId;
    if (typeof ami.region === 'string' && typeof id === 'string') out[ami.region] = id;
  }
  return out;
}

/**
 * A container pointer's image digest per region: the channel item holds no AMIs, the pointer move it came from
 * (`POINTER#<channel>#<versionKey>`) holds each region's `repository@sha256:…` value.
 */
function digestsOf(
  items: readonly LedgerItem[],
  channel: string,
  versionKey: string,
): { digests?: Record<string, string> } {
  const move = items.find((i) => sk(i) === `POINTER#${channel}#${versionKey}`);
  const digests: Record<string, string> = {};
  for (const r of Array.isArray(move?.regions) ? (move.regions as { region?: unknown; value?: unknown }[]) : []) {
    // Stryker disable next-line UnaryOperator: a value that is not a string fails the check below, whatever `at` is
    const at = typeof r.value === 'string' ? r.value.indexOf('@sha256:') : -1;
    if (typeof r.region === 'string' && typeof r.value === 'string' && at >= 0) {
      digests[r.region] = r.value.slice(at + 1);
    }
  }
  return Object.keys(digests).length > 0 ? { digests } : {};
}

/**
 * Reads one image's partition into its current state.
 * @param channels the image's channels in promotion order (the catalog's)
 */
export function imageView(
  image: string,
  channels: readonly string[],
  items: readonly LedgerItem[],
  now: Date,
): ImageView {
  const builds = items.filter((i) => sk(i).startsWith('BUILD#'));
  const outcomes = items.filter((i) => sk(i).startsWith('PROMOTION#'));
  const approvals = items.filter((i) => sk(i).startsWith('APPROVAL#'));
  const outcomeOf = (version: string, channel: string) =>
    outcomes.find((o) => str(o, 'version') === version && str(o, 'channel') === channel);
  // Every revocation explains the pointer moves it made; only one not restored since makes the version revoked now.
  const moves = revocationsByVersion(items);
  const revocations = new Map([...moves].filter(([, i]) => str(i, 'state') !== 'restored'));
  const views: ChannelView[] = channels.map((channel, index) => {
    const pointerItem = items.find((i) => sk(i) === `CHANNEL#${channel}`);
    const unconfirmed = pointerItem ? pendingPointer(items, channel, str(pointerItem, 'version')) : undefined;
    const pointer = unconfirmed
      ? unconfirmed.confirmed
      : pointerItem
        ? {
            version: str(pointerItem, 'version'),
            at: str(pointerItem, 'at'),
            amis: amisByRegion(pointerItem.amis),
            ...digestsOf(items, channel, str(pointerItem, 'versionKey')),
          }
        : undefined;
    const open = approvals.find(
      (a) =>
        str(a, 'channel') === channel &&
        approvalWaits(
          a,
          {
            decided: outcomeOf(str(a, 'version'), channel) !== undefined,
            revoked: revocations.has(str(a, 'version')),
          },
          now.getTime(),
        ),
    );
    const lagBuilds = promotableVersions({
      channels,
      index,
      pointer: pointer?.version,
      builds,
      outcomes,
      revoked: revocations,
    }).length;
    const since = pointer?.at ?? builds.map((b) => str(b, 'requestedAt')).sort()[0];
    const view: ChannelView = { channel, lagBuilds };
    if (pointer) view.pointer = pointer;
    if (unconfirmed) view.pending = unconfirmed.pending;
    const moved = lastMoveBack(items, channel, pointer?.version, moves);
    if (moved.revoked) view.revoked = moved.revoked;
    if (moved.rolledBack) view.rolledBack = moved.rolledBack;
    const served = pointer ? builds.find((b) => str(b, 'buildVersion') === pointer.version) : undefined;
    if (served && str(served, 'flaggedAt') && !revocations.has(pointer?.version ?? '')) {
      view.flagged = { at: str(served, 'flaggedAt'), reason: str(served, 'flaggedReason') };
    }
    if (since) view.ageDays = Math.max(0, (now.getTime() - Date.parse(since)) / DAY_MS);
    if (open) {
      const requested = Date.parse(str(open, 'requestedAt'));
      const span = Date.parse(str(open, 'expiresAt')) - requested;
      view.waiting = {
        version: str(open, 'version'),
        since: str(open, 'requestedAt'),
        approvers: Array.isArray(open.approvers) ? open.approvers.map(String) : [],
        expiresAt: str(open, 'expiresAt'),
        fractionOfTimeout: span > 0 ? (now.getTime() - requested) / span : 1,
      };
      const changes = approvalChangesSchema.safeParse(open.changes);
      if (changes.success) view.waiting.changes = changes.data;
    }
    return view;
  });

  const inFlight = inFlightOf(items, builds, channels, outcomeOf, revocations);
  const view: ImageView = { image, channels: views, inFlight, builds: builds.length };
  const last = lastFailureOf(builds, outcomes);
  if (last) view.lastFailure = last;
  const found = lastFindingsOf(items);
  if (found) view.lastFindings = found;
  const held = heldOf(items, builds);
  if (held.length > 0) view.held = held;
  const flagged = flaggedOf(builds, outcomes, revocations, new Set(inFlight.map((f) => f.version)));
  if (flagged.length > 0) view.flagged = flagged;
  const scheduled = scheduledRevocationsOf(items, now);
  if (scheduled.length > 0) view.scheduledRevocations = scheduled;
  const requests = openRevocationRequests(items);
  if (requests.length > 0) view.revocationRequests = requests;
  return view;
}
