import { markDriftRepaired, openDrifts, recordDrift } from '../../aws/audit/audit-ledger.js';
import { clientSleep } from '../../aws/clients/registry.js';
import { getChannelPointer, getChannelPointers, markPointerDrift } from '../../aws/promotion/channel-pointers.js';
import { recordedPointerMoves } from '../../aws/promotion/pointer-history.js';
import { writeChannelPointer } from '../../aws/promotion/pointers.js';
import { type ParameterValue, readParameters } from '../../aws/triggers/ssm.js';
import {
  driftMayBeOpen,
  expectedPointers,
  type LedgerPointerView,
  moveRecordOf,
  type PointerDrift,
  type PointerExpectation,
  pointerDriftPrefix,
  pointerDriftSk,
  pointerDrifts,
  readingKey,
} from '../../core/audit/pointers.js';
import { mapWithConcurrency } from '../../core/concurrency.js';
import { POINTER_READ_BACK_WAITS_MS, pointerTook } from '../../core/promotion/pointer-taken.js';
import { logger } from '../lib/powertools.js';
import { type AuditFinding, type AuditPart, announceFinding, emptyPart, failed, messageOf } from './report.js';

/** Regions read at once: each has its own SSM throughput, so Regions never slow each other down. */
const REGION_CONCURRENCY = 8;

const shown = (p: ParameterValue | undefined) => (p ? `${p.value} (parameter version ${p.version})` : 'no parameter');

/**
 * The daily audit of the channel pointers: every channel pointer the ledger holds (`CHANNEL#`) whose move Publish
 * recorded (`POINTER#`: confirmed by Parameter Store; Publish's own item says so, core/audit/pointers.ts
 * `moveRecordOf`, else the record is read), in every Region of its build, compared with SSM (GetParameters, ten names a call, one Region at a time per image). A pointer SSM holds
 * otherwise (overwritten, or deleted) is recorded (`DRIFT#pointer#…`), written back with the ledger's value through
 * Publish's own write (PutParameter, `aws:ec2:image`) after the ledger's item is read again (the write marking the
 * drift's Region on it answers it; a pointer moved meanwhile is left to the step that moved it), read back, and marked repaired once SSM answers the ledger's value: SSM validates
 * an `aws:ec2:image` value asynchronously
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-data-types.html), so a write not yet
 * visible is confirmed on the next pass. A drift recorded by an earlier run whose parameter now holds the ledger's
 * value (that run repaired and stopped) is marked repaired too (a read-back of one Region reads those drifts only where
 * the item says one may be open there: `driftMayBeOpen`). One pointer's failure stops no other.
 */
