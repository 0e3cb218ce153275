import { createHash } from 'node:crypto';
import {
  IdempotentParameterMismatchException,
  InvalidNextTokenException,
  InvalidParameterException,
  MalformedArnException,
  MissingRequiredParameterException,
  OperationNotPermittedException,
  RAMServiceException,
  UnknownResourceException,
} from '@aws-sdk/client-ram';
import {
  asArray,
  errorFactory,
  type FakeCall,
  type FakeService,
  IdMaker,
  NotImplementedByFakeError,
  paginate,
  required,
} from './common.js';
import type { OrganizationsFake } from './organizations.js';

const err = errorFactory(RAMServiceException);
const invalid = (msg: string): Error => err(InvalidParameterException, msg);

/** Whether a resource ARN can go into a share: it exists, and its type is shareable in that state. */
export type ResourceCheck = (
  arn: string,
  region: string,
) => { ok: true } | { ok: false; unknown: boolean; reason: string };

interface Association {
  readonly entity: string;
  status: 'ASSOCIATING' | 'ASSOCIATED' | 'FAILED' | 'DISASSOCIATING' | 'DISASSOCIATED';
  statusMessage?: string | undefined;
  readonly createdAt: Date;
  updatedAt: Date;
}

interface ResourceShare {
  readonly arn: string;
  readonly name: string;
  readonly region: string;
  readonly allowExternalPrincipals: boolean;
  readonly createdAt: Date;
  readonly tags: { key: string; value: string }[];
  readonly principals: Map<string, Association>;
  readonly resources: Map<string, Association>;
}

/** https://docs.aws.amazon.com/ram/latest/APIReference/API_GetResourceShares.html: maxResults 1–500. */
const PAGE = {
  max: 500,
  invalidToken: () => err(InvalidNextTokenException, 'The specified value for NextToken is not valid.'),
};
const ACCOUNT = /^\d{12}$/;
const ORG_ARN = /^arn:aws:organizations::\d{12}:organization\/o-[a-z0-9]{10,32}$/;
const OU_ARN = /^arn:aws:organizations::\d{12}:ou\/o-[a-z0-9]{10,32}\/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$/;

/**
 * AWS Resource Access Manager, per region: resource shares with principal and resource associations, client-token
 * idempotency, paginated reads, and the documented errors. Sharing with AWS Organizations is enabled (a README
 * prerequisite), so organization principals are associated at once, without invitations; an account outside the
 * organization on a share that refuses external principals fails its association. `readers` answers the audit's
 * question: which accounts can use a shared resource.
 */
export class RamFake implements FakeService {
  private readonly shares = new Map<string, ResourceShare>();
  private readonly tokens = new Map<string, { request: string; response: unknown }>();
  private readonly ids = new IdMaker();

  constructor(
    private readonly accountId: string,
    private readonly organizations: OrganizationsFake,
    private readonly checkResource: ResourceCheck,
    private readonly now: () => number,
    /** Off: organization and OU principals are refused (EnableSharingWithAwsOrganization was never called). */
    readonly sharingWithOrganization = true,
  ) {}

  /** Accounts that can use `resourceArn` in `region` through an active share (the owner not included). */
  readers(region: string, resourceArn: string): Set<string> {
    const out = new Set<string>();
    for (const share of this.shares.values()) {
      if (share.region !== region || share.resources.get(resourceArn)?.status !== 'ASSOCIATED') continue;
      for (const p of share.principals.values()) {
        if (p.status !== 'ASSOCIATED') continue;
        for (const account of this.accountsOf(p.entity)) out.add(account);
      }
    }
    return out;
  }

  handle(call: FakeCall): unknown {
    const input = call.input;
    switch (call.action) {
      case 'CreateResourceShare':
        return this.idempotent(call, () => this.create(call.region, input));
      case 'GetResourceShares':
        return this.getShares(call.region, input);
      case 'GetResourceShareAssociations':
        return this.getAssociations(call.region, input);
      case 'AssociateResourceShare':
        return this.idempotent(call, () => this.associate(call.region, input));
      case 'DisassociateResourceShare':
        return this.idempotent(call, () => this.disassociate(call.region, input));
      default:
        throw new NotImplementedByFakeError('ram', call.action);
    }
  }

