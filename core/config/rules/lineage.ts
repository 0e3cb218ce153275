import { catalogImage, imageChannels, lineageCycles, parentImageName } from '../lineage.js';
import type { ImageSpec } from '../schema.js';
import { type CatalogRule, list } from './types.js';

/**
 * Parents that name a catalog image: the image and channel exist, the parent is promoted there, no cycles. Each
 * image is judged on its own `parent`: another image's bad field, or a bad channel name, hides no unknown parent.
 */
export const parentReferences: CatalogRule = (catalog, report, _files, sound) => {
  const namesSound = sound(['channels', '*', 'name']);
  // Read only when every channel's name is sound: a channel that is not an object (`null`) has none.
  const channelNames = new Set(namesSound ? catalog.channels.map((c) => c.name) : []);
  for (const [name, image] of Object.entries(catalog.images)) {
    // An image that is not an object (`null`) is reported by the schema; it has no parent to judge.
    if (typeof image !== 'object' || image === null) continue;
    if (typeof image.parent === 'string' || !sound(['images', name, 'parent'])) continue;
    const { image: parentName, channel } = image.parent;
    const parent = catalogImage(catalog, parentName);
    if (!parent) {
      report(
        ['images', name, 'parent', 'image'],
        `unknown image ${JSON.stringify(parentName)}${suggest(parentName, Object.keys(catalog.images))}`,
      );
    }
    if (!namesSound) continue;
    if (!channelNames.has(channel)) {
      report(
        ['images', name, 'parent', 'channel'],
        `unknown channel ${JSON.stringify(channel)}${suggest(channel, channelNames)}`,
      );
    } else if (
      parent &&
      sound(['images', parentName, 'channels']) &&
      !imageChannels(catalog, parentName).includes(channel)
    ) {
      report(
        ['images', name, 'parent', 'channel'],
        `image "${parentName}" is not promoted through channel "${channel}" (its channels: ${list(imageChannels(catalog, parentName))})`,
      );
    }
  }
  if (!sound(['images', '*', 'parent'])) return;
  for (const cycle of lineageCycles(catalog)) {
    report(['images', cycle[0] as string, 'parent'], `lineage cycle ${cycle.join(' → ')}`);
  }
};

/** A child is built in each of its regions from its parent's SSM pointer there, so its regions ⊆ its parent's. */
export const regionsWithinParent: CatalogRule = (catalog, report, _files, sound) => {
  for (const [name, image] of Object.entries(catalog.images)) {
    if (!sound(['images', name, 'regions'])) continue;
    image.regions.forEach((region, i) => {
      if (image.regions.indexOf(region) !== i) report(['images', name, 'regions', i], `duplicate region "${region}"`);
    });
    if (!sound(['images', name, 'parent'])) continue;
    const parentName = parentImageName(image);
    const parent = parentName === undefined ? undefined : catalogImage(catalog, parentName);
    if (!parent || !sound(['images', parentName ?? '', 'regions'])) continue;
    image.regions.forEach((region, i) => {
      if (!parent.regions.includes(region)) {
        report(
          ['images', name, 'regions', i],
          `region "${region}" is not among parent image "${parentName}"'s regions (${list(parent.regions)}); the parent's channel pointer is read from SSM in each region`,
        );
      }
    });
  }
};

/** An image's own `channels`: known, each once, in catalog order. */
export const imageChannelList: CatalogRule = (catalog, report, _files, sound) => {
  const order = catalog.channels.map((c) => c.name);
  for (const [name, image] of Object.entries(catalog.images) as [string, ImageSpec][]) {
    if (!sound(['images', name, 'channels'])) continue;
    let last = -1;
    image.channels?.forEach((channel, i) => {
      const at = order.indexOf(channel);
      const path = ['images', name, 'channels', i];
      if (at < 0) report(path, `unknown channel ${JSON.stringify(channel)}${suggest(channel, order)}`);
      else if (image.channels?.indexOf(channel) !== i) report(path, `duplicate channel "${channel}"`);
      else if (at < last)
        report(path, `"${channel}" is out of order: channels are promoted in catalog order (${order.join(' → ')})`);
      else last = at;
    });
  }
};

function suggest(value: string, known: Iterable<string>): string {
  const names = [...known];
  const close = names.find((n) => distance(n, value) <= 2);
  return close ? ` (did you mean "${close}"?)` : names.length ? ` (known: ${list(names)})` : '';
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j] as number;
      row[j] = Math.min(current + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}
