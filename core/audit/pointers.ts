import { channelParameterName } from '../names.js';

/**
 * The daily audit's comparison of the channel pointers SSM holds with those the ledger names (pure). The ledger's
 * `CHANNEL#` item says which build a channel names and that build's AMI in each Region; SSM holds
 * `/goldsmith/<image>/<channel>` in each Region. Anyone with `ssm:PutParameter` in the factory account can overwrite
 * one (rolling a channel back while `status` says otherwise) or delete it; nothing tells Goldsmith but a read.
 */

/** What one Region's pointer of one channel should say, per the ledger. */
export interface PointerExpectation {
  image: string;
  channel: string;
  /** The build the ledger's pointer names. */
  version: string;
  region: string;
  parameter: string;
  /** The AMI id the parameter should hold. */
  value: string;
}

/** A parameter as SSM answers GetParameters: its value and its version (which only ever grows). */
export interface ParameterReading {
  value: string;
  version: number;
}

/** A pointer SSM holds otherwise than the ledger says: `found` is undefined when the parameter is gone. */
export interface PointerDrift extends PointerExpectation {
  found: ParameterReading | undefined;
}

/** The ledger's channel pointer, as the audit reads it (`CHANNEL#`). */
export interface LedgerPointerView {
  image: string;
  channel: string;
  version: string;
  amis: readonly { region: string; imageId: string }[];
  /** When the ledger last moved it. */
  at: string;
  /**
   * Whether Publish recorded this move (`POINTER#`: Parameter Store confirmed it in every Region): false as Publish's
   * move writes the item, true once it recorded the move and stamped it on this very item. Absent on items moved
   * otherwise (a rollback) or by an earlier release.
   */
  moveRecorded?: boolean | undefined;
  /**
   * Regions where a drift of this pointer may be open: those Publish found open when it stamped the move, and each
   * Region the audit recorded a drift in since (duplicates possible). Only meaningful once `moveRecorded`.
   */
  driftRegions?: readonly string[] | undefined;
}

/**
 * What the ledger's item itself says of its move's record, without reading `POINTER#`: `recorded` (Publish stamped
 * it); `in-flight` (Publish moved it less than {@link POINTER_SETTLE_MS} ago and has not recorded it yet: left to
 * Publish, as the audit leaves any pointer moved that recently); `unknown` (moved by a rollback or an earlier release,
 * or a Publish that stopped before stamping its record): the record is read.
 */
export function moveRecordOf(
  p: Pick<LedgerPointerView, 'at' | 'moveRecorded'>,
  now: Date,
): 'recorded' | 'in-flight' | 'unknown' {
  if (p.moveRecorded === true) return 'recorded';
  const moved = Date.parse(p.at);
  if (p.moveRecorded === false && now.getTime() - moved < POINTER_SETTLE_MS) return 'in-flight';
  return 'unknown';
}

/**
 * Whether a drift of `p`'s pointer in `region` may be open (recorded, not yet confirmed repaired): unknown unless
 * Publish stamped the move, and then only in the Regions the item names. With no possible open drift, reading the
 * pointer back needs no read of the open drifts.
 */
export const driftMayBeOpen = (p: Pick<LedgerPointerView, 'moveRecorded' | 'driftRegions'>, region: string) =>
  p.moveRecorded !== true || (p.driftRegions ?? []).includes(region);

/**
 * How long after the ledger moves a pointer its parameters may still say the old value: Publish and a rollback move
 * the ledger first, then write each Region (functions/promotion/publish.ts), so a pointer moved this recently is
 * left to the step moving it.
 */
export const POINTER_SETTLE_MS = 60 * 60_000;

/** The key of one Region's parameter in a map of readings. */
export const readingKey = (region: string, parameter: string) => `${region}\n${parameter}`;

/**
 * What every Region's pointer of each channel should hold: one entry per Region of the build's AMIs. A container
 * channel (no AMIs recorded: its pointer names a digest) is not audited here.
 */
export function expectedPointers(pointers: readonly LedgerPointerView[]): PointerExpectation[] {
  return pointers.flatMap((p) =>
    p.amis.map((a) => ({
      image: p.image,
      channel: p.channel,
      version: p.version,
      region: a.region,
      parameter: channelParameterName(p.image, p.channel),
      value: a.imageId,
    })),
  );
}

/**
 * The pointers SSM holds otherwise than the ledger says (another value, or none), except those the ledger moved in
 * the last {@link POINTER_SETTLE_MS} (`movedAt` by `image/channel`: the caller leaves out a move Publish stamped as
 * recorded, which is done writing), which the moving step is still writing.
 */
export function pointerDrifts(
  expected: readonly PointerExpectation[],
  readings: ReadonlyMap<string, ParameterReading>,
  options: { now: Date; movedAt: ReadonlyMap<string, string> },
): PointerDrift[] {
  return expected.flatMap((e) => {
    const found = readings.get(readingKey(e.region, e.parameter));
    if (found?.value === e.value) return [];
    const moved = Date.parse(options.movedAt.get(`${e.image}/${e.channel}`) ?? '');
    if (!Number.isNaN(moved) && options.now.getTime() - moved < POINTER_SETTLE_MS) return [];
    return [{ ...e, found }];
  });
}

/**
 * The ledger's sort key of one pointer drift: the same change found again (a retried run the same day) is the same
 * record. An overwrite is named by the parameter version it made and the day it was found: a parameter deleted and
 * created again starts at version 1 again, so the version alone would make a later overwrite collide with an earlier
 * one (not recorded, not announced). A deletion is named by the day it was found.
 */
export function pointerDriftSk(drift: PointerDrift, now: Date): string {
  const day = now.toISOString().slice(0, 10);
  const which = drift.found ? `v${drift.found.version}@${day}` : `absent@${day}`;
  return `${pointerDriftPrefix(drift.channel)}${drift.region}#${which}`;
}

/** The prefix of the pointer drift records of one channel, or of every channel (`DRIFT#pointer#`). */
export const pointerDriftPrefix = (channel?: string) => `DRIFT#pointer#${channel === undefined ? '' : `${channel}#`}`;
