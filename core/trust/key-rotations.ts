import type { Catalog } from '../config/schema.js';
import { formatDuration, parseDuration } from '../duration.js';

/**
 * `goldsmith rotate-signing-key` in the ledger (pure): one record per rotation in the factory's key partition (who,
 * when, which keys and the new version ids Secrets Manager holds them under, never a value), told by
 * `history --factory` and `status`.
 */

/** The partition of the signing keys' rotations: they belong to no image. */
export const KEY_ROTATIONS_PK = 'FACTORY#keys';

/** A rotation's sort key: by the version id of its first key, which one request always puts (a retry writes nothing). */
export const keyRotationSk = (firstVersionId: string): string => `ROTATION#${firstVersionId}`;

/** One rotation as the ledger keeps it. */
export interface KeyRotationRecord {
  at: string;
  by: string;
  /** Each key rotated: its secret's name and the version id of its new value. */
  keys: { name: string; versionId: string }[];
  reason?: string;
}

/**
 * How long an approval link lives after it is sent: the longest approval timeout of the catalog's channels. A link is
 * checked against the current key and the one before (AWSPREVIOUS): one signed before the previous rotation stops
 * working at the next.
 */
export function linkLifetimeSeconds(catalog: Pick<Catalog, 'channels'>): number {
  return Math.max(0, ...catalog.channels.map((c) => (c.approval ? parseDuration(c.approval.timeout) : 0)));
}

/** The newest of `rotations` by time, or undefined. */
export function lastRotation(rotations: readonly KeyRotationRecord[]): KeyRotationRecord | undefined {
  return [...rotations].sort((a, b) => a.at.localeCompare(b.at)).at(-1);
}

/**
 * The one-line warning for a rotation at `at` when the previous one is younger than a link's lifetime: links signed
 * with the key before it are signed with neither the current key nor the previous one once this rotation is done.
 */
export function secondRotationWarning(
  previous: KeyRotationRecord | undefined,
  at: Date,
  lifetimeSeconds: number,
): string | undefined {
  if (!previous || lifetimeSeconds <= 0) return undefined;
  const since = (at.getTime() - Date.parse(previous.at)) / 1000;
  if (since >= lifetimeSeconds) return undefined;
  return (
    `the signing keys were last rotated ${formatDuration(Math.max(0, Math.round(since)))} ago (${previous.at}, by ${previous.by}), ` +
    `within the approval links' lifetime (${formatDuration(lifetimeSeconds)}): links sent before ${previous.at} stop working now`
  );
}

/** `status`'s line: the last rotation of `items` (the key partition's records), or that there was none. */
export function keysLine(items: readonly Readonly<Record<string, unknown>>[]): string {
  const last = lastRotation(items as unknown as KeyRotationRecord[]);
  return last
    ? `signing keys: last rotated ${last.at} by ${last.by} (goldsmith history --factory lists every rotation)`
    : 'signing keys: never rotated since the deploy made them';
}
