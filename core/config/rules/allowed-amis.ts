import { imagesFor, selectedChannels } from '../../allowed-amis/criteria.js';
import { type CatalogRule, list } from './types.js';

/**
 * The Allowed AMIs switch names channels the catalog has, and an AMI image goes through them: a policy with no
 * Goldsmith image in it would only block.
 */
export const allowedAmisReferences: CatalogRule = (catalog, report, _files, sound) => {
  const spec = catalog.allowedAmis;
  if (!spec) return;
  const names = catalog.channels.map((c) => c.name);
  const unknown = (spec.channels ?? []).filter((c) => !names.includes(c));
  spec.channels?.forEach((channel, i) => {
    if (!names.includes(channel)) {
      report(['allowedAmis', 'channels', i], `unknown channel "${channel}" (the catalog has: ${list(names)})`);
    }
  });
  // Which images go through them is judged only on images whose kind and channels passed their own checks.
  const imagesSound = sound(['images', '*', 'kind']) && sound(['images', '*', 'channels']);
  if (unknown.length === 0 && imagesSound && imagesFor(catalog, selectedChannels(catalog, spec)).length === 0) {
    report(
      spec.channels ? ['allowedAmis', 'channels'] : ['allowedAmis'],
      'no AMI image goes through these channels: the criteria would allow no Goldsmith image, only block',
    );
  }
};
