import { MissingRequiredParameterException } from '@aws-sdk/client-ram';
import { asArray, type IdMaker, paginate, required } from './common.js';
import { err, invalid, PAGE, type ResourceShare } from './ram-types.js';

/**
 * The RAM fake's shares made from resource policies, and ListResources.
 *
 * "When you attach a resource-based policy to a resource, AWS RAM automatically creates a resource share of
 * featureSet=CREATED_FROM_POLICY with a managed permission that has the same IAM permissions as the original
 * resource-based policy. However, this type of managed permission is visible to only the resource share owner, and
 * the associated resource share can't be modified by using AWS RAM."
 * (https://docs.aws.amazon.com/ram/latest/APIReference/API_PromoteResourceShareCreatedFromPolicy.html). Here one such
 * share per policy whose Allow statements name an account, holding the resource and those accounts; it ends when the
 * policy is deleted. AWS documents neither such a share's name (the fake names it after the policy's id) nor whether
 * it lets principals outside the organization in (taken as yes: a policy may name any account), nor a share for a
 * policy that allows no account (a Deny alone: RAM's permissions only allow), for which the fake makes none.
 */

/** RAM's resource type of an ARN, as ListResources filters and answers it (`ssm:Parameter`, `ec2:Subnet`, …). */
export function ramResourceType(arn: string): string {
  const [, , service = '', , , resource = ''] = arn.split(':');
  const kind = resource.split('/')[0] ?? '';
  return `${service}:${kind.charAt(0).toUpperCase()}${kind.slice(1)}`;
}

/** A resource association's state as ListResources reports the resource (`Resource.status`). */
const RESOURCE_STATUS: Readonly<Record<string, string>> = { ASSOCIATED: 'AVAILABLE', ASSOCIATING: 'PENDING' };

/**
 * ListResources: the resources associated with the owner's shares in `region` (`resourceOwner` SELF; OTHER-ACCOUNTS
 * lists nothing here: no account shares with the factory), filtered by `resourceType`, `resourceArns`,
 * `resourceShareArns` and `principal`, 1–500 a page
 * (https://docs.aws.amazon.com/ram/latest/APIReference/API_ListResources.html). Each names the share holding it; a
 * resource in two shares is listed twice. Parameters are Regional resources.
 */
export function listResources(shares: Iterable<ResourceShare>, region: string, input: Record<string, unknown>) {
  const owner = required(input, 'resourceOwner', (m) => err(MissingRequiredParameterException, m));
  if (owner !== 'SELF' && owner !== 'OTHER-ACCOUNTS') throw invalid(`resourceOwner ${owner} is not valid.`);
  const scope = input.resourceRegionScope ?? 'ALL';
  if (scope !== 'ALL' && scope !== 'REGIONAL' && scope !== 'GLOBAL')
    throw invalid(`resourceRegionScope ${String(scope)} is not valid.`);
  const arns = asArray<string>(input.resourceArns);
  const shareArns = asArray<string>(input.resourceShareArns);
  const all: Record<string, unknown>[] = [];
  for (const share of owner === 'SELF' && scope !== 'GLOBAL' ? shares : []) {
    if (share.region !== region || (shareArns.length > 0 && !shareArns.includes(share.arn))) continue;
    if (input.principal !== undefined && share.principals.get(String(input.principal))?.status !== 'ASSOCIATED')
      continue;
    for (const a of share.resources.values()) {
      const status = RESOURCE_STATUS[a.status];
      if (!status || (arns.length > 0 && !arns.includes(a.entity))) continue;
      const type = ramResourceType(a.entity);
      if (input.resourceType !== undefined && input.resourceType !== type) continue;
      all.push({
        arn: a.entity,
        type,
        resourceShareArn: share.arn,
        status,
        creationTime: a.createdAt,
        lastUpdatedTime: a.updatedAt,
        resourceRegionScope: 'REGIONAL',
      });
    }
  }
  const page = paginate(all, input.maxResults, input.nextToken, PAGE);
  return { resources: page.items, nextToken: page.nextToken };
}

/** What the shares RAM makes for resource policies are kept in: the RAM fake's own map of shares and id maker. */
export interface PolicyShareStore {
  shares: Map<string, ResourceShare>;
  accountId: string;
  ids: IdMaker;
  now: () => number;
}

/** A policy put on `resourceArn` (or written again): its share holds the resource and the accounts it names. */
export function attachPolicyShare(
  store: PolicyShareStore,
  change: { region: string; resourceArn: string; policyId: string; accounts: readonly string[] },
): void {
  const { region, resourceArn, policyId, accounts } = change;
  const at = new Date(store.now());
  const share = findPolicyShare(store.shares, region, resourceArn, policyId) ?? {
    arn: `arn:aws:ram:${region}:${store.accountId}:resource-share/${store.ids.next('rs', 12).slice(3)}`,
    name: policyId,
    region,
    allowExternalPrincipals: true,
    createdAt: at,
    tags: [],
    featureSet: 'CREATED_FROM_POLICY' as const,
    principals: new Map(),
    resources: new Map(),
  };
  share.resources.set(resourceArn, { entity: resourceArn, status: 'ASSOCIATED', createdAt: at, updatedAt: at });
  share.principals.clear();
  for (const entity of accounts) {
    share.principals.set(entity, { entity, status: 'ASSOCIATED', createdAt: at, updatedAt: at });
  }
  store.shares.set(share.arn, share);
}

/** The policy deleted (or its resource): RAM's share for it ends. */
export function detachPolicyShare(
  shares: Map<string, ResourceShare>,
  change: { region: string; resourceArn: string; policyId: string },
): void {
  const share = findPolicyShare(shares, change.region, change.resourceArn, change.policyId);
  if (share) shares.delete(share.arn);
}

function findPolicyShare(
  shares: Map<string, ResourceShare>,
  region: string,
  resourceArn: string,
  policyId: string,
): ResourceShare | undefined {
  for (const s of shares.values()) {
    if (
      s.featureSet === 'CREATED_FROM_POLICY' &&
      s.region === region &&
      s.name === policyId &&
      s.resources.has(resourceArn)
    )
      return s;
  }
  return undefined;
}
