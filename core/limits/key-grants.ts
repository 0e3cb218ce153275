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
