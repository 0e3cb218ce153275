import type { Catalog } from '../config/schema.js';
import { affectedImages, parametersForNotice } from '../triggers/affected.js';
import { type Change, changeIdOf } from '../triggers/change.js';
import { decideBuilds } from '../triggers/decide.js';
import { changeFromEvent, type TriggerInput } from '../triggers/from-events.js';

/** An Amazon Linux AMI-update notice: only the topics matter, the AMI is read from SSM at run time. */
export interface AmiUpdateNotice {
  topicArns: readonly string[];
}

/** The images a change names by name (not by what they are built from), whether or not the catalog has them. */
function namedImages(change: Change): readonly string[] {
  switch (change.kind) {
    case 'schedule':
    case 'manual':
      return [change.image];
    case 'cascade':
      return [change.parent];
    case 'package':
      return change.images ?? [];
    default:
      return [];
  }
}

function describeDecisions(catalog: Catalog, change: Change): string[] {
  // explain reads no ledger and no pipeline: nothing is running and this change was never seen.
  const decisions = decideBuilds({ change, catalog, running: new Map(), markers: new Map() });
  if (decisions.length === 0) {
    const unknown = namedImages(change).filter((image) => !Object.hasOwn(catalog.images, image));
    if (unknown.length > 0) {
      const names = unknown.map((i) => `"${i}"`).join(', ');
      return [
        `would start no build: the event names ${names}, which the catalog does not have ` +
          `(it has: ${Object.keys(catalog.images).join(', ')}); check the image name in the event`,
      ];
    }
    return [`would start no build: no catalog image is affected by ${changeIdOf(change)}`];
  }
  return decisions.map((d) =>
    d.outcome === 'start'
      ? `would start build of ${d.image} (trigger ${d.trigger}, dedupe key ${d.dedupeKey}, client token ${d.clientToken})`
      : `would skip ${d.image}: ${d.reason}`,
  );
}

/**
 * What start-builds would do with a trigger event: the change it describes, then one line per build decision
 * (start, with trigger, dedupe key and client token; or skip, with the reason), or why it builds nothing.
 */
export function describeTrigger(catalog: Catalog, input: TriggerInput): string[] {
  const change = changeFromEvent(input);
  if ('ignored' in change) return [`would start no build: ${change.ignored}`];
  return describeDecisions(catalog, change);
}

/**
 * What start-builds would do with an Amazon Linux AMI-update notice: read each watched parameter the topic
 * announces (the notice names no AMI), then decide builds of the images on it as a base-image change.
 */
export function describeAmiUpdate(catalog: Catalog, notice: AmiUpdateNotice): string[] {
  const region = catalog.organization.homeRegion;
  const lines = notice.topicArns.flatMap((topicArn) =>
    parametersForNotice(catalog, topicArn).map((parameter) => {
      const images = affectedImages(catalog, {
        kind: 'base-image',
        parameter,
        region,
        // Stryker disable next-line StringLiteral: affectedImages reads the parameter and Region of a change, not its AMI
        amiId: '(current)',
        // Stryker disable next-line StringLiteral: nor its time
        observedAt: '',
      });
      return `would read ${parameter} in ${region} (SSM) and decide builds of ${images.join(', ')} on its current AMI`;
    }),
  );
  return lines.length > 0 ? lines : ['would start no build: no watched parameter is announced by this topic'];
}
