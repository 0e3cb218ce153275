import { DAY_MS, parseDuration } from '../duration.js';
import { accountCount } from '../fleet/usage.js';
import { compareBuildVersions, type LedgerItem, fieldText as text } from '../status/image-view.js';

/**
 * What the criteria do to each kept version of an image, from its ledger partition: a revoked or retired version's
 * AMIs were deprecated when Goldsmith revoked or retired it (`revokedAt`, `retiredAt`), so EC2's
 * `MaximumDaysSinceDeprecated` stops them launching `deprecatedGraceDays` days later; every other available,
 * undeleted version matches the criteria (its launch permissions still decide who may launch it). A version still
 * named by a pointer is deprecated too once `retention.deprecateAfter` has passed since its build, and then stops
 * launching although the pointer names it. Deleted versions have no AMIs left to allow or block. Pure.
 */

export type Standing = 'revoked' | 'retired' | 'kept';

export interface VersionEffect {
  version: string;
  standing: Standing;
  /** When its AMIs were (or, by `deprecateAfter`, will be about) deprecated. */
  deprecatedAt?: string | undefined;
  /** From when the criteria refuse it: deprecation plus the grace days. */
  blockedFrom?: string | undefined;
  /** Refused at `now` (in `audit-mode`: would be). */
  blocked: boolean;
  /** Channels whose pointer names it. */
  channels: string[];
  /** Retired but held for its users (`HOLD#`, not released): the accounts the sweep last saw on it. */
  heldFor?: number | undefined;
}

export interface ImageEffect {
  image: string;
  versions: VersionEffect[];
  /** What a user would not expect: pointers naming a version that stops launching, held versions refused. */
  warnings: string[];
}

const sk = (i: LedgerItem) => text(i, 'sk');
const iso = (ms: number) => new Date(ms).toISOString();
const day = (value: string) => value.slice(0, 10);

/**
 * The effect on one image. `deprecateAfter` is its `retention.deprecateAfter`; `graceDays` the switch's
 * `deprecatedGraceDays`; `now` the instant the view is for; `channels` the catalog's, in order.
 */
export function imageEffect(
  image: string,
  items: readonly LedgerItem[],
  options: { graceDays: number; deprecateAfter?: string | undefined; now: Date; channels?: readonly string[] },
): ImageEffect {
  const revokedAt = new Map<string, string>();
  for (const r of items.filter((i) => sk(i).startsWith('REVOCATION#') && i.state === 'revoked')) {
    revokedAt.set(text(r, 'version'), text(r, 'revokedAt') || text(r, 'at'));
  }
  const held = new Map<string, number>();
  for (const h of items.filter((i) => sk(i).startsWith('HOLD#') && !text(i, 'releasedAt'))) {
    held.set(sk(h).slice('HOLD#'.length), accountCount(h.accounts));
  }
  const pointers = new Map<string, string[]>();
  for (const p of items.filter((i) => sk(i).startsWith('CHANNEL#') && text(i, 'version'))) {
    const version = text(p, 'version');
    pointers.set(version, [...(pointers.get(version) ?? []), sk(p).slice('CHANNEL#'.length)]);
  }
  const grace = options.graceDays * DAY_MS;
  const after = options.deprecateAfter ? parseDuration(options.deprecateAfter) * 1000 : undefined;
  const now = options.now.getTime();
  const warnings: string[] = [];
  const versions: VersionEffect[] = [];
  const builds = items.filter(
    (i) => sk(i).startsWith('BUILD#') && text(i, 'status') === 'AVAILABLE' && !text(i, 'deletedAt'),
  );
  for (const b of builds) {
    const version = text(b, 'buildVersion') || sk(b).slice('BUILD#'.length);
    const order = (c: string) => options.channels?.indexOf(c) ?? 0;
    const channels = [...(pointers.get(version) ?? [])].sort((a, b) => order(a) - order(b));
    const revoked = revokedAt.get(version);
    const standing: Standing = revoked ? 'revoked' : text(b, 'retiredAt') ? 'retired' : 'kept';
    // Retirement and revocation keep an earlier deprecation time (aws/lifecycle/image-deprecation.ts): the earliest counts.
    const times = [revoked, text(b, 'retiredAt')].filter((t): t is string => !!t).map(Date.parse);
    const built = Date.parse(text(b, 'requestedAt'));
    if (after !== undefined && !Number.isNaN(built)) times.push(built + after);
    const deprecatedAt = times.length > 0 ? iso(Math.min(...times)) : undefined;
    const blockedFrom = deprecatedAt ? iso(Date.parse(deprecatedAt) + grace) : undefined;
    const blocked = blockedFrom !== undefined && Date.parse(blockedFrom) <= now;
    const heldFor = standing === 'retired' ? held.get(version) : undefined;
    versions.push({ version, standing, deprecatedAt, blockedFrom, blocked, channels, heldFor });
    if (standing === 'kept' && blockedFrom && channels.length > 0) {
      warnings.push(
        `${image} ${version} is named by ${channels.join(', ')} but retention.deprecateAfter (${options.deprecateAfter}) deprecates it about ${day(deprecatedAt ?? '')}: from ${day(blockedFrom)} it ${blocked ? 'no longer launches' : 'stops launching'} unless a newer version is promoted first`,
      );
    }
    if (heldFor !== undefined && heldFor > 0) {
      warnings.push(
        `${image} ${version} is retired but held for ${heldFor} account(s) still using it: from ${day(blockedFrom ?? '')} their Auto Scaling groups and launch templates can no longer launch it (deprecatedGraceDays ${options.graceDays})`,
      );
    }
  }
  versions.sort((a, b) => compareBuildVersions(b.version, a.version));
  return { image, versions, warnings };
}
