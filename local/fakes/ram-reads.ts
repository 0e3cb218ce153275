import { MissingRequiredParameterException } from '@aws-sdk/client-ram';
import { asArray, paginate, required } from './common.js';
import type { Association, ResourceShare } from './ram-types.js';
import { err, invalid, PAGE } from './ram-types.js';

/** The RAM fake's reads of its shares: GetResourceShares and GetResourceShareAssociations (ram.ts answers the rest). */

export function getShares(
  shares: Iterable<ResourceShare>,
  region: string,
  input: Record<string, unknown>,
  describe: (s: ResourceShare) => unknown,
): unknown {
  const owner = required(input, 'resourceOwner', (m) => err(MissingRequiredParameterException, m));
  if (owner !== 'SELF' && owner !== 'OTHER-ACCOUNTS') throw invalid(`resourceOwner ${owner} is not valid.`);
  const arns = asArray<string>(input.resourceShareArns);
  const all =
    owner === 'OTHER-ACCOUNTS'
      ? []
      : [...shares].filter(
          (s) =>
            s.region === region &&
            (input.name === undefined || s.name === input.name) &&
            (arns.length === 0 || arns.includes(s.arn)) &&
            (input.resourceShareStatus === undefined || input.resourceShareStatus === 'ACTIVE'),
        );
  const page = paginate(all, input.maxResults, input.nextToken, PAGE);
  return { resourceShares: page.items.map(describe), nextToken: page.nextToken };
}

export function getAssociations(
  shares: Iterable<ResourceShare>,
  region: string,
  input: Record<string, unknown>,
  association: (s: ResourceShare, type: 'PRINCIPAL' | 'RESOURCE', a: Association) => unknown,
): unknown {
  const type = required(input, 'associationType', (m) => err(MissingRequiredParameterException, m));
  if (type !== 'PRINCIPAL' && type !== 'RESOURCE') throw invalid(`associationType ${type} is not valid.`);
  if (type === 'PRINCIPAL' && input.resourceArn !== undefined)
    throw invalid('resourceArn applies to RESOURCE associations only.');
  if (type === 'RESOURCE' && input.principal !== undefined)
    throw invalid('principal applies to PRINCIPAL associations only.');
  const arns = asArray<string>(input.resourceShareArns);
  const all: unknown[] = [];
  for (const share of shares) {
    if (share.region !== region || (arns.length > 0 && !arns.includes(share.arn))) continue;
    const map = type === 'PRINCIPAL' ? share.principals : share.resources;
    for (const a of map.values()) {
      if (input.resourceArn !== undefined && a.entity !== input.resourceArn) continue;
      if (input.principal !== undefined && a.entity !== input.principal) continue;
      if (input.associationStatus !== undefined && a.status !== input.associationStatus) continue;
      all.push(association(share, type, a));
    }
  }
  const page = paginate(all, input.maxResults, input.nextToken, PAGE);
  return { resourceShareAssociations: page.items, nextToken: page.nextToken };
}
