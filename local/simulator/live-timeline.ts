import { GetCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { buildSk, imagePk, skPrefix } from '../../core/ledger/keys.js';
import type { LocalCloud } from './cloud.js';
import type { DeadLetter } from './invoke.js';
import type { SimulationReport } from './report.js';
import { notificationsOf } from './report-notifications.js';
import { buildTimeline, type TimelineEntry, type TimelineSources } from './timeline.js';

/** How long a build may wait for its ledger record before it is shown without one ("unknown" trigger). */
const RECORD_WAIT_MS = 86_400_000;

/**
 * How long the running invocations and their deliveries hold the stream back at most: a bound chosen, not AWS's (a
 * single invocation runs "up to a maximum value of 900 seconds (15 minutes)",
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html, but a chain of deliveries and Lambda's
 * retries can last longer). A line handed on for longer than this arrives late.
 */
const MAX_HOLD_MS = 900_000;

/** What the simulator collects as it runs, read by each flush (the same lists the end-of-run timeline reads). */
export interface LiveSources {
  statuses: Parameters<typeof buildTimeline>[1];
  callbacks: Parameters<typeof buildTimeline>[2];
  deadLetters: DeadLetter[];
  notes: Parameters<typeof buildTimeline>[4];
  channels: readonly string[];
}

/**
 * Where a streamed line went: `live` lines were final when printed (nothing earlier could still be recorded);
 * `late` ones were recorded behind a read that had taken everything before a later time as final: they come at the
 * end of the stream, after the rest of the run.
 */
export type TimelineListener = (entries: TimelineEntry[], when: 'live' | 'rest' | 'late') => void;

// A rollout line is one step of a wave or of the rollout: its counts and statuses after the colon change as the engine
// reads its refreshes again (a failed wave's rollback), which is not a new line.
const keyOf = (e: TimelineEntry) =>
  `${e.at}|${e.image}|${e.kind}|${e.kind === 'rollout' ? e.text.split(':')[0] : e.text}`;

/**
 * The timeline while the run goes on: each `flush(now)` reads what the run has recorded so far — the fakes, and the
 * ledger through the simulator's own observer client (not a Goldsmith call: no faults, not counted) — builds the
 * timeline exactly as the end of the run will, and hands on the entries before `now` not handed on yet. Everything
 * before `now` is final, but for what a handler still running may write: the clock has run every item due before it,
 * and a handler records the times it took since it started (Publish records its outcome after its read-backs wait on
 * the clock) or that the event it was delivered carries (a revocation's), so lines are final only before the time
 * the running invocations and the deliveries still to run hold back to (AsyncInvoker `runningSince`), 15 minutes
 * at most. A reconciler writing a decision taken long before writes a late line.
 */
export class LiveTimeline {
  private readonly triggers = new Map<string, string>();
  private readonly emitted = new Map<string, number>();
  private watermark = Number.NEGATIVE_INFINITY;
  /** Lines that arrived behind an earlier read's watermark, held for the end of the stream. */
  private readonly late: TimelineEntry[] = [];
  /** Lines printed during the run and lines that arrived behind a read's watermark (expected: none). */
  readonly counts = { live: 0, late: 0 };

  constructor(
    private readonly cloud: LocalCloud,
    private readonly sources: LiveSources,
    private readonly emit: TimelineListener,
  ) {}

  private table(): string {
    return this.cloud.wiring.tables[0]?.name ?? '';
  }

  /** Every build the fake holds, with its trigger from the ledger once recorded; and how far lines are final. */
  private async builds(now: number): Promise<{ builds: TimelineSources['builds']; finalBefore: number }> {
    // A running handler may still write a line timed when it started (Publish's outcome, after its read-backs), or
    // one its event carries from the invocation that delivered it (a revocation's time, written by the next function).
    let finalBefore = Math.min(now, Math.max(now - MAX_HOLD_MS, this.cloud.invoker.runningSince() ?? now));
    const builds: TimelineSources['builds'][number][] = [];
    for (const b of this.cloud.installed.fakes.imagebuilder.builds.values()) {
      const image = b.pipeline.image;
      const version = b.arn.split('/').slice(-2).join('/');
      let trigger = this.triggers.get(b.arn);
      if (trigger === undefined) {
        const out = await this.cloud.ledgerObserver.send(
          new GetCommand({ TableName: this.table(), Key: { pk: imagePk(image), sk: buildSk(version) } }),
        );
        const recorded = out.Item?.buildVersionArn === b.arn ? out.Item.trigger : undefined;
        if (typeof recorded === 'string') this.triggers.set(b.arn, recorded);
        trigger = typeof recorded === 'string' ? recorded : undefined;
      }
      const requested = Date.parse(b.dateCreated);
      // A build started a moment ago whose record is not written yet (a retry in progress): wait for it.
      if (trigger === undefined && now - requested < RECORD_WAIT_MS) finalBefore = Math.min(finalBefore, requested);
      builds.push({ image, version, trigger: trigger ?? 'unknown', requestedAt: b.dateCreated });
    }
    return { builds, finalBefore };
  }

  private async promotions(): Promise<TimelineSources['promotions']> {
    const found: TimelineSources['promotions'][number][] = [];
    for (const image of Object.keys(this.cloud.catalog.images)) {
      const pages = paginateQuery(
        { client: this.cloud.ledgerObserver },
        {
          TableName: this.table(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          ExpressionAttributeValues: { ':pk': imagePk(image), ':sk': skPrefix.promotion },
        },
      );
      for await (const page of pages) {
        for (const p of page.Items ?? []) {
          if (p.kind !== 'promotion') continue;
          found.push({
            image: String(p.image),
            version: String(p.version),
            channel: String(p.channel),
            outcome: String(p.outcome),
            reason: String(p.reason ?? ''),
            at: String(p.at),
          });
        }
      }
    }
    return found;
  }

  /**
   * The ledger items the timeline tells beside announcements: pointer withdrawals, findings reported, and rollouts
   * (their records and group chunks).
   */
  private async ledgerLines(): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    for (const image of Object.keys(this.cloud.catalog.images)) {
      for (const prefix of ['ROLLBACK#', skPrefix.found, skPrefix.rollout]) {
        const pages = paginateQuery(
          { client: this.cloud.ledgerObserver },
          {
            TableName: this.table(),
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
            ExpressionAttributeValues: { ':pk': imagePk(image), ':sk': prefix },
          },
        );
        for await (const page of pages) found.push(...(page.Items ?? []));
      }
    }
    return found;
  }

  private fresh(timeline: readonly TimelineEntry[], before: number): TimelineEntry[] {
    const seen = new Map<string, number>();
    const out: TimelineEntry[] = [];
    for (const e of timeline) {
      if (Date.parse(e.at) >= before) break;
      const key = keyOf(e);
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      if (n <= (this.emitted.get(key) ?? 0)) continue;
      this.emitted.set(key, n);
      out.push(e);
    }
    return out;
  }

  private timeline(sources: TimelineSources): TimelineEntry[] {
    const s = this.sources;
    return buildTimeline(sources, s.statuses, s.callbacks, s.deadLetters, s.notes, s.channels);
  }

  /** Hands on the entries recorded before virtual time `now` that were not handed on yet. */
  async flush(now: number): Promise<void> {
    const { builds, finalBefore } = await this.builds(now);
    const promotions = await this.promotions();
    const ledger = await this.ledgerLines();
    const notifications: SimulationReport['notifications'] = notificationsOf(this.cloud);
    const before = Math.max(this.watermark, finalBefore);
    const entries = this.fresh(this.timeline({ builds, promotions, notifications, ledger }), before);
    // A line timed before the last read's watermark was recorded after that read had said everything before it was
    // final: it is late, whether or not a line after it has printed, and comes at the end with the other late ones.
    const late = entries.filter((e) => Date.parse(e.at) < this.watermark);
    const live = late.length > 0 ? entries.filter((e) => Date.parse(e.at) >= this.watermark) : entries;
    this.watermark = before;
    this.counts.live += live.length;
    this.counts.late += late.length;
    this.late.push(...late);
    if (live.length > 0) this.emit(live, 'live');
  }

  /**
   * At the end: hands on what the final timeline has beyond what was streamed — the rest of the run, in order, then
   * (if any) lines that were recorded behind lines already printed.
   */
  finish(timeline: readonly TimelineEntry[]): void {
    const late = this.fresh(
      timeline.filter((e) => Date.parse(e.at) < this.watermark),
      Number.POSITIVE_INFINITY,
    );
    const rest = this.fresh(
      timeline.filter((e) => Date.parse(e.at) >= this.watermark),
      Number.POSITIVE_INFINITY,
    );
    this.counts.late += late.length;
    // In time order, those found during the run first at the same instant (a stable sort).
    const allLate = [...this.late, ...late].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    if (rest.length > 0) this.emit(rest, 'rest');
    if (allLate.length > 0) this.emit(allLate, 'late');
  }
}
