/**
 * The AMI key's grants against KMS's quota, per Region (each Region's replica is a key of its own with its own
 * grants): "Grants per KMS key: 50,000", adjustable in Service Quotas
 * (https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html). Two kinds count: the explicit grants
 * (one per account from the member baseline's stack instance, or one a team made by hand), and the grant EC2 holds
 * for each attached EBS volume encrypted with the key (its grantee `aws:ec2-infrastructure`, constrained to the
 * volume's `aws:ebs:id`: https://docs.aws.amazon.com/kms/latest/developerguide/determining-access-grants.html).
 * Past the quota, CreateGrant answers LimitExceededException and a launch from an AMI encrypted with the key fails.
 */

/** The default quota of grants per KMS key. */
export const KMS_GRANTS_PER_KEY = 50_000;

/** The share of the quota from which `validate` and `fleet` warn. */
export const GRANT_WARNING_SHARE = 0.8;

/** One Region's grants on the key. */
export interface KeyGrantUse {
  region: string;
  explicit: number;
  volumes: number;
}

/** The grants a Region's key holds or will hold, explicit and per volume. */
export function grantsOf(use: KeyGrantUse): number {
  return use.explicit + use.volumes;
}

/**
 * A warning for each Region whose key holds (or, from an estimate, will hold) 80 % of the quota or more: `source`
 * says where the figures come from.
 */
export function keyGrantWarnings(
  uses: readonly KeyGrantUse[],
  source: string,
  quota: number = KMS_GRANTS_PER_KEY,
): string[] {
  return uses
    .filter((u) => grantsOf(u) >= GRANT_WARNING_SHARE * quota)
    .map((u) => {
      const percent = Math.floor((grantsOf(u) / quota) * 100);
      return `the AMI key in ${u.region} holds ${grantsOf(u)} grants in ${source} (${u.explicit} explicit, ${u.volumes} for attached EBS volumes), ${percent} % of KMS's ${quota} per key: past it, launches from Goldsmith's encrypted AMIs fail there (docs/consumers.md, "KMS grants")`;
    });
}

/** A Region's grants as the daily count listed them (functions/key-grants.ts, the ledger's `KEYGRANTS` items). */
export interface CountedKeyGrants {
  region: string;
  total: number;
  countedAt: string;
}

/** The counted grants of the ledger's items, one per Region (items of another shape are skipped). */
export function countedKeyGrants(items: readonly Record<string, unknown>[]): CountedKeyGrants[] {
  return items.flatMap((i) =>
    typeof i.region === 'string' && typeof i.total === 'number' && typeof i.countedAt === 'string'
      ? [{ region: i.region, total: i.total, countedAt: i.countedAt }]
      : [],
  );
}

/**
 * The warnings of `uses` (estimates), where the daily count of a Region replaces its estimate: a warning for each
 * Region at 80 % of `quota` or more, counted or estimated.
 */
export function keyGrantWarningsCounted(
  counted: readonly CountedKeyGrants[],
  uses: readonly KeyGrantUse[],
  source: string,
  quota: number = KMS_GRANTS_PER_KEY,
): string[] {
  const countedRegions = new Set(counted.map((c) => c.region));
  const fromCount = counted
    .filter((c) => c.total >= GRANT_WARNING_SHARE * quota)
    .map((c) => {
      const percent = Math.floor((c.total / quota) * 100);
      return `the AMI key in ${c.region} holds ${c.total} grants as ListGrants counted them at ${c.countedAt}, ${percent} % of ${quota} per key: past it, launches from Goldsmith's encrypted AMIs fail there (docs/consumers.md, "KMS grants")`;
    });
  return [
    ...fromCount,
    ...keyGrantWarnings(
      uses.filter((u) => !countedRegions.has(u.region)),
      source,
      quota,
    ),
  ];
}
