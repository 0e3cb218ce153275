import { allowedAmisReferences } from './allowed-amis.js';
import { approversCanDecide, approversToldOfRequests } from './approvers.js';
import { componentPlatforms, instanceTypesRunImage, unknownInstanceTypes } from './build-platforms.js';
import { approverAddresses, channelTargets, promotionFitsOneExecution, uniqueChannelNames } from './channels.js';
import { componentFiles } from './components.js';
import { homeRegionServesFunctionUrls } from './home-region.js';
import { imageKinds } from './kinds.js';
import { imageChannelList, parentReferences, regionsWithinParent } from './lineage.js';
import { imagePlatforms } from './platforms.js';
import { rolloutWaves } from './rollout.js';
import type { CatalogRule } from './types.js';

export type { CatalogRule, ComponentFiles, Report } from './types.js';

/**
 * A cross-field rule and the fields it reads throughout, as dotted paths where `*` stands for any key or index. A
 * rule runs unless a field it reads (or one inside or around it) failed its own check, so one bad field hides only
 * the checks that depend on it; a rule that judges each image or channel on its own fields asks `sound` per item
 * instead, and lists none of them here (one image's bad field hides no other image's problem).
 */
export interface RegisteredRule {
  readonly rule: CatalogRule;
  readonly reads: readonly string[];
  /** The sections a rule judges item by item (`images`, `channels`): each must be there as a whole for it to run. */
  readonly over?: readonly ('images' | 'channels')[];
}

/** Every cross-field rule, in the order their problems are listed. */
export const catalogRules: readonly RegisteredRule[] = [
  { rule: homeRegionServesFunctionUrls, reads: ['organization.homeRegion'] },
  { rule: parentReferences, reads: [], over: ['images', 'channels'] },
  { rule: regionsWithinParent, reads: [], over: ['images'] },
  { rule: imageChannelList, reads: ['channels.*.name'], over: ['images'] },
  { rule: imageKinds, reads: [], over: ['images'] },
  { rule: componentFiles, reads: [], over: ['images'] },
  { rule: imagePlatforms, reads: [], over: ['images'] },
  { rule: componentPlatforms, reads: [], over: ['images'] },
  { rule: instanceTypesRunImage, reads: [], over: ['images'] },
  { rule: uniqueChannelNames, reads: ['channels.*.name'] },
  { rule: channelTargets, reads: [], over: ['channels'] },
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
  { rule: rolloutWaves, reads: [], over: ['channels'] },
  { rule: allowedAmisReferences, reads: ['allowedAmis', 'channels.*.name'], over: ['images'] },
];

/** Rules whose findings are warnings: the catalog works, but probably not as meant. They run on valid catalogs. */
export const catalogWarningRules: readonly CatalogRule[] = [approversToldOfRequests, unknownInstanceTypes];

/** Whether a rule reading these fields may run, given the paths of the fields that failed their own checks. */
export function readsOnlySound(reads: readonly string[], failed: readonly (readonly PropertyKey[])[]): boolean {
  return reads.every((read) => pathSound(read.split('.'), failed));
}

/**
 * Whether the field at `pattern` (segment by segment, `*` for any key or index) is sound: no failed path lies at it,
 * inside it or around it. Compared by segment, so that a key with a dot in it (an image named "a.b") is one segment.
 */
export function pathSound(pattern: readonly PropertyKey[], failed: readonly (readonly PropertyKey[])[]): boolean {
  return !failed.some((path) => {
    const shared = Math.min(pattern.length, path.length);
    for (let k = 0; k < shared; k += 1) {
      if (pattern[k] !== '*' && String(pattern[k]) !== String(path[k])) return false;
    }
    return true;
  });
}

/** Whether each section a rule judges item by item is there as a whole: no failure at it or above it. */
export function sectionsThere(over: readonly string[], failed: readonly (readonly PropertyKey[])[]): boolean {
  return over.every(
    (section) => !failed.some((path) => path.length === 0 || (path.length === 1 && path[0] === section)),
  );
}
