import { createHash } from 'node:crypto';
import { grantKey, type LaunchGrant, uniqueGrants } from '../sharing/grants.js';

/**
 * The daily audit's comparison of an AMI's launch permissions with those Goldsmith's grants say are in force (pure).
 * Anyone with `ec2:ModifyImageAttribute` in the factory account can add a grantee (an account, an OU, `all`) or take
 * one out; EC2 emits no event Goldsmith listens to, so a read finds it.
 */

/** What one AMI's launch permissions lack and hold beyond what is wanted. */
export interface GrantDrift {
  missing: LaunchGrant[];
  extra: LaunchGrant[];
}

/** The grants `wanted` that `held` lacks, and those `held` has that `wanted` does not (each sorted, no duplicates). */
export function grantDrift(held: readonly LaunchGrant[], wanted: readonly LaunchGrant[]): GrantDrift {
  const heldKeys = new Set(held.map(grantKey));
  const wantedKeys = new Set(wanted.map(grantKey));
  return {
    missing: uniqueGrants(wanted.filter((g) => !heldKeys.has(grantKey(g)))),
    extra: uniqueGrants(held.filter((g) => !wantedKeys.has(grantKey(g)))),
  };
}

export const hasGrantDrift = (d: GrantDrift) => d.missing.length > 0 || d.extra.length > 0;

/** Grants as people read them: `account 111122223333`, `OU ou-ab12-cdef3456`, `organization o-…`, `everyone`. */
export function describeGrants(grants: readonly LaunchGrant[]): string {
  if (grants.length === 0) return 'nobody';
  return grants
    .map((g) => {
      if ('UserId' in g) return `account ${g.UserId}`;
      if ('OrganizationalUnitArn' in g) return `OU ${g.OrganizationalUnitArn.split('/').at(-1)}`;
      if ('OrganizationArn' in g) return `organization ${g.OrganizationArn.split('/').at(-1)}`;
      return 'everyone (public)';
    })
    .join(', ');
}

/**
 * The ledger's sort key of one launch-permission drift: one record per AMI, per change, per day found. The change is
 * named by a hash of its grants (`-` missing, `+` extra): a list of grants can be as long as EC2's sharing quota
 * (1,000 entities) while a DynamoDB sort key holds 1,024 bytes, and someone who adds many grants must not make the
 * record unwritable (and the repair with it). The day found keeps the same change made again on a later day (the
 * same grant added back after the audit took it away) a new record and a new announcement, while a retried run the
 * same day finds its own record.
 */
export function launchDriftSk(version: string, region: string, drift: GrantDrift, now: Date): string {
  const keys = [...drift.missing.map((g) => `-${grantKey(g)}`), ...drift.extra.map((g) => `+${grantKey(g)}`)];
  const change = createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 16);
  return `DRIFT#launch#${version}#${region}#${now.toISOString().slice(0, 10)}#${change}`;
}

/**
 * What the audit may put right on one AMI (pure): the grants `wanted` that `inForce` lacks, and those in force beyond
 * `wanted` that no promotion in flight would make (`inFlight`: its channels' grants). A grant in flight is let be,
 * never withdrawn (a Share that has just granted a channel records it only after EC2 confirms it) and never added
 * either (that is the Share's to make, or RecordOutcome's to take back). `keep` is what the repair leaves in force.
 */
export function repairableDrift(
  inForce: readonly LaunchGrant[],
  wanted: readonly LaunchGrant[],
  inFlight: readonly LaunchGrant[],
): GrantDrift & { keep: LaunchGrant[] } {
  const drift = grantDrift(inForce, wanted);
  const flying = new Set(inFlight.map(grantKey));
  const letBe = drift.extra.filter((g) => flying.has(grantKey(g)));
  return {
    missing: drift.missing,
    extra: drift.extra.filter((g) => !flying.has(grantKey(g))),
    keep: uniqueGrants([...wanted, ...letBe]),
  };
}
