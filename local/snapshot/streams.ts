import { continueRequestIdsFrom, requestIdsIssued } from '../fakes/common.js';
import type { LocalCloud } from '../simulator/cloud-types.js';

/**
 * Where each of the cloud's seeded random streams stands (cloud-types.ts `randoms`), and how many request ids the
 * fakes handed out (`requestIds`: SNS message ids and Image Builder's event ids are drawn from them).
 */
export type StreamPositions = Record<string, number>;

const REQUEST_IDS = 'requestIds';

export function streamPositions(cloud: LocalCloud): StreamPositions {
  return {
    ...Object.fromEntries(Object.entries(cloud.randoms).map(([name, stream]) => [name, stream.position()])),
    [REQUEST_IDS]: requestIdsIssued(),
  };
}

/**
 * Sets a fresh cloud's streams where a saved one's stood: it then draws the same faults, drops, repeats, jitter and
 * ids from there on as the saved cloud would have. A stream missing on either side is refused, naming it.
 */
export function seekStreams(cloud: LocalCloud, positions: StreamPositions): void {
  const names = [...Object.keys(cloud.randoms), REQUEST_IDS].sort();
  const saved = Object.keys(positions).sort();
  if (names.join() !== saved.join())
    throw new Error(`saved random streams (${saved.join(', ')}) are not this cloud's (${names.join(', ')})`);
  for (const [name, stream] of Object.entries(cloud.randoms)) stream.seek(positions[name] ?? 0);
  continueRequestIdsFrom(positions[REQUEST_IDS] ?? 0);
}
