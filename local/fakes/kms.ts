import {
  type CompiledPolicy,
  compilePolicy,
  type PolicyInput,
  type PolicyStatement,
  type RequestContext,
} from './iam-conditions.js';
import {
  addGrant,
  GRANT_PROPAGATION_MS,
  grantDecision,
  MAX_GRANTS_PER_KEY,
  retireGrantOf,
  type VolumeGrantCounts,
  volumesForQuota,
} from './kms-grants.js';
import {
  type GrantOutcome,
  type GrantRequest,
  type KmsCaller,
  type KmsDecision,
  KmsError,
  type KmsKey,
  kmsContext,
} from './kms-types.js';

export { GRANT_PROPAGATION_MS, MAX_GRANTS_PER_KEY } from './kms-grants.js';
export {
  type Grant,
  type GrantOutcome,
  type GrantRequest,
  type KmsCaller,
  type KmsDecision,
  KmsError,
  type KmsErrorCode,
  type KmsKey,
  kmsContext,
} from './kms-types.js';

/**
 * KMS, per Region, as far as Goldsmith's AMI key goes: keys with their key policy as the stacks write it, multi-Region
 * replicas (related keys share one key id; each replica has its own key policy and its own grants), and grants.
 * Goldsmith's functions never call KMS (Image Builder encrypts, EC2 decrypts on the launcher's behalf), and the SDK
 * has no KMS client in this project, so the fake answers the simulator and its audit, not SDK calls: `authorize`
 * decides one request the way KMS does, and `createGrant` behaves as the CreateGrant API (errors, idempotency by
 * name, the grants-per-key quota).
 *
 * How KMS decides (https://docs.aws.amazon.com/kms/latest/developerguide/determining-access.html): the key policy
 * first — an explicit Deny ends it; a principal of the key's own account is allowed by the key policy naming it, or
 * by the key policy naming the account (root) and the principal's IAM policy; a principal of another account needs
 * both the key policy and its own IAM policy to allow the call; a grant allows its grantee its operations with no
 * IAM policy involved (https://docs.aws.amazon.com/kms/latest/developerguide/grants.html).
 */

const KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):([^:]+):key\/(.+)$/;

/** KMS keeps a key policy as text (CreateKey's `Policy`): a document given here is copied, not referenced. */
const keptText = (policy: PolicyInput): string => (typeof policy === 'string' ? policy : JSON.stringify(policy));

export class KmsFake {
  private readonly keys = new Map<string, KmsKey>();
  /** Each key's policy as KMS keeps it: its text from CreateKey / ReplicateKey, compiled on first use. */
  private readonly policies = new WeakMap<KmsKey, string | CompiledPolicy>();
  private grantCounter = 0;
  /**
   * Virtual time (ms), when the simulation models grants' eventual consistency: a grant is then usable
   * {@link GRANT_PROPAGATION_MS} after its creation, or at once with its grant token. Without a clock, at once.
   */
  clock: (() => number) | undefined;
  /**
   * `aws:PrincipalOrgPaths` of a member account as the organization holds it now
   * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths),
   * for a caller that does not carry its own: an account moved out of an OU loses that OU's path at once.
   */
  organizationPathsOf: ((account: string) => readonly string[] | undefined) | undefined;

  /** The grants EC2 holds for attached volumes the keys encrypt, counted against the quota (kms-grants.ts). */
  volumeGrants: VolumeGrantCounts['volumeGrants'];
  volumeGrantsAtMost: VolumeGrantCounts['volumeGrantsAtMost'];

  constructor(readonly accountId: string) {}

  /** Whether the key `ref` in `region` has room for one more grant, its volumes' included (kms-grants.ts). */
  hasGrantRoom(region: string, ref: string): boolean {
    const key = this.key(region, ref);
    return key === undefined || key.grants.length + volumesForQuota(this, region, key) < MAX_GRANTS_PER_KEY;
  }

  /** The key's grants as the quota counts them: explicit and per volume (exact). */
  grantsHeld(region: string, ref: string): { explicit: number; volumes: number } | undefined {
    const key = this.key(region, ref);
    return key && { explicit: key.grants.length, volumes: this.volumeGrants?.(region, key) ?? 0 };
  }

