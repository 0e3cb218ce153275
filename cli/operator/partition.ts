import type { LedgerItem } from '../../core/status/image-view.js';
import { ledgerTableName } from '../../stacks/names.js';
import type { Where } from './options.js';

/** One ledger partition by its key (`ORG`, `COMPLIANCE`), from the saved snapshot or the stage's table. */
export async function partitionOf(where: Where, pk: string): Promise<LedgerItem[]> {
  if (where.kind === 'local') return where.state.snapshot.ledger.filter((i) => i.pk === pk);
  process.env.AWS_REGION ??= where.region;
  const { readPartition } = await import('../../aws/ledger/image-partition.js');
  return readPartition(pk, ledgerTableName(where.stage));
}
