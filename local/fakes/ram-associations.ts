import type { OrganizationsFake } from './organizations.js';
import { ACCOUNT } from './ram-principals.js';
import type { Association, ResourceShare } from './ram-types.js';

/** The RAM fake's association bookkeeping: adding principals and resources to a share, and describing them. */

export function addAssociations(
  share: ResourceShare,
  resources: string[],
  principals: string[],
  organizations: OrganizationsFake,
  now: () => number,
) {
  const at = new Date(now());
  const made: { type: 'PRINCIPAL' | 'RESOURCE'; assoc: Association }[] = [];
  for (const [type, entities, map] of [
    ['RESOURCE', resources, share.resources],
    ['PRINCIPAL', principals, share.principals],
  ] as const) {
    for (const entity of entities) {
      const external = type === 'PRINCIPAL' && ACCOUNT.test(entity) && !organizations.isMember(entity);
      const refused = external && !share.allowExternalPrincipals;
      const assoc: Association = {
        entity,
        // Inside the organization, with sharing enabled, RAM associates without an invitation.
        status: refused ? 'FAILED' : external ? 'ASSOCIATING' : 'ASSOCIATED',
        statusMessage: refused ? 'The resource share does not allow principals outside your organization.' : undefined,
        createdAt: map.get(entity)?.createdAt ?? at,
        updatedAt: at,
      };
      map.set(entity, assoc);
      made.push({ type, assoc });
    }
  }
  return made;
}

export function describeAssociation(
  s: ResourceShare,
  type: 'PRINCIPAL' | 'RESOURCE',
  a: Association,
  organizations: OrganizationsFake,
): unknown {
  return {
    resourceShareArn: s.arn,
    resourceShareName: s.name,
    associatedEntity: a.entity,
    associationType: type,
    status: a.status,
    ...(a.statusMessage ? { statusMessage: a.statusMessage } : {}),
    creationTime: a.createdAt,
    lastUpdatedTime: a.updatedAt,
    external: ACCOUNT.test(a.entity) && !organizations.isMember(a.entity),
  };
}