export async function auditChannelPointers(
  plans: readonly { image: string; channels: readonly { name: string }[] }[],
  now: Date,
  /** Only this Region's pointers (a Parameter Store Change named one); absent: every Region. */
  onlyRegion?: string,
): Promise<AuditPart> {
  const part = emptyPart();
  const at = now.toISOString();
  // Every drifted pointer is written back first and all are read back together: one wait for the validation however
  // many were overwritten (someone's script over every pointer of a Region), and ten names a GetParameters call.
  const putBacks: PutBack[] = [];
  for (const plan of plans) {
    let pointers: LedgerPointerView[];
    try {
      const channels = plan.channels.map((c) => c.name);
      const held = (await getChannelPointers(plan.image, channels)).flatMap((p) => (p ? [p] : []));
      // A move the ledger holds but Publish has not recorded is in flight or paused (announced as such): Parameter
      // Store never confirmed it, so it is not what to put back (Publish's own read-back decides it). The item says
      // so itself where Publish moved it (core/audit/pointers.ts `moveRecordOf`); only the others' records are read
      // (none: no read). Publish's own writes' Parameter Store Changes arrive while it reads them back: in flight.
      const record = new Map(held.map((p) => [p.channel, moveRecordOf(p, now)] as const));
      const recorded = await recordedPointerMoves(
        plan.image,
        held.filter((p) => record.get(p.channel) === 'unknown'),
      );
      pointers = held.filter((p) => record.get(p.channel) === 'recorded' || recorded.has(p.channel));
    } catch (error) {
      failed(part, `${plan.image}: the ledger's pointers: ${messageOf(error)}`, error);
      continue;
    }
    const expected = expectedPointers(pointers).filter((e) => !onlyRegion || e.region === onlyRegion);
    if (expected.length === 0) continue;
    part.checked += expected.length;
    const { readings, unread } = await readPointers(part, expected);
    for (const [region, error] of unread) {
      failed(part, `${plan.image} ${region}: reading the pointers: ${messageOf(error)}`, error);
    }
    const readable = expected.filter((e) => !unread.has(e.region));
    // A move Publish stamped as recorded is done writing (every Region confirmed): an overwrite after it is drift at
    // once, however recent the move. Any other move is left its settling time (core/audit/pointers.ts).
    const movedAt = new Map(
      pointers.filter((p) => p.moveRecorded !== true).map((p) => [`${p.image}/${p.channel}`, p.at] as const),
    );
    for (const drift of pointerDrifts(readable, readings, { now, movedAt })) {
      try {
        const written = await putBack(drift, now);
        if (written) putBacks.push(written);
      } catch (error) {
        failed(part, `${drift.parameter} ${drift.region}: ${messageOf(error)}`, error);
      }
    }
    // The pass reads the image's open drifts always; a read-back of one Region only where its item says a drift
    // may be open there (or cannot say: not stamped by Publish).
    const byChannel = new Map(pointers.map((p) => [p.channel, p] as const));
    const mayBeOpen = (e: PointerExpectation) => {
      const p = byChannel.get(e.channel);
      return !p || driftMayBeOpen(p, e.region);
    };
    if (!onlyRegion || readable.some(mayBeOpen)) await confirmEarlierRepairs(part, plan.image, readable, readings, at);
  }
  await confirmPutBacks(part, putBacks, at);
  return part;
}

/**
 * Reads the pointers `wanted` names, each Region's names ten a GetParameters call, Regions at once: what SSM holds (by
 * `readingKey`), and each Region whose read failed, with its error.
 */
async function readPointers(
  part: AuditPart,
  wanted: readonly { region: string; parameter: string }[],
): Promise<{ readings: Map<string, ParameterValue>; unread: Map<string, unknown> }> {
  const readings = new Map<string, ParameterValue>();
  const unread = new Map<string, unknown>();
  const regions = [...new Set(wanted.map((w) => w.region))].sort();
  await mapWithConcurrency(regions, REGION_CONCURRENCY, async (region) => {
    const names = [...new Set(wanted.filter((w) => w.region === region).map((w) => w.parameter))];
    part.reads += Math.ceil(names.length / 10);
    try {
      for (const [name, value] of await readParameters(names, region)) readings.set(readingKey(region, name), value);
    } catch (error) {
      unread.set(region, error);
    }
  });
  return { readings, unread };
}

/** A drifted pointer written back: what was found, its drift record's key and the version PutParameter answered. */
interface PutBack {
  drift: PointerDrift;
  finding: Omit<AuditFinding, 'action' | 'repaired'>;
  sk: string;
  written: number;
}

/**
 * Records one drifted pointer and writes the ledger's value back through Publish's own write, unless the ledger moved
 * the pointer since the pass began (then undefined: the step that moved it owns it). The ledger is read again after
 * the write: a rollback or newer move that landed while it went out may have written its value first, so its value is
 * written again over this one (what the mover writes too) and the drift is left open, confirmed once Parameter Store
 * holds the ledger's value.
 */