  /** CreateKey with a key policy (no lockout check: the stacks' policies always keep the account administering). */
  createKey(
    region: string,
    keyId: string,
    policy: PolicyInput,
    opts: { multiRegion?: boolean; description?: string } = {},
  ): KmsKey {
    const compiled = compilePolicy(keptText(policy));
    if (compiled.statements.length === 0)
      throw new KmsError('MalformedPolicyDocumentException', 'The key policy has no statement.');
    const key: KmsKey = {
      keyId,
      region,
      arn: `arn:aws:kms:${region}:${this.accountId}:key/${keyId}`,
      multiRegion: opts.multiRegion ?? false,
      primaryRegion: region,
      description: opts.description ?? '',
      policy,
      grants: [],
    };
    this.keys.set(`${region}|${keyId}`, key);
    this.policies.set(key, compiled);
    return key;
  }

  /** ReplicateKey, called in the primary's Region: a replica with the same key id and its own policy. */
  replicateKey(primaryRegion: string, keyId: string, replicaRegion: string, policy: PolicyInput): KmsKey {
    const primary = this.keys.get(`${primaryRegion}|${keyId}`);
    if (!primary) throw new KmsError('NotFoundException', `Key '${keyId}' does not exist in ${primaryRegion}`);
    if (!primary.multiRegion)
      throw new KmsError('UnsupportedOperationException', `${primary.arn} is not a multi-Region key`);
    if (this.keys.has(`${replicaRegion}|${keyId}`))
      throw new KmsError('AlreadyExistsException', `A replica of ${keyId} already exists in ${replicaRegion}`);
    const replica: KmsKey = {
      ...primary,
      region: replicaRegion,
      arn: primary.arn.replace(`:${primaryRegion}:`, `:${replicaRegion}:`),
      policy,
      grants: [],
    };
    this.keys.set(`${replicaRegion}|${keyId}`, replica);
    this.policies.set(replica, keptText(policy));
    return replica;
  }

  /** Every key and replica the fake holds, in every Region. */
  allKeys(): KmsKey[] {
    return [...this.keys.values()];
  }

  /** The key a key id or key ARN names in `region` (a key ARN of another Region names nothing here). */
  key(region: string, ref: string): KmsKey | undefined {
    const m = KEY_ARN.exec(ref);
    if (m && (m[1] !== region || m[2] !== this.accountId)) return undefined;
    return this.keys.get(`${region}|${m ? m[3] : ref}`);
  }

  /**
   * Decides one request for `action` (e.g. `kms:Decrypt`) on the key `ref` in `region`, as KMS would; `grantTokens`
   * are the request's GrantTokens.
   */
  authorize(
    region: string,
    ref: string,
    caller: KmsCaller,
    action: string,
    extra: RequestContext = {},
    grantTokens: readonly string[] = [],
  ): KmsDecision {
    const key = this.key(region, ref);
    if (!key) return { allowed: false, by: undefined, reason: `no key ${ref} in ${region}` };
    const paths =
      caller.organizationPaths ?? (caller.organizationId ? this.organizationPathsOf?.(caller.account) : undefined);
    const context = kmsContext(paths ? { ...caller, organizationPaths: paths } : caller, extra);
    const decision = this.policyOf(key).decision({
      account: caller.account,
      principalArn: caller.principalArn,
      action,
      context,
    });
    if (decision === 'Denied') return { allowed: false, by: undefined, reason: `the key policy denies ${action}` };
    const sameAccount = caller.account === this.accountId;
    // The key policy naming the account (root) delegates to IAM; naming the principal (or *) allows it directly.
    const byPolicy =
      decision === 'Allowed' &&
      (caller.identityAllows || (sameAccount && this.namesPrincipal(key, caller, action, context)));
    if (byPolicy) return { allowed: true, by: 'key-policy', reason: 'the key policy and the caller allow it' };
    const byGrant = grantDecision(key, caller, action, this.clock?.() ?? Number.POSITIVE_INFINITY, grantTokens);
    if (byGrant) return byGrant;
    if (decision === 'Allowed')
      return {
        allowed: false,
        by: undefined,
        reason: `${caller.principalArn}'s own IAM policies do not allow ${action} on ${key.arn}`,
      };
    return { allowed: false, by: undefined, reason: `the key policy does not allow ${caller.principalArn} ${action}` };
  }

