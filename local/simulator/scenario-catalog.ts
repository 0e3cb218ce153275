import type { Catalog } from '../../core/config/schema.js';
import type { Scenario } from './scenario.js';

/**
 * The images and channels a scenario names that its catalog does not define, as `scenario.<path>: …` lines: a
 * scenario written for another catalog is refused before the run, not halfway through it.
 */
export function scenarioCatalogProblems(scenario: Scenario, catalog: Catalog): string[] {
  const images = Object.keys(catalog.images);
  const channels = catalog.channels.map((c) => c.name);
  const problems: string[] = [];
  const check = (path: string, image: unknown, channel: unknown) => {
    if (typeof image === 'string' && !images.includes(image))
      problems.push(`scenario.${path}.image: no image "${image}" in the catalog (it has ${images.join(', ')})`);
    if (typeof channel === 'string' && !channels.includes(channel))
      problems.push(`scenario.${path}.channel: no channel "${channel}" in the catalog (it has ${channels.join(', ')})`);
  };
  scenario.events.forEach((event, i) => {
    check(`events.${i}`, event.filter.image, event.filter.channel);
    const action = event.action as { image?: unknown; channel?: unknown };
    if (!('event' in event.action) && event.action.kind !== 'operator')
      check(`events.${i}`, action.image, action.channel);
  });
  scenario.fleets.forEach((fleet, i) => {
    check(`fleets.${i}`, fleet.image, fleet.channel);
  });
  return [...new Set(problems)];
}
