import { KEY_ROTATIONS_PK, type KeyRotationRecord, keyRotationSk } from '../../core/trust/key-rotations.js';
import { readPartition } from '../ledger/image-partition.js';
import { putItemOnce } from '../ledger/ledger-writes.js';

/** Every rotation the ledger records (one Query of the key partition, every page). */
export async function keyRotations(): Promise<KeyRotationRecord[]> {
  return (await readPartition(KEY_ROTATIONS_PK)) as unknown as KeyRotationRecord[];
}

/** Records a rotation, once (a retried request writes nothing). @returns false when it was recorded before. */
export async function recordKeyRotation(rotation: KeyRotationRecord): Promise<boolean> {
  const [first] = rotation.keys;
  if (!first) return false;
  return putItemOnce({ pk: KEY_ROTATIONS_PK, sk: keyRotationSk(first.versionId), kind: 'key-rotation', ...rotation });
}
