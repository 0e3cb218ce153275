import { allowedAmisReferences } from './allowed-amis.js';
import { approverAddresses, channelTargets, promotionFitsOneExecution, uniqueChannelNames } from './channels.js';
import { componentFiles } from './components.js';
import { homeRegionServesFunctionUrls } from './home-region.js';
import { imageKinds } from './kinds.js';
import { imageChannelList, parentReferences, regionsWithinParent } from './lineage.js';
import type { CatalogRule } from './types.js';

export type { CatalogRule, ComponentFiles, Report } from './types.js';

/** Every cross-field rule, in the order their problems are listed. */
export const catalogRules: readonly CatalogRule[] = [
  homeRegionServesFunctionUrls,
  parentReferences,
  regionsWithinParent,
  imageChannelList,
  imageKinds,
  componentFiles,
  uniqueChannelNames,
  channelTargets,
  promotionFitsOneExecution,
  approverAddresses,
  allowedAmisReferences,
];
