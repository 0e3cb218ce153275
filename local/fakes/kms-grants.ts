import type { Grant, GrantOutcome, GrantRequest, KmsCaller, KmsDecision, KmsKey } from './kms-types.js';
import { KmsError } from './kms-types.js';

/** A KMS key's grants (https://docs.aws.amazon.com/kms/latest/developerguide/grants.html), for the KMS fake (kms.ts). */

/**
 * How long a new grant takes to be in force throughout KMS: "a brief delay, usually less than five minutes"
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html, eventual consistency). The fake takes
 * the worst case, so what works here works in AWS.
 */
export const GRANT_PROPAGATION_MS = 5 * 60_000;

/** "Grants per KMS key: 50,000" (https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html). */
export const MAX_GRANTS_PER_KEY = 50_000;

/**
 * The grants EC2 holds for attached EBS volumes, one per volume a key encrypts (grantee `aws:ec2-infrastructure`,
 * https://docs.aws.amazon.com/kms/latest/developerguide/determining-access-grants.html), which count against the
 * grants quota with the explicit ones ("Grants per KMS key: 50,000",
 * https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html). Undefined: no volume is modelled.
 */
export interface VolumeGrantCounts {
  /** The exact count on `key` in `region`. */
  volumeGrants: ((region: string, key: KmsKey) => number) | undefined;
  /** An upper bound for any key (every attached volume): below the quota, nothing is counted exactly. */
  volumeGrantsAtMost: (() => number) | undefined;
}

/** The volume grants that count for `key`'s quota: the bound when it leaves room, else the exact count. */
export function volumesForQuota(counts: VolumeGrantCounts, region: string, key: KmsKey): number {
  const bound = counts.volumeGrantsAtMost?.() ?? 0;
  if (key.grants.length + bound < MAX_GRANTS_PER_KEY) return bound;
  return counts.volumeGrants?.(region, key) ?? 0;
}

/** A key's grants by grantee principal, for as long as the grants are the same (kept by {@link grantsOf}). */
interface GranteeIndex {
  length: number;
  last: Grant | undefined;
  byGrantee: Map<string, Grant[]>;
}
const indexes = new WeakMap<readonly Grant[], GranteeIndex>();

/**
 * The key's grants to `granteePrincipal`, in the order the key holds them: what a grant's check and CreateGrant's
 * "same grant" look at, from an index of the key's grants rather than a scan of all of them (a key serving 5,000
 * accounts holds as many grants). A grant created here joins the index; one retired or revoked drops it; and it is
 * rebuilt whenever the grants' count or last grant differs from what it holds.
 */
export function grantsOf(key: KmsKey, granteePrincipal: string | undefined): readonly Grant[] {
  let index = indexes.get(key.grants);
  if (!index || index.length !== key.grants.length || index.last !== key.grants.at(-1)) {
    const byGrantee = new Map<string, Grant[]>();
    for (const g of key.grants) {
      const list = byGrantee.get(g.granteePrincipal);
      if (list) list.push(g);
      else byGrantee.set(g.granteePrincipal, [g]);
    }
    index = { length: key.grants.length, last: key.grants.at(-1), byGrantee };
    indexes.set(key.grants, index);
  }
  return granteePrincipal === undefined ? [] : (index.byGrantee.get(granteePrincipal) ?? []);
}

/** Adds `grant` to the key's grants, and to their index when it is current (a key's grants grow one at a time). */
function appendIndexed(key: KmsKey, grant: Grant): void {
  const index = indexes.get(key.grants);
  const current = index && index.length === key.grants.length && index.last === key.grants.at(-1);
  key.grants.push(grant);
  if (!index || !current) return;
  const list = index.byGrantee.get(grant.granteePrincipal);
  if (list) list.push(grant);
  else index.byGrantee.set(grant.granteePrincipal, [grant]);
  index.length = key.grants.length;
  index.last = grant;
}

/**
 * What the key's grants decide for `caller`'s `action` at `now`: allowed by a grant in force (or one whose token the
 * request gives), refused while the caller's only grant is still propagating, undefined when no grant applies.
 */
