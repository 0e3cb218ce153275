import { announcementWork, type SnsFake } from '../fakes/sns-sts.js';
import { type Item, str } from './report-ledger.js';

/** Announcements SNS refused, by what became of them (the report's `faults.announcements`). */
export interface RefusedAnnouncements {
  refused: number;
  publishedLater: number;
  pending: number;
  lost: number;
}

/** A promotion a transient error paused (the report's `faults.paused`). */
export interface PausedPromotion {
  image: string;
  version: string;
  channel: string;
  error: string;
  pausedAt: string;
  status: string;
  resumes: number;
  resumedAt?: string;
}

/** What became of the announcements SNS refused: published later, waiting in the ledger, or lost. */
export function refusedAnnouncements(
  sns: Pick<SnsFake, 'messages' | 'refusedAnnouncements'>,
  items: readonly Item[],
): RefusedAnnouncements {
  const published = new Set(sns.messages.map((m) => announcementWork(m.message)).filter((w) => w !== undefined));
  const waiting = new Set(
    items.filter((i) => i.kind === 'undelivered-notification').map((i) => `notification:${str(i.sk)}`),
  );
  let publishedLater = 0;
  let pending = 0;
  let lost = 0;
  for (const work of sns.refusedAnnouncements) {
    if (published.has(work)) publishedLater++;
    else if (waiting.has(work)) pending++;
    else lost++;
  }
  return { refused: sns.refusedAnnouncements.size, publishedLater, pending, lost };
}

/** The ledger's paused promotions (`PAUSED#`), oldest pause first. */
export function pausesOf(items: readonly Item[]): PausedPromotion[] {
  return items
    .filter((i) => i.kind === 'paused-promotion')
    .map((i) => ({
      image: str(i.image),
      version: str(i.version),
      channel: str(i.channel),
      error: str(i.error),
      pausedAt: str(i.pausedAt),
      status: str(i.status),
      resumes: Number(i.resumes ?? 0),
      ...(i.resumedAt ? { resumedAt: str(i.resumedAt) } : {}),
    }))
    .sort((a, b) => a.pausedAt.localeCompare(b.pausedAt));
}
