import { CI_SOURCE, DETAIL_TYPES } from '../../events/sources.js';
import type { BusEvent } from '../eventbridge/bus.js';
import { LOCAL_ACCOUNT, type LocalCloud } from './cloud.js';

/**
 * Scenario senders (docs/simulation.md, "Senders"): a raw event goes on the bus its sender would use, as that sender;
 * the local bus decides with the synthesized bus policy and refusals land in the report's `rejectedEvents`.
 */

export interface RawPut {
  event: Record<string, unknown>;
  as?: string | undefined;
  bus?: 'goldsmith' | 'default' | undefined;
}

/** The catalog's first CI principal as a caller ARN (an account id stands for a role `ci` in that account). */
export function ciPrincipal(cloud: LocalCloud): string {
  const first = cloud.catalog.access.ci[0];
  if (first === undefined) return `arn:aws:iam::${LOCAL_ACCOUNT}:role/ci-not-in-catalog`;
  return /^\d{12}$/.test(first) ? `arn:aws:iam::${first}:role/ci` : first;
}

/** The Goldsmith function role allowed to put this kind of fact (the first whose identity and the bus allow it). */
async function goldsmithPrincipal(cloud: LocalCloud, bus: string, source: string, detailType: string) {
  const writers = [...cloud.rolePolicies.entries()]
    .filter(([, policies]) => JSON.stringify(policies).includes('events:PutEvents'))
    .map(([arn]) => arn);
  for (const arn of writers) {
    if (!(await cloud.busAuthorizer.authorize(arn, bus, source, detailType))) return arn;
  }
  return writers[0] ?? `arn:aws:iam::${LOCAL_ACCOUNT}:role/goldsmith`;
}

/** Puts one scenario event as its sender; refused puts are recorded with their principal. */
export async function putAsSender(cloud: LocalCloud, put: RawPut): Promise<void> {
  const event = put.event as unknown as BusEvent;
  const source = typeof event.source === 'string' ? event.source : '';
  const detailType = typeof event['detail-type'] === 'string' ? event['detail-type'] : '';
  const fromAws = source.startsWith('aws.');
  const bus = (put.bus ?? (fromAws ? 'default' : 'goldsmith')) === 'default' ? 'default' : cloud.goldsmithBus;
  // AWS services deliver their own events; no PutEvents, no bus policy (AWS refuses "aws." sources from callers).
  // Put by someone outside Goldsmith: a function's refusal of it by design is counted, not a failure (the audit).
  cloud.invoker.markOutside(event);
  if (fromAws && put.as === undefined) {
    cloud.bus.put(event, bus);
    return;
  }
  const as = put.as ?? (source === CI_SOURCE || detailType === DETAIL_TYPES.packageUpdate ? 'ci' : 'goldsmith');
  const principal =
    as === 'ci'
      ? ciPrincipal(cloud)
      : as === 'goldsmith'
        ? await goldsmithPrincipal(cloud, bus, source, detailType)
        : as;
  const refused = await cloud.busAuthorizer.authorize(principal, bus, source, detailType);
  if (refused) {
    cloud.refusedPuts.push({ at: cloud.clock.iso(), principal, bus, source, detailType, reason: refused.reason });
    return;
  }
  cloud.bus.put(event, bus);
}

/** CI's "Package Update" exactly as events/README.md tells CI to put it. */
export function ciPackageUpdate(
  cloud: LocalCloud,
  action: { package: string; version: string; images?: string[] | undefined },
): Record<string, unknown> {
  return {
    version: '0',
    id: `ci-${action.package}-${action.version}`,
    'detail-type': DETAIL_TYPES.packageUpdate,
    source: CI_SOURCE,
    account: LOCAL_ACCOUNT,
    time: cloud.clock.iso().replace(/\.\d{3}Z$/, 'Z'),
    region: cloud.catalog.organization.homeRegion,
    resources: [],
    detail: {
      package: action.package,
      version: action.version,
      ...(action.images ? { images: action.images } : {}),
    },
  };
}