  /**
   * CreateGrant as `caller`: authorized like any request (with `kms:GranteePrincipal`, `kms:GrantOperations` and
   * `kms:GrantIsForAWSResource` in the context); a grant with the same name and parameters is returned again, not
   * duplicated; more than {@link MAX_GRANTS_PER_KEY} grants on a key is refused. `dryRun` checks without creating.
   */
  createGrant(region: string, ref: string, caller: KmsCaller, grant: GrantRequest): string {
    const outcome = this.grantOutcome(region, ref, caller, grant);
    if ('code' in outcome) throw new KmsError(outcome.code, outcome.message);
    return outcome.grantId;
  }

  /** {@link createGrant}'s answer as a value: the audit asks it for every member, refusals being the norm. */
  grantOutcome(region: string, ref: string, caller: KmsCaller, grant: GrantRequest): GrantOutcome {
    const key = this.key(region, ref);
    if (!key) return { code: 'NotFoundException', message: `Key '${ref}' does not exist` };
    if (grant.operations.length === 0)
      return { code: 'ValidationException', message: 'Operations must name at least one operation' };
    const decision = this.authorize(region, ref, caller, 'kms:CreateGrant', {
      'kms:GranteePrincipal': grant.granteePrincipal,
      'kms:GrantOperations': [...grant.operations],
      'kms:GrantIsForAWSResource': grant.viaService ? 'true' : 'false',
      ...(grant.viaService ? { 'kms:ViaService': grant.viaService } : {}),
    });
    if (!decision.allowed)
      return {
        code: 'AccessDeniedException',
        message: `User: ${caller.principalArn} is not authorized to perform: kms:CreateGrant on resource: ${key.arn} (${decision.reason})`,
      };
    // Methods, not arrow functions: every member account's stack instance asks, and the simulator's TypeScript loader
    // names each arrow function it makes.
    const fake = this;
    return addGrant(key, caller, grant, {
      // KMS's grant ids are 64 hex digits.
      nextGrantId() {
        return (++fake.grantCounter).toString(16).padStart(64, '0');
      },
      usableAt: this.clock ? this.clock() + GRANT_PROPAGATION_MS : 0,
      createdAt: this.clock?.() ?? 0,
      volumeGrants() {
        return volumesForQuota(fake, region, key);
      },
    });
  }

  /**
   * RetireGrant by grant id: the account that created the grant, or its retiring principal, may retire it
   * (https://docs.aws.amazon.com/kms/latest/APIReference/API_RetireGrant.html); an unknown grant is NotFoundException.
   */
  retireGrant(region: string, ref: string, caller: KmsCaller, grantId: string): void {
    const key = this.key(region, ref);
    if (!key) throw new KmsError('NotFoundException', `Key '${ref}' does not exist`);
    retireGrantOf(key, caller, grantId);
  }

  /** The key's policy as it was kept at CreateKey / ReplicateKey. */
  private policyOf(key: KmsKey): CompiledPolicy {
    const kept = this.policies.get(key) ?? keptText(key.policy);
    if (typeof kept !== 'string') return kept;
    const compiled = compilePolicy(kept);
    this.policies.set(key, compiled);
    return compiled;
  }

  /** Whether an Allow of the key policy names this principal (or everyone), not only its account's root. */
  private namesPrincipal(key: KmsKey, caller: KmsCaller, action: string, context: RequestContext): boolean {
    const direct = (s: PolicyStatement) => {
      if (s.Principal === '*') return true;
      const aws = (s.Principal as { AWS?: string | string[] } | undefined)?.AWS;
      return ([] as string[]).concat(aws ?? []).some((p) => p === '*' || p === caller.principalArn);
    };
    const request = { account: caller.account, principalArn: caller.principalArn, action, context };
    return this.policyOf(key).decision(request, direct) === 'Allowed';
  }
}
