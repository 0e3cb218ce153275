import { recordOutOfCycle } from '../../aws/lifecycle/lifecycle-ledger.js';
import { putEvent } from '../../aws/promotion/promotion-images.js';
import { REBUILD_REQUEST } from '../../core/triggers/change.js';
import type { ImageRebuildRequestedDetail } from '../../events/image-rebuild-requested.js';
import { DETAIL_TYPES, GOLDSMITH_SOURCE } from '../../events/sources.js';

/**
 * A new finding over policy on a live version: records it (`OUTOFCYCLE#<version>`, with the finding's time, so
 * the time to a patched version in each channel can be measured), then asks start-builds for a rebuild of the image
 * now; its promotion then cascades to the children as any promotion does. Once per version: the request id is
 * derived from the version, so a re-delivered finding builds nothing twice.
 */
export async function requestOutOfCycleRebuild(input: {
  image: string;
  version: string;
  channels: string[];
  reason: string;
  at: string;
  busName: string;
}): Promise<void> {
  // start-builds announces the build it starts (or why it skips), with this reason.
  await recordOutOfCycle({
    image: input.image,
    version: input.version,
    channels: input.channels,
    reason: input.reason,
    findingAt: input.at,
  });
  const reason = `${input.image} ${input.version}, live in ${input.channels.join(', ')}: ${input.reason}`;
  const detail: ImageRebuildRequestedDetail = {
    image: input.image,
    requestId: `${REBUILD_REQUEST.cve}${input.version}`,
    reason,
    requestedBy: 'goldsmith',
    requestedAt: input.at,
  };
  await putEvent(input.busName, GOLDSMITH_SOURCE, DETAIL_TYPES.imageRebuildRequested, detail);
}
