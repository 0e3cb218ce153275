import { skPrefix } from '../../core/ledger/keys.js';
import type { PointerChange } from '../../core/lifecycle/parent-at.js';
import { queryPrefix } from '../lifecycle/lifecycle-ledger.js';

/**
 * Every recorded change of one channel pointer of `image`: Publish's moves (`POINTER#<channel>#…`, the time
 * Parameter Store took it) and the rollbacks and withdrawals of revocation and operators (`ROLLBACK#<channel>#…`).
 * Two queries (paginated).
 */
export async function pointerChanges(image: string, channel: string): Promise<PointerChange[]> {
  const [moves, rollbacks] = await Promise.all([
    queryPrefix<{ at?: unknown; version?: unknown }>(image, `${skPrefix.pointerHistory}${channel}#`),
    queryPrefix<{ at?: unknown; to?: unknown }>(image, `ROLLBACK#${channel}#`),
  ]);
  return [
    ...moves.flatMap((m) =>
      typeof m.at === 'string' && typeof m.version === 'string' ? [{ at: m.at, version: m.version }] : [],
    ),
    ...rollbacks.flatMap((r) =>
      typeof r.at === 'string' ? [{ at: r.at, version: typeof r.to === 'string' ? r.to : null }] : [],
    ),
  ];
}
