import { readApprovalSbomItems } from '../../aws/promotion/approval-sbom-items.js';
import { getChannelPointer } from '../../aws/promotion/channel-pointers.js';
import { compareBuildVersions } from '../../core/promotion/naming.js';
import { approvalChangesOf, type SbomReaders } from '../../core/sbom/approval-changes.js';
import { changesUnknown, firstInChannel } from '../../core/sbom/approval-summary.js';
import { diffDigest, diffVersions } from '../../core/sbom/diff.js';
import { contentOf, scanFindingsOf } from '../../core/sbom/ledger-content.js';
import type { ApprovalChanges } from '../../events/approval-changes.js';
import { logger } from '../lib/powertools.js';

const READERS: SbomReaders = { contentOf, scanFindingsOf, diffVersions, diffDigest };

/** The stage the diff command names (`GOLDSMITH_STAGE`, set by the stacks). */
function stage(): string {
  const value = process.env.GOLDSMITH_STAGE;
  if (!value) throw new Error('GOLDSMITH_STAGE is not set');
  return value;
}

/**
 * What `version` changes against the version `channel` holds now (its `CHANNEL#` pointer), for the approval request:
 * the diff of the two versions' recorded contents and scans, summarised (core/sbom/approval-changes.ts). It never
 * keeps the request from going out: a channel's first version says so, missing content says "changes unknown", and a
 * ledger that cannot be read says that, as the reason.
 */
export async function changesForApproval(image: string, version: string, channel: string): Promise<ApprovalChanges> {
  let current: string | undefined;
  try {
    current = (await getChannelPointer(image, channel))?.version;
    if (current === undefined) return firstInChannel(channel);
    const items = await readApprovalSbomItems(image, [current, version]);
    return approvalChangesOf(
      { image, version, channel, current, stage: stage(), items, compare: compareBuildVersions },
      READERS,
    );
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    logger.warn('approval request without its changes: the ledger could not be read', { image, version, why });
    return changesUnknown(`the ledger could not be read (${why})`, current);
  }
}
