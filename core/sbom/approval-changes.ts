import type { ApprovalChanges } from '../../events/approval-changes.js';
import type { LedgerItem } from '../status/ledger-item.js';
import { changesUnknown, firstInChannel, summariseDiff } from './approval-summary.js';
import type { ImageContent, VersionDiff, VersionFinding } from './model.js';

/**
 * What an approval request says its version changes against the channel's current version, from the ledger's items
 * of both versions (`CONTENT#`, `INVENTORY#`, `SCAN#`). Never throws for what is missing: a channel's first version
 * says so, and a side without recorded content makes "changes unknown: <why>" (the request still goes out). Pure.
 */

/** The readers and the diff this takes (core/sbom/ledger-content.ts, core/sbom/diff.ts). */
export interface SbomReaders {
  contentOf(items: readonly LedgerItem[], version: string): ImageContent | undefined;
  scanFindingsOf(items: readonly LedgerItem[], version: string): VersionFinding[] | undefined;
  diffVersions(
    from: ImageContent,
    to: ImageContent,
    findings: { from: VersionFinding[]; to: VersionFinding[]; earlier?: VersionFinding[] },
  ): VersionDiff;
  diffDigest(diff: VersionDiff): string;
}

export interface ApprovalChangesInput {
  image: string;
  /** The version to approve. */
  version: string;
  channel: string;
  /** The version the channel holds now (its pointer), undefined before its first promotion. */
  current: string | undefined;
  /** The stage, for the diff command. */
  stage: string;
  /** The image's ledger items: at least both versions' CONTENT#, INVENTORY# and SCAN# items, and earlier SCAN# items. */
  items: readonly LedgerItem[];
  /** Orders build versions (negative when `a` is older). */
  compare(a: string, b: string): number;
}

/** The versions whose `SCAN#<version>` items the ledger holds. */
function scannedVersions(items: readonly LedgerItem[]): string[] {
  const versions = new Set<string>();
  for (const item of items) {
    if (item.kind === 'scan' && typeof item.version === 'string') versions.add(item.version);
  }
  return [...versions];
}

/** The approval request's `changes` (events/approval-changes.ts). */
export function approvalChangesOf(input: ApprovalChangesInput, readers: SbomReaders): ApprovalChanges {
  const { image, version, channel, current, items } = input;
  if (current === undefined) return firstInChannel(channel);
  const from = readers.contentOf(items, current);
  const to = readers.contentOf(items, version);
  const missing = [...(from ? [] : [current]), ...(to ? [] : [version])];
  if (!from || !to) {
    return changesUnknown(`no content recorded for ${image} ${missing.join(' and ')}`, current);
  }
  const fromFindings = readers.scanFindingsOf(items, current);
  const toFindings = readers.scanFindingsOf(items, version);
  const unscanned = [...(fromFindings ? [] : [current]), ...(toFindings ? [] : [version])];
  // Findings fixed before in the image's history: every scan older than the channel's current version.
  const earlier = scannedVersions(items)
    .filter((v) => input.compare(v, current) < 0)
    .flatMap((v) => readers.scanFindingsOf(items, v) ?? []);
  // Without both scans the findings are not compared (either side's would all read as fixed or new).
  const findings = fromFindings && toFindings ? { from: fromFindings, to: toFindings, earlier } : { from: [], to: [] };
  const diff = readers.diffVersions(from, to, findings);
  const why = unscanned.length > 0 ? `no scan recorded for ${unscanned.join(' and ')}` : undefined;
  return summariseDiff(diff, readers.diffDigest(diff), input.stage, why);
}
