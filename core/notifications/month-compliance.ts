import type { NotificationOf } from '../../events/notification.js';
import { channelCompliance, formatHours, type RecordLike } from '../fleet/compliance-summary.js';

type MonthlySummary = NotificationOf<'monthly-summary'>['detail'];

/** At most this many laggard OUs are named per channel (the rest are counted in `ous`). */
export const LAGGARDS_NAMED = 10;

/**
 * The monthly summary's compliance lines: the cycles that started in the month or the month before, per image and
 * channel, as of the month's end — a threshold first seen after it counts as not reached, so a summary computed a
 * day late says the same. Pure.
 */
export function complianceAtEnd(
  records: readonly RecordLike[],
  bounds: { start: number; end: number },
): NonNullable<MonthlySummary['compliance']> {
  const inMonth = (iso: unknown) => {
    // A missing time reads as the text "undefined", which parses to NaN: in no month.
    const t = Date.parse(String(iso));
    // The month before too: its cycle's laggards most often finish in this one.
    const monthBefore = new Date(bounds.start - 1);
    return t >= Date.UTC(monthBefore.getUTCFullYear(), monthBefore.getUTCMonth(), 1) && t < bounds.end;
  };
  const byEnd = (at: unknown) => (typeof at === 'string' && Date.parse(at) < bounds.end ? at : undefined);
  const asOfEnd = records
    .filter((r) => inMonth(r.startedAt) && Date.parse(String(r.pointerAt)) < bounds.end)
    .map((r) => ({
      ...r,
      reached50At: byEnd(r.reached50At),
      reached90At: byEnd(r.reached90At),
      reached100At: byEnd(r.reached100At),
    }));
  return channelCompliance(asOfEnd).map((c) => ({
    image: c.image,
    channel: c.channel,
    cycle: c.cycle,
    version: c.version,
    pointerHours: c.pointerHours,
    medianHoursTo90: c.medianHoursTo90,
    worstHoursTo90: c.worstHoursTo90,
    ous: c.ous.length,
    laggards: c.laggards.slice(0, LAGGARDS_NAMED),
  }));
}

/** One line per image and channel, for the email and Slack renderings. */
export function complianceLines(rows: NonNullable<MonthlySummary['compliance']>): string[] {
  return rows.map((c) => {
    const more = c.laggards.length > 0 ? `; not yet: ${c.laggards.join(', ')}` : '';
    return (
      `${c.image}/${c.channel} ${c.cycle} (${c.version}): pointer moved after ${formatHours(c.pointerHours)}; ` +
      `90 % of instances: median OU ${formatHours(c.medianHoursTo90)}, worst ${formatHours(c.worstHoursTo90)}${more}`
    );
  });
}
