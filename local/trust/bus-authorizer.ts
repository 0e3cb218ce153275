import { evaluate, type PolicyDocument } from './policies.js';

/**
 * The local EventBridge's authorization of one PutEvents entry, per entry as AWS does it: the bus's synthesized
 * resource policy plus the caller's identity policies, evaluated by `@cloud-copilot/iam-simulate`. Goldsmith's
 * function roles carry their synthesized policies; any other principal is given `events:PutEvents` on `*` (the
 * worst case the issue names: a same-account role holding it), so only the bus policy can stop it.
 */

export interface BusAuthorizerOptions {
  accountId: string;
  region: string;
  organizationId: string;
  /** Accounts of the local organization (for `aws:PrincipalOrgID`). */
  organizationAccounts: ReadonlySet<string>;
  /** Bus name → its resource policy (buses without one are left to identity policies). */
  busPolicies: ReadonlyMap<string, PolicyDocument>;
  /** Role ARN → identity policies, from the synthesized templates. */
  rolePolicies: ReadonlyMap<string, readonly PolicyDocument[]>;
}

export interface PutRefusal {
  errorCode: 'AccessDeniedException';
  reason: string;
}

const PUT_ANYWHERE: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: '*' }],
};

const SESSION = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;

/** `aws:PrincipalArn` of a caller: a role session is reported as its role's ARN. */
export function principalArnOf(principal: string): string {
  const m = SESSION.exec(principal);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : principal;
}

export class BusAuthorizer {
  /** Decisions for buses without a policy, and per policy object (a changed policy is a new object). */
  private readonly cache = new Map<string, Promise<PutRefusal | undefined>>();
  private readonly byPolicy = new WeakMap<PolicyDocument, Map<string, Promise<PutRefusal | undefined>>>();

  constructor(private readonly options: BusAuthorizerOptions) {}

  /** The bus's resource policy, if it has one. */
  policyOf(busName: string): PolicyDocument | undefined {
    return this.options.busPolicies.get(busName);
  }

  /** Undefined when the entry may be put; otherwise AWS's refusal for it. Cached per (principal, bus, kind). */
  authorize(principal: string, busName: string, source: string, detailType: string): Promise<PutRefusal | undefined> {
    const key = [principal, busName, source, detailType].join('\u0000');
    const policy = this.policyOf(busName);
    let cache = policy ? this.byPolicy.get(policy) : this.cache;
    if (!cache) {
      cache = new Map();
      if (policy) this.byPolicy.set(policy, cache);
    }
    let decided = cache.get(key);
    if (!decided) {
      decided = this.decide(principal, busName, source, detailType);
      cache.set(key, decided);
    }
    return decided;
  }

  private async decide(
    principal: string,
    busName: string,
    source: string,
    detailType: string,
  ): Promise<PutRefusal | undefined> {
    const { accountId, region } = this.options;
    const resourcePolicy = this.policyOf(busName);
    const principalArn = principalArnOf(principal);
    const principalAccount = principalArn.split(':')[4] ?? '';
    const identity = this.options.rolePolicies.get(principalArn) ?? [PUT_ANYWHERE];
    const busArn = `arn:aws:events:${region}:${accountId}:event-bus/${busName}`;
    const inOrganization = this.options.organizationAccounts.has(principalAccount);
    const { decision, errors } = await evaluate({
      principal: principalArn,
      action: 'events:PutEvents',
      resource: busArn,
      resourceAccount: accountId,
      context: {
        'events:source': [source],
        'events:detail-type': [detailType],
        'aws:PrincipalArn': principalArn,
        'aws:PrincipalAccount': principalAccount,
        ...(inOrganization ? { 'aws:PrincipalOrgID': this.options.organizationId } : {}),
      },
      identityPolicies: identity,
      resourcePolicy,
    });
    if (decision === 'Allowed') return undefined;
    const how =
      decision === 'ExplicitlyDenied' ? 'with an explicit deny in a resource-based policy' : 'no policy allows it';
    return {
      errorCode: 'AccessDeniedException',
      reason:
        `User: ${principal} is not authorized to perform: events:PutEvents on resource: ${busArn} ` +
        `(source ${source}, detail-type ${detailType}): ${how}${errors ? ` (${errors})` : ''}`,
    };
  }
}
