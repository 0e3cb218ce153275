import { skPrefix } from '../ledger/keys.js';
import { type GroupChunk, isGroupChunk, withChunkedGroups } from '../rollout/group-chunks.js';
import { type RolloutRecord, rolloutStates } from '../rollout/record.js';

/** Rollout records read back from ledger items: the one way every reader of rollout records reads them. */

/** A ledger item read as a rollout record, or undefined when it does not have the record's shape. */
export function rolloutRecordOf(item: Record<string, unknown>): RolloutRecord | undefined {
  const ok =
    typeof item.image === 'string' &&
    typeof item.channel === 'string' &&
    typeof item.version === 'string' &&
    rolloutStates.includes(item.state as RolloutRecord['state']) &&
    typeof item.currentWave === 'number' &&
    Array.isArray(item.waves);
  const skippedGroups = Array.isArray(item.skippedGroups) ? item.skippedGroups : [];
  return ok ? ({ ...item, skippedGroups } as unknown as RolloutRecord) : undefined;
}

/**
 * Every rollout record among ledger items (the rest are ignored), each wave's groups put back from the chunk items
 * beside it (core/rollout/group-chunks.ts): what every reader of rollout records reads them through.
 */
export function rolloutRecordsOf(items: readonly Record<string, unknown>[]): RolloutRecord[] {
  const rollouts = items.filter((i) => String(i.sk).startsWith(skPrefix.rollout));
  const chunks: GroupChunk[] = rollouts.filter(isGroupChunk);
  return rollouts.flatMap((item) => {
    const record = isGroupChunk(item) ? undefined : rolloutRecordOf(item);
    return record ? [withChunkedGroups(record, String(item.sk), chunks)] : [];
  });
}
