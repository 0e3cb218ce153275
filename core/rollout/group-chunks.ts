import type { RolloutGroup, RolloutRecord, RolloutWave } from './record.js';

/**
 * A wave's ready groups live in chunk items of their own beside the rollout record (`<record sk>#WAVE#<i>#GROUPS#<k>`),
 * the record keeping per wave only how many chunks there are and the groups counted by status: 1,200 groups with
 * 255-character names (Auto Scaling's limit) are ≈ 560 KB, past DynamoDB's 400 KB item
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html). Chunks hold a fixed number
 * of groups, so a group stays in the same chunk as its status changes and a retried step rewrites the same chunks.
 * Pure: aws/rollout/rollout-ledger.ts writes and reads them.
 */

/**
 * Groups a chunk holds: at most 255 characters of name, two status reasons of at most 1,023
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstanceRefresh.html) and the ids, ≈ 2.7 KB a group
 * at most, ≈ 270 KB a chunk.
 */
export const GROUPS_PER_CHUNK = 100;

/** The chunk items' sort keys start with the record's own, then this. */
export const chunkSkOf = (recordSk: string, wave: number, chunk: number): string =>
  `${recordSk}#WAVE#${wave}#GROUPS#${chunk}`;

/** One chunk of a wave's groups, as the ledger holds it (besides pk and sk). */
export interface GroupChunk {
  kind: 'rollout-groups';
  /** The sort key of the rollout record it belongs to. */
  of: string;
  wave: number;
  chunk: number;
  groups: RolloutGroup[];
}

export function chunksOf(recordSk: string, waves: readonly RolloutWave[]): (GroupChunk & { sk: string })[] {
  return waves.flatMap((w, wave) => {
    const out: (GroupChunk & { sk: string })[] = [];
    for (let chunk = 0; chunk * GROUPS_PER_CHUNK < w.groups.length; chunk += 1) {
      const groups = w.groups.slice(chunk * GROUPS_PER_CHUNK, (chunk + 1) * GROUPS_PER_CHUNK);
      out.push({ sk: chunkSkOf(recordSk, wave, chunk), kind: 'rollout-groups', of: recordSk, wave, chunk, groups });
    }
    return out;
  });
}

/** How many of a wave's groups AWS last reported in each status. */
export function countByStatus(groups: readonly RolloutGroup[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const g of groups) counts[g.status] = (counts[g.status] ?? 0) + 1;
  return counts;
}

/** The waves as the record holds them: no groups, their chunk count and their counts by status. */
export function storedWaves(waves: readonly RolloutWave[]): RolloutWave[] {
  return waves.map((w) => ({
    ...w,
    groups: [],
    groupChunks: Math.ceil(w.groups.length / GROUPS_PER_CHUNK),
    groupsByStatus: countByStatus(w.groups),
  }));
}

/** Is this ledger item a chunk of a rollout's groups? */
export function isGroupChunk(item: Record<string, unknown>): item is Record<string, unknown> & GroupChunk {
  return (
    item.kind === 'rollout-groups' &&
    typeof item.of === 'string' &&
    typeof item.wave === 'number' &&
    typeof item.chunk === 'number' &&
    Array.isArray(item.groups)
  );
}

/**
 * The record with each wave's groups put back from its chunks (`chunks`: any of the ledger's, others are ignored),
 * in order; a wave the record holds no chunk count for keeps the groups it holds itself.
 * @throws Error when a chunk the record counts is missing: the record must not be read with groups left out.
 */
export function withChunkedGroups(
  record: RolloutRecord,
  recordSk: string,
  chunks: readonly GroupChunk[],
): RolloutRecord {
  const mine = new Map(chunks.filter((c) => c.of === recordSk).map((c) => [`${c.wave}#${c.chunk}`, c.groups]));
  const waves = record.waves.map((w, wave) => {
    if (typeof w.groupChunks !== 'number') return { ...w, groups: w.groups ?? [] };
    const groups: RolloutGroup[] = [];
    for (let chunk = 0; chunk < w.groupChunks; chunk += 1) {
      const found = mine.get(`${wave}#${chunk}`);
      if (!found) throw new Error(`rollout ${recordSk}: the groups of wave ${wave} (chunk ${chunk}) are missing`);
      groups.push(...found);
    }
    return { ...w, groups };
  });
  return { ...record, waves };
}
