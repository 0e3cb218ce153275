import type { NotificationOf } from '../../events/notification.js';
import { type LedgerItem, fieldText as str } from '../status/image-view.js';

type MonthlySummary = NotificationOf<'monthly-summary'>['detail'];

/** What is still open at the end of a month, from an image's ledger partition (the monthly summary's lists). Pure. */

const sk = (item: LedgerItem) => str(item, 'sk');

/** Approvals of an image still open at the end of the month, and whom they wait on. */
export function waitingAtEnd(image: string, items: readonly LedgerItem[], end: number): MonthlySummary['waiting'] {
  const decidedBefore = (version: string, channel: string) =>
    items.some(
      (o) =>
        sk(o).startsWith('PROMOTION#') &&
        str(o, 'version') === version &&
        str(o, 'channel') === channel &&
        Date.parse(str(o, 'at')) < end,
    );
  return items
    .filter((a) => sk(a).startsWith('APPROVAL#'))
    .filter((a) => Date.parse(str(a, 'requestedAt')) < end && Date.parse(str(a, 'expiresAt')) > end)
    .filter((a) => !(str(a, 'decidedAt') && Date.parse(str(a, 'decidedAt')) < end))
    .filter((a) => !decidedBefore(str(a, 'version'), str(a, 'channel')))
    .map((a) => ({
      image,
      version: str(a, 'version'),
      channel: str(a, 'channel'),
      on: Array.isArray(a.approvers) && a.approvers.length > 0 ? a.approvers.map(String) : ['nobody named'],
      since: new Date(Date.parse(str(a, 'requestedAt'))).toISOString(),
    }));
}

/**
 * Soaks of an image still running at the end of the month: begun before it, due to end after it, not ended early
 * before it, no decision on that channel recorded before it, and its promotion not paused there since it began (a
 * paused promotion waits for a resume, not for its soak).
 */
export function soakingAtEnd(
  image: string,
  items: readonly LedgerItem[],
  end: number,
): NonNullable<MonthlySummary['soaking']> {
  // Stryker disable next-line StringLiteral: an empty text let through reaches Date.parse as NaN, which is before no end
  const before = (iso: string) => iso !== '' && Date.parse(iso) < end;
  const decidedBefore = (version: string, channel: string) =>
    items.some((o) => sk(o) === `PROMOTION#${version}#${channel}` && before(str(o, 'at')));
  const pausedSince = (soak: LedgerItem) =>
    items.some(
      (p) =>
        sk(p) === `PAUSED#${str(soak, 'version')}` &&
        str(p, 'channel') === str(soak, 'channel') &&
        before(str(p, 'pausedAt')) &&
        Date.parse(str(p, 'pausedAt')) >= Date.parse(str(soak, 'startedAt')) &&
        !before(str(p, 'resumedAt')),
    );
  return items
    .filter((s) => sk(s).startsWith('SOAK#') && before(str(s, 'startedAt')) && !before(str(s, 'until')))
    .filter((s) => !(str(s, 'state') === 'ended-early' && before(str(s, 'endedAt'))))
    .filter((s) => !decidedBefore(str(s, 'version'), str(s, 'channel')) && !pausedSince(s))
    .map((s) => ({
      image,
      version: str(s, 'version'),
      channel: str(s, 'channel'),
      until: new Date(Date.parse(str(s, 'until'))).toISOString(),
    }));
}

/** Statuses that end a build: it finished (or was stopped) when it first reached one. */
const FINISHING = ['AVAILABLE', 'FAILED', 'CANCELLED', 'DISABLED'];
/** Statuses a build reaches only after it finished. */
const AFTER_FINISHING = ['DEPRECATED', 'DELETED'];

/**
 * When a build finished, if it did: its cost record's `finishedAt` (written once, when it finished), else the time of
 * its latest status if that status ends a build. `statusesSeen` keeps every status recorded, so an event delivered
 * late (a BUILDING after AVAILABLE) does not make a finished build look unfinished.
 */
function finishedAt(build: LedgerItem): number | undefined {
  const seen =
    build.statusesSeen instanceof Set
      ? [...build.statusesSeen]
      : Array.isArray(build.statusesSeen)
        ? build.statusesSeen
        : // Stryker disable next-line ArrayDeclaration: a list holding a text that is no status finds no status in it
          [];
  const status = str(build, 'status');
  const finished = [...FINISHING, ...AFTER_FINISHING].some((s) => s === status || seen.includes(s));
  if (!finished) return undefined;
  const cost = build.cost as { finishedAt?: unknown } | undefined;
  if (typeof cost?.finishedAt === 'string') return Date.parse(cost.finishedAt);
  // A deprecation or deletion came after the build finished, at a time the item no longer says.
  if (AFTER_FINISHING.includes(status)) return Number.NEGATIVE_INFINITY;
  return Date.parse(str(build, 'updatedAt'));
}

/** Builds of an image in flight at the end of the month: requested before it and not finished before it. */
export function buildingAtEnd(
  image: string,
  items: readonly LedgerItem[],
  end: number,
): NonNullable<MonthlySummary['building']> {
  return items
    .filter((b) => sk(b).startsWith('BUILD#') && Date.parse(str(b, 'requestedAt')) < end)
    .filter((b) => {
      const done = finishedAt(b);
      return done === undefined || !(done < end);
    })
    .map((b) => ({
      image,
      version: str(b, 'buildVersion'),
      since: new Date(Date.parse(str(b, 'requestedAt'))).toISOString(),
    }));
}