export function grantDecision(
  key: KmsKey,
  caller: KmsCaller,
  action: string,
  now: number,
  grantTokens: readonly string[],
): KmsDecision | undefined {
  const operation = action.replace(/^kms:/, '');
  const mine = grantsOf(key, caller.principalArn).filter((g) => g.operations.includes(operation));
  const grant = mine.find(
    (g) => (g.usableAt ?? 0) <= now || (g.grantToken !== undefined && grantTokens.includes(g.grantToken)),
  );
  if (grant) return { allowed: true, by: 'grant', reason: `grant ${grant.grantId}` };
  const pending = mine[0];
  if (pending)
    return {
      allowed: false,
      by: undefined,
      reason: `grant ${pending.grantId} is not yet in force throughout KMS (eventual consistency) and no grant token was given`,
    };
  return undefined;
}

/**
 * CreateGrant's effect once authorized: a grant with the same name and parameters (grantee, operations, retiring
 * principal, constraints) is returned again, not duplicated ("When this value is present, you can retry a CreateGrant request with
 * identical parameters; if the grant already exists, the original GrantId is returned without creating a new grant":
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html, `Name`); one that differs in any of them is a
 * new grant, the name being no key ("A grant name does not have to be unique");
 * more than {@link MAX_GRANTS_PER_KEY} grants on a key, the attached volumes' grants included, is refused;
 * `dryRun` takes an id and creates nothing.
 */
export function addGrant(
  key: KmsKey,
  caller: KmsCaller,
  grant: GrantRequest,
  made: { nextGrantId: () => string; usableAt: number; createdAt?: number; volumeGrants?: () => number },
): GrantOutcome {
  const same = grant.name
    ? grantsOf(key, grant.granteePrincipal).find(
        (g) =>
          g.name === grant.name &&
          g.retiringPrincipal === grant.retiringPrincipal &&
          g.operations.join() === [...grant.operations].sort().join() &&
          JSON.stringify(g.constraints ?? null) === JSON.stringify(grant.constraints ?? null),
      )
    : undefined;
  if (same) return { grantId: same.grantId };
  // The per-volume grants EC2 holds count against the same quota as the explicit ones.
  if (key.grants.length >= MAX_GRANTS_PER_KEY || key.grants.length + (made.volumeGrants?.() ?? 0) >= MAX_GRANTS_PER_KEY)
    return {
      code: 'LimitExceededException',
      message: `The grants quota (${MAX_GRANTS_PER_KEY}) for ${key.arn} is reached`,
    };
  const grantId = made.nextGrantId();
  if (grant.dryRun) return { grantId };
  const grantToken = `token-${grantId}`;
  const created: Grant = {
    grantId,
    name: grant.name,
    granteePrincipal: grant.granteePrincipal,
    ...(grant.retiringPrincipal ? { retiringPrincipal: grant.retiringPrincipal } : {}),
    operations: [...grant.operations].sort(),
    issuingAccount: caller.account,
    usableAt: made.usableAt,
    grantToken,
    createdAt: made.createdAt ?? 0,
    ...(grant.constraints ? { constraints: grant.constraints } : {}),
  };
  appendIndexed(key, created);
  return { grantId };
}

/**
 * Whether `caller` may retire `grant`: the account that created it, its retiring principal, or, when that principal
 * is an account, that account's principals whose IAM policies allow kms:RetireGrant
 * (https://docs.aws.amazon.com/kms/latest/developerguide/grant-delete.html).
 */
function mayRetire(grant: Grant, caller: KmsCaller): boolean {
  if (grant.issuingAccount === caller.account || grant.retiringPrincipal === caller.principalArn) return true;
  const account = /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(grant.retiringPrincipal ?? '')?.[1];
  return account === caller.account && caller.identityAllows;
}

/** RetireGrant's effect: by whoever {@link mayRetire}; an unknown grant is NotFoundException. */
export function retireGrantOf(key: KmsKey, caller: KmsCaller, grantId: string): void {
  const at = key.grants.findIndex((g) => g.grantId === grantId);
  if (at < 0) throw new KmsError('NotFoundException', `Grant ID ${grantId} not found`);
  if (!mayRetire(key.grants[at]!, caller))
    throw new KmsError(
      'AccessDeniedException',
      `User: ${caller.principalArn} is not authorized to perform: kms:RetireGrant on resource: ${key.arn}`,
    );
  indexes.delete(key.grants);
  key.grants.splice(at, 1);
}

/**
 * RevokeGrant's effect, once the key's owner is authorized
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_RevokeGrant.html).
 * @returns false when the key holds no such grant (kms-api.ts answers NotFoundException).
 */
export function revokeGrantOf(key: KmsKey, grantId: string): boolean {
  const at = key.grants.findIndex((g) => g.grantId === grantId);
  if (at < 0) return false;
  indexes.delete(key.grants);
  key.grants.splice(at, 1);
  return true;
}