  /** The same client token with the same request answers the first response; with another request, an error. */
  private idempotent(call: FakeCall, act: () => Record<string, unknown>): unknown {
    const token = call.input.clientToken;
    if (typeof token !== 'string') return act();
    const { clientToken: _, ...rest } = call.input;
    const request = createHash('sha256')
      .update(`${call.region}|${call.action}|${JSON.stringify(rest)}`)
      .digest('hex');
    const seen = this.tokens.get(`${call.region}|${token}`);
    if (seen) {
      if (seen.request !== request) {
        throw err(
          IdempotentParameterMismatchException,
          `The client token ${token} was used before with different parameters.`,
        );
      }
      return seen.response;
    }
    const response = { ...act(), clientToken: token };
    this.tokens.set(`${call.region}|${token}`, { request, response });
    return response;
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

  private getShares(region: string, input: Record<string, unknown>): unknown {
    const owner = required(input, 'resourceOwner', (m) => err(MissingRequiredParameterException, m));
    if (owner !== 'SELF' && owner !== 'OTHER-ACCOUNTS') throw invalid(`resourceOwner ${owner} is not valid.`);
    const arns = asArray<string>(input.resourceShareArns);
    const all =
      owner === 'OTHER-ACCOUNTS'
        ? []
        : [...this.shares.values()].filter(
            (s) =>
              s.region === region &&
              (input.name === undefined || s.name === input.name) &&
              (arns.length === 0 || arns.includes(s.arn)) &&
              (input.resourceShareStatus === undefined || input.resourceShareStatus === 'ACTIVE'),
          );
    const page = paginate(all, input.maxResults, input.nextToken, PAGE);
    return { resourceShares: page.items.map((s) => this.describe(s)), nextToken: page.nextToken };
  }

  private getAssociations(region: string, input: Record<string, unknown>): unknown {
    const type = required(input, 'associationType', (m) => err(MissingRequiredParameterException, m));
    if (type !== 'PRINCIPAL' && type !== 'RESOURCE') throw invalid(`associationType ${type} is not valid.`);
    if (type === 'PRINCIPAL' && input.resourceArn !== undefined)
      throw invalid('resourceArn applies to RESOURCE associations only.');
    if (type === 'RESOURCE' && input.principal !== undefined)
      throw invalid('principal applies to PRINCIPAL associations only.');
    const arns = asArray<string>(input.resourceShareArns);
    const all: unknown[] = [];
    for (const share of this.shares.values()) {
      if (share.region !== region || (arns.length > 0 && !arns.includes(share.arn))) continue;
      const map = type === 'PRINCIPAL' ? share.principals : share.resources;
      for (const a of map.values()) {
        if (input.resourceArn !== undefined && a.entity !== input.resourceArn) continue;
        if (input.principal !== undefined && a.entity !== input.principal) continue;
        if (input.associationStatus !== undefined && a.status !== input.associationStatus) continue;
        all.push(this.association(share, type, a));
      }
    }
    const page = paginate(all, input.maxResults, input.nextToken, PAGE);
    return { resourceShareAssociations: page.items, nextToken: page.nextToken };
  }

  private validate(region: string, resources: string[], principals: string[]): void {
    for (const arn of resources) {
      if (!/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+/.test(arn))
        throw err(MalformedArnException, `The ARN ${arn} is malformed.`);
      const check = this.checkResource(arn, region);
      if (!check.ok) {
        throw check.unknown ? err(UnknownResourceException, check.reason) : invalid(check.reason);
      }
    }
    for (const p of principals) {
      const orgLevel = ORG_ARN.test(p) || OU_ARN.test(p);
      if (!orgLevel && !ACCOUNT.test(p)) throw err(MalformedArnException, `The principal ${p} is malformed.`);
      if (orgLevel && !this.sharingWithOrganization) {
        throw err(OperationNotPermittedException, 'Sharing with AWS Organizations is not enabled for this account.');
      }
      if (ORG_ARN.test(p) && p !== this.organizations.organizationArn())
        throw err(UnknownResourceException, `Organization ${p} was not found.`);
      if (OU_ARN.test(p) && !this.ouExists(p)) throw err(UnknownResourceException, `OU ${p} was not found.`);
    }
  }

  private addAssociations(share: ResourceShare, resources: string[], principals: string[]) {
    const at = new Date(this.now());
    const made: { type: 'PRINCIPAL' | 'RESOURCE'; assoc: Association }[] = [];
    for (const [type, entities, map] of [
      ['RESOURCE', resources, share.resources],
      ['PRINCIPAL', principals, share.principals],
    ] as const) {
      for (const entity of entities) {
        const external = type === 'PRINCIPAL' && ACCOUNT.test(entity) && !this.organizations.isMember(entity);
        const refused = external && !share.allowExternalPrincipals;
        const assoc: Association = {
          entity,
          // Inside the organization, with sharing enabled, RAM associates without an invitation.
          status: refused ? 'FAILED' : external ? 'ASSOCIATING' : 'ASSOCIATED',
          statusMessage: refused
            ? 'The resource share does not allow principals outside your organization.'
            : undefined,
          createdAt: map.get(entity)?.createdAt ?? at,
          updatedAt: at,
        };
        map.set(entity, assoc);
        made.push({ type, assoc });
      }
    }
    return made;
  }

  private accountsOf(principal: string): readonly string[] {
    if (ACCOUNT.test(principal)) return [principal];
    if (principal === this.organizations.organizationArn()) return this.organizations.accountIds();
    const ou = /\/(ou-[a-z0-9-]+)$/.exec(principal)?.[1];
    return ou && principal === this.organizations.ouArn(ou) ? this.organizations.accountsUnder(ou) : [];
  }

  private ouExists(arn: string): boolean {
    const ou = /\/(ou-[a-z0-9-]+)$/.exec(arn)?.[1];
    return !!ou && arn === this.organizations.ouArn(ou) && this.organizations.ancestors(ou).length > 0;
  }

  private share(region: string, arn: unknown): ResourceShare {
    if (typeof arn !== 'string') throw err(MissingRequiredParameterException, 'resourceShareArn is required.');
    const share = this.shares.get(arn);
    if (!share || share.region !== region)
      throw err(UnknownResourceException, `ResourceShare ${arn} could not be found.`);
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
      featureSet: 'STANDARD',
    };
  }

  private association(s: ResourceShare, type: 'PRINCIPAL' | 'RESOURCE', a: Association): unknown {
    return {
      resourceShareArn: s.arn,
      resourceShareName: s.name,
      associatedEntity: a.entity,
      associationType: type,
      status: a.status,
      ...(a.statusMessage ? { statusMessage: a.statusMessage } : {}),
      creationTime: a.createdAt,
      lastUpdatedTime: a.updatedAt,
      external: ACCOUNT.test(a.entity) && !this.organizations.isMember(a.entity),
    };
  }
}
