import type { EventOf } from '../../events/catalog.js';
import type { Change } from './change.js';

/** The parsed inputs start-builds acts on, as the events registry tags them. */
export type TriggerInput =
  | { kind: 'scheduled-build'; event: EventOf<'scheduled-build'> }
  | { kind: 'base-image-changed'; event: EventOf<'base-image-changed'> }
  | { kind: 'package-version-state-change'; event: EventOf<'package-version-state-change'> }
  | { kind: 'package-update'; event: EventOf<'package-update'> }
  | { kind: 'image-promoted'; event: EventOf<'image-promoted'> }
  | { kind: 'image-rebuild-requested'; event: EventOf<'image-rebuild-requested'> };

/**
 * The change a parsed trigger event describes, or a reason it describes none. Pure: the Amazon Linux notice,
 * which needs the parameters' current values, is resolved at the edge instead.
 */
export function changeFromEvent(input: TriggerInput): Change | { ignored: string } {
  switch (input.kind) {
    case 'scheduled-build':
      return { kind: 'schedule', image: input.event.image, scheduledTime: input.event.window };
    case 'base-image-changed': {
      const d = input.event.detail;
      return {
        kind: 'base-image',
        parameter: d.parameter,
        region: d.region,
        amiId: d.current,
        observedAt: d.observedAt,
      };
    }
    case 'package-version-state-change': {
      const d = input.event.detail;
      // Only a published version is a release; unfinished uploads, unlisting and deletions build nothing.
      if (d.packageVersionState !== 'Published' || d.operationType === 'Deleted') {
        return {
          ignored: `package ${d.packageName}@${d.packageVersion} is ${d.packageVersionState} (${d.operationType})`,
        };
      }
      return {
        kind: 'package',
        name: d.packageName,
        version: d.packageVersion,
        source: 'codeartifact',
        observedAt: input.event.time,
      };
    }
    case 'package-update': {
      const d = input.event.detail;
      return {
        kind: 'package',
        name: d.package,
        version: d.version,
        source: 'ci',
        ...(d.images === undefined ? {} : { images: d.images }),
        observedAt: input.event.time,
      };
    }
    case 'image-rebuild-requested': {
      const d = input.event.detail;
      return {
        kind: 'manual',
        image: d.image,
        requestId: d.requestId,
        requestedBy: d.requestedBy,
        requestedAt: d.requestedAt,
      };
    }
    case 'image-promoted': {
      const d = input.event.detail;
      return {
        kind: 'cascade',
        parent: d.image,
        channel: d.channel,
        buildVersion: d.version,
        promotedAt: d.promotedAt,
      };
    }
  }
}
