/**
 * Which usage readings still describe a fleet. EC2's image usage reports are per AMI (CreateImageUsageReport takes one ImageId,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateImageUsageReport.html: one version in one Region), and a version shared with nobody
 * any more (revoked, or deleted) is asked about no more, so its last reading stands in the ledger after its users
 * moved on. Per account and Region only the latest observation counts: an account's reading of one version is
 * superseded once a newer report on another version in that Region names the account (a version absent from the
 * newest observation runs nowhere there). Pure.
 */

/**
 * How far apart two reports of one sample may be taken: a daily sweep asks about every AMI within minutes, and
 * readings this close describe the same day. A reading older than an account's newest in its Region by more is
 * superseded.
 */
export const SAMPLE_TOLERANCE_MS = 6 * 3_600_000;

type Uses = Record<string, { instances?: number | undefined; launchTemplates?: number | undefined }>;

/**
 * The observations with each account's reading kept only while no newer observation (beyond the tolerance) in the
 * same Region names that account. `at` is the instant an observation describes; one without it is left as it is.
 */
export function withoutSuperseded<T extends { region: string; accounts?: Uses | undefined }>(
  observations: readonly T[],
  at: (o: T) => string | undefined,
): T[] {
  const key = (account: string, region: string) => `${account} ${region}`;
  const newest = new Map<string, number>();
  for (const o of observations) {
    const t = at(o);
    if (!t) continue;
    for (const account of Object.keys(o.accounts ?? {})) {
      const k = key(account, o.region);
      newest.set(k, Math.max(newest.get(k) ?? Number.NEGATIVE_INFINITY, Date.parse(t)));
    }
  }
  return observations.map((o) => {
    const t = at(o);
    if (!t || !o.accounts) return o;
    const entries = Object.entries(o.accounts);
    const kept = entries.filter(
      ([account]) => Date.parse(t) >= (newest.get(key(account, o.region)) ?? 0) - SAMPLE_TOLERANCE_MS,
    );
    return kept.length === entries.length ? o : { ...o, accounts: Object.fromEntries(kept) };
  });
}
