import { allowedAmisReferences } from './allowed-amis.js';
import { approversCanDecide, approversToldOfRequests } from './approvers.js';
import { approverAddresses, channelTargets, promotionFitsOneExecution, uniqueChannelNames } from './channels.js';
import { componentFiles } from './components.js';
import { homeRegionServesFunctionUrls } from './home-region.js';
import { imageKinds } from './kinds.js';
import { imageChannelList, parentReferences, regionsWithinParent } from './lineage.js';
import { rolloutWaves } from './rollout.js';
import type { CatalogRule } from './types.js';

export type { CatalogRule, ComponentFiles, Report } from './types.js';

/**
 * A cross-field rule and the fields it reads, as dotted paths where `*` stands for any key or index. A rule runs
 * unless a field it reads (or one inside or around it) failed its own check, so one bad field hides only the
 * checks that depend on it.
 */
export interface RegisteredRule {
  readonly rule: CatalogRule;
  readonly reads: readonly string[];
}

/** Every cross-field rule, in the order their problems are listed. */
export const catalogRules: readonly RegisteredRule[] = [
  { rule: homeRegionServesFunctionUrls, reads: ['organization.homeRegion'] },
  { rule: parentReferences, reads: ['images.*.parent', 'images.*.channels', 'channels.*.name'] },
  { rule: regionsWithinParent, reads: ['images.*.regions', 'images.*.parent'] },
  { rule: imageChannelList, reads: ['images.*.channels', 'channels.*.name'] },
  { rule: imageKinds, reads: ['images.*.kind', 'images.*.parent', 'images.*.repository', 'images.*.retention'] },
  { rule: componentFiles, reads: ['images.*.kind', 'images.*.components', 'images.*.tests'] },
  { rule: uniqueChannelNames, reads: ['channels.*.name'] },
  { rule: channelTargets, reads: ['channels.*.targets'] },
  { rule: promotionFitsOneExecution, reads: ['channels.*.approval', 'channels.*.soak'] },
  { rule: approverAddresses, reads: ['channels.*.approval.approvers', 'notifications.approvers'] },
  {
    rule: approversCanDecide,
    reads: [
      'channels.*.name',
      'channels.*.approval.approvers',
      'notifications.approvers',
      'notifications.email',
      'notifications.slack',
      'access.approvers',
    ],
  },
  { rule: rolloutWaves, reads: ['channels.*.targets', 'channels.*.rollout'] },
  { rule: allowedAmisReferences, reads: ['allowedAmis', 'images', 'channels.*.name'] },
];

/** Rules whose findings are warnings: the catalog works, but probably not as meant. They run on valid catalogs. */
export const catalogWarningRules: readonly CatalogRule[] = [approversToldOfRequests];

/** Whether a rule reading these fields may run, given the paths of the fields that failed their own checks. */
export function readsOnlySound(reads: readonly string[], failed: readonly (readonly PropertyKey[])[]): boolean {
  return reads.every((read) => {
    const pattern = read.split('.');
    return !failed.some((path) => {
      const shared = Math.min(pattern.length, path.length);
      for (let k = 0; k < shared; k += 1) {
        if (pattern[k] !== '*' && pattern[k] !== String(path[k])) return false;
      }
      return true;
    });
  });
}