async function putBack(drift: PointerDrift, now: Date): Promise<PutBack | undefined> {
  // The Region marked on the ledger's item before the drift is recorded (a read-back of it then reads the open
  // drifts), only while the pointer names the drift's version; the write answers the item as it is now (strongly
  // consistent), read again just before repairing: a pointer moved since the pass began is not put back.
  const ledger = await markPointerDrift(drift.image, drift.channel, drift.version, drift.region);
  const value = ledger?.amis.find((a) => a.region === drift.region)?.imageId;
  if (ledger?.version !== drift.version || value !== drift.value) return undefined;
  const sk = pointerDriftSk(drift, now);
  const finding = {
    resource: 'channel-pointer' as const,
    image: drift.image,
    channel: drift.channel,
    version: drift.version,
    region: drift.region,
    found: shown(drift.found),
    expected: `${drift.value} (${drift.version})`,
  };
  logger.warn('a channel pointer differs from the ledger; putting it back', { ...finding });
  await recordDrift({ ...finding, sk, action: `put back ${drift.value}`, foundAt: now.toISOString() });
  const describe = (version: string) => `Goldsmith: ${drift.image} ${version} (${drift.channel})`;
  const written = await writeChannelPointer(
    drift.region,
    drift.parameter,
    drift.value,
    describe(drift.version),
    'aws:ec2:image',
  );
  const after = await getChannelPointer(drift.image, drift.channel);
  if (after?.version === drift.version) return { drift, finding, sk, written };
  const current = after?.amis.find((a) => a.region === drift.region)?.imageId;
  logger.warn('the ledger moved the pointer while it was put back; its own value written again', {
    ...finding,
    now: after ? `${current} (${after.version})` : 'withdrawn',
  });
  if (after && current) {
    await writeChannelPointer(drift.region, drift.parameter, current, describe(after.version), 'aws:ec2:image');
  }
  return undefined;
}

/**
 * Reads the pointers written back until Parameter Store holds each (it validates an aws:ec2:image value after
 * answering), waiting as Publish does before each read, each Region's names ten a GetParameters call; what it does
 * not show yet is confirmed on the next pass. Then says what happened to each, in the order they were found.
 */
async function confirmPutBacks(part: AuditPart, putBacks: readonly PutBack[], at: string): Promise<void> {
  const read = new Map<PutBack, ParameterValue | undefined>();
  const unread = new Map<PutBack, unknown>();
  const took = (p: PutBack) => pointerTook(read.get(p), p.drift.value, p.written);
  let waiting = [...putBacks];
  for (const ms of POINTER_READ_BACK_WAITS_MS) {
    if (waiting.length === 0) break;
    await clientSleep(ms);
    const round = await readPointers(
      part,
      waiting.map((p) => p.drift),
    );
    for (const p of waiting) {
      const { region, parameter } = p.drift;
      if (round.unread.has(region)) unread.set(p, round.unread.get(region));
      else read.set(p, round.readings.get(readingKey(region, parameter)));
    }
    waiting = waiting.filter((p) => !unread.has(p) && !took(p));
  }
  for (const p of putBacks) {
    const { drift, finding, sk, written } = p;
    try {
      if (unread.has(p)) throw unread.get(p);
      const confirmed = took(p) ? read.get(p) : undefined;
      const action = confirmed
        ? `put back ${drift.value}, confirmed at parameter version ${confirmed.version}`
        : `put back ${drift.value} (parameter version ${written}); SSM does not show it yet, confirmed on the next pass`;
      if (confirmed) await markDriftRepaired(drift.image, sk, at, shown(confirmed));
      const full = { ...finding, action, repaired: confirmed !== undefined };
      part.findings.push(full);
      await announceFinding(full, sk, at);
    } catch (error) {
      failed(part, `${drift.parameter} ${drift.region}: ${messageOf(error)}`, error);
    }
  }
}

/** Drifts recorded earlier and not yet confirmed, whose parameter now holds the ledger's value: marked repaired. */
async function confirmEarlierRepairs(
  part: AuditPart,
  image: string,
  expected: readonly PointerExpectation[],
  readings: ReadonlyMap<string, ParameterValue>,
  at: string,
): Promise<void> {
  let open: Awaited<ReturnType<typeof openDrifts>>;
  try {
    open = await openDrifts(image, pointerDriftPrefix());
  } catch (error) {
    failed(part, `${image}: the ledger's open pointer drifts: ${messageOf(error)}`, error);
    return;
  }
  for (const d of open) {
    const wanted = expected.find((e) => e.channel === d.channel && e.region === d.region);
    const now = wanted && readings.get(readingKey(wanted.region, wanted.parameter));
    if (!wanted || now?.value !== wanted.value) continue;
    try {
      await markDriftRepaired(image, d.sk, at, shown(now));
    } catch (error) {
      failed(part, `${image} ${d.sk}: ${messageOf(error)}`, error);
    }
  }
}
