import type { UsageItem } from '../../aws/fleet/usage-ledger.js';
import { inUse, USAGE_REFRESH_SECONDS, usageRefreshSeconds } from '../../core/fleet/usage.js';
import type { BuildHistory } from '../../core/lifecycle/retention.js';

/** What the sweep knows of an image that sets how often its versions are asked about. */
export interface UsageCadence {
  /** Versions a channel's pointer names. */
  pointed: ReadonlySet<string>;
  /** Retention's `deleteAfter`: a retired version may be deleted that long after its retirement. */
  deleteAfterSeconds: number;
}

/**
 * Each AMI's report period (a version in a Region), from the observations as they stand (core
 * `usageRefreshSeconds`): "in use" is the version's use in that Region, so a version a few teams still run in one
 * Region is followed daily there and weekly in the Regions where nobody runs it. The observations are indexed once
 * per pass (by version and Region, with a count of those in use) and kept current through `observe`, so each AMI's
 * period costs a lookup rather than a scan of every observation of the image.
 */
export function cadenceOf(
  builds: readonly BuildHistory[],
  items: readonly UsageItem[],
  at: string,
  cadence?: UsageCadence,
) {
  const build = new Map<string, BuildHistory>();
  for (const b of builds) if (!build.has(b.version)) build.set(b.version, b);
  const used = (i: UsageItem) =>
    !build.get(i.version)?.deletedAt && inUse({ instances: i.instances ?? 0, launchTemplates: i.launchTemplates ?? 0 });
  const byKey = new Map<string, UsageItem[]>();
  let inUseCount = 0;
  const add = (i: UsageItem) => {
    const key = `${i.version}#${i.region}`;
    byKey.set(key, [...(byKey.get(key) ?? []), i]);
    if (used(i)) inUseCount++;
  };
  for (const i of items) add(i);
  const promotedAt = new Map<string, string | undefined>();
  const lastPromotion = (version: string) => {
    if (!promotedAt.has(version))
      promotedAt.set(
        version,
        build
          .get(version)
          ?.promotions.map((p) => p.at)
          .sort()
          .at(-1),
      );
    return promotedAt.get(version);
  };
  return {
    /** An observation added to the pass's items. */
    add,
    /** Applies `change` to an item of the pass, keeping the count of observations in use. */
    observe(item: UsageItem, change: () => void): void {
      if (used(item)) inUseCount--;
      change();
      if (used(item)) inUseCount++;
    },
    refreshFor(version: string, region: string): number {
      if (!cadence) return USAGE_REFRESH_SECONDS;
      const retiredAt = build.get(version)?.retiredAt;
      return usageRefreshSeconds({
        now: at,
        versionInUse: (byKey.get(`${version}#${region}`) ?? []).some(used),
        imageInUse: inUseCount > 0,
        pointed: cadence.pointed.has(version),
        promotedAt: lastPromotion(version),
        deletableAt: retiredAt
          ? new Date(Date.parse(retiredAt) + cadence.deleteAfterSeconds * 1000).toISOString()
          : undefined,
      });
    },
  };
}
