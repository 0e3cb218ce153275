import {
  MissingRequiredParameterException,
  OperationNotPermittedException,
  UnknownResourceException,
} from '@aws-sdk/client-ram';
import { asArray, type FakeCall, type FakeService, IdMaker, NotImplementedByFakeError, required } from './common.js';
import type { OrganizationsFake } from './organizations.js';
import { addAssociations, describeAssociation } from './ram-associations.js';
import { type ClientTokens, idempotent } from './ram-idempotency.js';
import { attachPolicyShare, detachPolicyShare, listResources } from './ram-policy-shares.js';
import { ACCOUNT, accountsOfShares, type ResourceCheck, validateShareEntities } from './ram-principals.js';
import { getAssociations, getShares } from './ram-reads.js';
import { type Association, err, type ResourceShare } from './ram-types.js';

export type { ResourceCheck } from './ram-principals.js';

/**
 * AWS Resource Access Manager, per region: resource shares with principal and resource associations, client-token
 * idempotency, paginated reads, and the documented errors. Sharing with AWS Organizations is enabled (a deploy
 * prerequisite, docs/deploy.md), so organization principals are associated at once, without invitations; an
 * account outside the organization on a share that refuses external principals fails its association. `readers`
 * answers the audit's question: which accounts can use a shared resource.
 */
export class RamFake implements FakeService {
  private readonly shares = new Map<string, ResourceShare>();
  private readonly tokens: ClientTokens = new Map();
  private readonly ids = new IdMaker();

  constructor(
    private readonly accountId: string,
    private readonly organizations: OrganizationsFake,
    private readonly checkResource: ResourceCheck,
    private readonly now: () => number,
    /**
     * Off: organization and OU principals are refused (EnableSharingWithAwsOrganization was never called); a function
     * reads it from the organization's trusted access at each call (local/fakes/organization-admin.ts).
     */
    private readonly sharingEnabled: boolean | (() => boolean) = true,
  ) {}

  /**
   * A resource policy put on one of this account's resources (`accounts`: those its Allow statements name), or deleted
   * (no `accounts`): RAM makes, updates or ends the share it keeps for it (ram-policy-shares.ts). The SSM fake's
   * policies call it.
   */
  policyChanged(change: { region: string; resourceArn: string; policyId: string; accounts?: readonly string[] }): void {
    const { accounts } = change;
    if (accounts) {
      attachPolicyShare(
        { shares: this.shares, accountId: this.accountId, ids: this.ids, now: this.now },
        { ...change, accounts },
      );
    } else detachPolicyShare(this.shares, change);
  }

  /**
   * Accounts that can use `resourceArn` in `region` through an active share (the owner not included). A share made
   * from a resource policy is left out: the policy itself answers who reads through it (the SSM fake's `readers`).
   */
  readers(region: string, resourceArn: string): Set<string> {
    return accountsOfShares(this.holders(region, resourceArn), this.organizations);
  }

  /**
   * `readers` for many resources of `region` while the shares stay as they are (the end-of-run audit asks it of every
   * pointer): the accounts of each set of shares holding them worked out once. The returned sets are not to be
   * changed. At fleet scale (4,800 pointers, 4,960 accounts) worked out per pointer they cost the audit 1 s.
   */
  readersAt(region: string): (resourceArn: string) => Set<string> {
    const bySharesHolding = new Map<string, Set<string>>();
    return (resourceArn) => {
      const holders = this.holders(region, resourceArn);
      const key = holders.map((s) => s.arn).join(' ');
      let readers = bySharesHolding.get(key);
      if (!readers) {
        readers = accountsOfShares(holders, this.organizations);
        bySharesHolding.set(key, readers);
      }
      return readers;
    };
  }

  /** The STANDARD shares of `region` where `resourceArn` is ASSOCIATED. */
  private holders(region: string, resourceArn: string): ResourceShare[] {
    return [...this.shares.values()].filter((share) => this.standardHolder(share, region, resourceArn));
  }

  /**
   * The account ids `resourceArn` is shared with in `region` by name (not through an OU or the organization): the
   * accounts that read it on their own, which the audit asks one by one (local/simulator/audit-classes.ts).
   */
  accountPrincipals(region: string, resourceArn: string): Set<string> {
    const out = new Set<string>();
    for (const share of this.shares.values()) {
      if (!this.standardHolder(share, region, resourceArn)) continue;
      for (const p of share.principals.values())
        if (p.status === 'ASSOCIATED' && ACCOUNT.test(p.entity)) out.add(p.entity);
    }
    return out;
  }

  /** Whether `share` is a STANDARD share of `region` where `resourceArn` is ASSOCIATED. */
  private standardHolder(share: ResourceShare, region: string, resourceArn: string): boolean {
    return (
      share.region === region &&
      share.featureSet !== 'CREATED_FROM_POLICY' &&
      share.resources.get(resourceArn)?.status === 'ASSOCIATED'
    );
  }

  /**
   * A change someone makes to a share outside Goldsmith (the simulator's `pointer-share` events), as their own
   * DisassociateResourceShare would: every live association of `entity` (a principal, or a parameter ARN) in the
   * shares named `name` in `region` becomes DISASSOCIATED. Returns how many associations it took out.
   */
  disassociateOutside(region: string, name: string, entity: string): number {
    let taken = 0;
    for (const share of this.shares.values()) {
      if (share.region !== region || share.name !== name) continue;
      for (const map of [share.principals, share.resources]) {
        const a = map.get(entity);
        if (!a || (a.status !== 'ASSOCIATED' && a.status !== 'ASSOCIATING')) continue;
        a.status = 'DISASSOCIATED';
        a.updatedAt = new Date(this.now());
        taken++;
      }
    }
    return taken;
  }

