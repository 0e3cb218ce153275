import type { EarlierRevocation, RevocationRecord } from '../../aws/lifecycle/promotion-findings.js';
import { getRevocation } from '../../aws/lifecycle/promotion-findings.js';
import { markRevoked } from '../../aws/lifecycle/revocation-marks.js';
import { asEarlier, type ImageState, restoredRevocation } from './ledger-view.js';

/**
 * What marking a revocation found: marked now (revoking a restore, `undoes`: that restore's time), revoked already,
 * or restored from this revocation or a later one (`restoredSince`: the restore's time; nothing marked).
 */
export interface RevocationMark {
  firstTime: boolean;
  undoes?: string;
  restoredSince?: string;
  /**
   * Marked by an earlier attempt of this very revocation (its time and revoker), which stopped before its
   * announcements were recorded made: the channels it recorded, for this attempt to announce.
   */
  unannounced?: { channels: string[] };
}

/**
 * Whether a restore took back this revocation or a later one: the revocation it restored was carried out at or after
 * `at`. A revocation of that time (a re-delivered or replayed "Image Revoked", a parent's cascade re-run that way) is
 * then not carried out again: the operator's restore stands. One restored from an earlier revocation is revoked again.
 */
const restoresSince = (restored: EarlierRevocation, at: string) => Date.parse(restored.revokedAt) >= Date.parse(at);

/**
 * Marks the revocation (markRevoked), keeping the restored one it revokes again (`previous`, as read). Refused, it
 * reads the record again: restored meanwhile (a restore between the read and the write), it revokes that restore, at
 * most three times, then fails (for the delivery to be retried), unless that restore took back this revocation or a
 * later one (restoresSince); otherwise the version is revoked already.
 */
export async function markRevokedAsRead(
  mark: Omit<Parameters<typeof markRevoked>[0], 'previous'>,
  previous: EarlierRevocation | undefined,
): Promise<RevocationMark> {
  let restored = previous;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await markRevoked({ ...mark, ...(restored ? { previous: restored } : {}) })) {
      return { firstTime: true, ...(restored ? { undoes: restored.restoredAt } : {}) };
    }
    const now = await getRevocation(mark.image, mark.version);
    restored = now ? asEarlier(now) : undefined;
    if (!restored) return { firstTime: false, ...unannouncedOwn(now, mark) };
    if (restoresSince(restored, mark.at)) return { firstTime: false, restoredSince: restored.restoredAt };
  }
  // Restored again under each attempt: nothing is done on a record that says restored; the delivery is retried.
  throw new Error(`revoke: ${mark.image} ${mark.version} was restored under three attempts to revoke it: retried`);
}

/** The record as an earlier attempt of this revocation left it, before its announcements were recorded made. */
function unannouncedOwn(
  now: RevocationRecord | undefined,
  mark: { at: string; by: string },
): Pick<RevocationMark, 'unannounced' | 'undoes'> {
  const own = now?.state === 'revoked' && now.revokedAt === mark.at && now.by === mark.by;
  if (!own || now.announcePending !== now.revokedAt) return {};
  const undoes = revocationKeyOf(now);
  return { unannounced: { channels: now.channels ?? [] }, ...(undoes ? { undoes } : {}) };
}

/**
 * The key of one revocation's announcements (`announcement`'s `key`): the time of the restore it undoes, so that a
 * version restored and revoked again is announced again, each cycle once; '' for a version's first revocation, whose
 * announcements keep the ids they had before there were restores.
 */
export function revocationKey(mark: RevocationMark): string {
  return mark.undoes ?? '';
}

/** An announcement's key within one revocation: `base` alone for a first revocation (its ids as before), else with `key`. */
export function keyedBy(base: string, key: string): string {
  return key ? `${base}:${key}` : base;
}

/** The same key read from the revocation's record: the restore its last revocation undid, kept last in `earlier`. */
export function revocationKeyOf(record: Pick<RevocationRecord, 'earlier'> | undefined): string {
  return record?.earlier?.at(-1)?.restoredAt ?? '';
}

/**
 * The time an operator restored `version`, when that restore took back a revocation carried out at or after `at`
 * (restoresSince). Undefined when it is not restored, or was restored from an earlier revocation (revoked again).
 */
export function restoredSince(state: Pick<ImageState, 'revocations'>, version: string, at: string): string | undefined {
  const restored = restoredRevocation(state, version);
  return restored && restoresSince(restored, at) ? restored.restoredAt : undefined;
}
