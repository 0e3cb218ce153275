/** Escapes text for HTML and SVG content and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** `2027-01-14T03:52:00.000Z` → `2027-01-14 03:52`. */
export const minute = (iso: string | null | undefined): string =>
  iso ? new Date(Date.parse(iso)).toISOString().slice(0, 16).replace('T', ' ') : '—';

/** The first day of each month from `start` (inclusive) to `until` (exclusive), UTC. */
export function monthsBetween(start: number, until: number): Date[] {
  const months: Date[] = [];
  const first = new Date(start);
  let d = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1));
  while (d.getTime() < until) {
    months.push(d);
    d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
  }
  return months;
}

/** `YYYY-MM` of an ISO time. */
export const monthKey = (iso: string): string => new Date(Date.parse(iso)).toISOString().slice(0, 7);