  handle(call: FakeCall): unknown {
    const input = call.input;
    switch (call.action) {
      case 'CreateResourceShare':
        return idempotent(this.tokens, call, () => this.create(call.region, input));
      case 'GetResourceShares':
        return getShares(this.shares.values(), call.region, input, (s) => this.describe(s));
      case 'GetResourceShareAssociations':
        return getAssociations(this.shares.values(), call.region, input, (s, t, a) => this.association(s, t, a));
      case 'ListResources':
        return listResources(this.shares.values(), call.region, input);
      case 'AssociateResourceShare':
        return idempotent(this.tokens, call, () => this.associate(call.region, input));
      case 'DisassociateResourceShare':
        return idempotent(this.tokens, call, () => this.disassociate(call.region, input));
      case 'UpdateResourceShare': {
        // Its owner may open a share to external principals, or close it
        // (https://docs.aws.amazon.com/ram/latest/APIReference/API_UpdateResourceShare.html).
        const share = this.share(call.region, input.resourceShareArn);
        if (typeof input.allowExternalPrincipals === 'boolean')
          share.allowExternalPrincipals = input.allowExternalPrincipals;
        return { resourceShare: this.describe(share) };
      }
      default:
        throw new NotImplementedByFakeError('ram', call.action);
    }
  }

  private create(region: string, input: Record<string, unknown>): Record<string, unknown> {
    const name = required(input, 'name', (m) => err(MissingRequiredParameterException, m));
    const share: ResourceShare = {
      arn: `arn:aws:ram:${region}:${this.accountId}:resource-share/${this.ids.next('rs', 12).slice(3)}`,
      name,
      region,
      allowExternalPrincipals: input.allowExternalPrincipals !== false,
      createdAt: new Date(this.now()),
      tags: asArray<{ key: string; value: string }>(input.tags),
      featureSet: 'STANDARD',
      principals: new Map(),
      resources: new Map(),
    };
    const resources = asArray<string>(input.resourceArns);
    const principals = asArray<string>(input.principals);
    this.validate(region, resources, principals);
    this.shares.set(share.arn, share);
    this.addAssociations(share, resources, principals);
    return { resourceShare: this.describe(share) };
  }

  private associate(region: string, input: Record<string, unknown>): Record<string, unknown> {
    const share = this.share(region, input.resourceShareArn);
    const resources = asArray<string>(input.resourceArns);
    const principals = asArray<string>(input.principals);
    this.validate(region, resources, principals);
    const made = this.addAssociations(share, resources, principals);
    return { resourceShareAssociations: made.map((a) => this.association(share, a.type, a.assoc)) };
  }

  private disassociate(region: string, input: Record<string, unknown>): Record<string, unknown> {
    const share = this.share(region, input.resourceShareArn);
    const out: unknown[] = [];
    for (const [type, entities, map] of [
      ['PRINCIPAL', asArray<string>(input.principals), share.principals],
      ['RESOURCE', asArray<string>(input.resourceArns), share.resources],
    ] as const) {
      for (const e of entities) {
        const a = map.get(e);
        if (!a) throw err(UnknownResourceException, `${e} is not associated with ${share.arn}.`);
        a.status = 'DISASSOCIATED';
        a.updatedAt = new Date(this.now());
        out.push(this.association(share, type, a));
      }
    }
    return { resourceShareAssociations: out };
  }

  private validate(region: string, resources: string[], principals: string[]): void {
    validateShareEntities(region, resources, principals, {
      organizations: this.organizations,
      checkResource: this.checkResource,
      sharingWithOrganization: this.sharingWithOrganization,
    });
  }

  get sharingWithOrganization(): boolean {
    return typeof this.sharingEnabled === 'function' ? this.sharingEnabled() : this.sharingEnabled;
  }

  private addAssociations(share: ResourceShare, resources: string[], principals: string[]) {
    return addAssociations(share, resources, principals, this.organizations, this.now);
  }

  private share(region: string, arn: unknown): ResourceShare {
    if (typeof arn !== 'string') throw err(MissingRequiredParameterException, 'resourceShareArn is required.');
    const share = this.shares.get(arn);
    if (!share || share.region !== region)
      throw err(UnknownResourceException, `ResourceShare ${arn} could not be found.`);
    // Every caller of this lookup changes the share: one made from a policy "can't be modified by using AWS RAM".
    if (share.featureSet === 'CREATED_FROM_POLICY')
      throw err(
        OperationNotPermittedException,
        `ResourceShare ${arn} was created from a policy and can't be modified by using RAM.`,
      );
    return share;
  }

  private describe(s: ResourceShare): unknown {
    return {
      resourceShareArn: s.arn,
      name: s.name,
      owningAccountId: this.accountId,
      allowExternalPrincipals: s.allowExternalPrincipals,
      status: 'ACTIVE',
      tags: s.tags,
      creationTime: s.createdAt,
      lastUpdatedTime: s.createdAt,
      featureSet: s.featureSet ?? 'STANDARD',
    };
  }

  private association(s: ResourceShare, type: 'PRINCIPAL' | 'RESOURCE', a: Association): unknown {
    return describeAssociation(s, type, a, this.organizations);
  }
}
