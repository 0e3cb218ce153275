import { readImageViews } from '../../aws/ledger/image-view-index.js';
import { imagePk, imageViewIndex, imageViewKeys, inImageView } from '../../core/ledger/keys.js';
import { ProblemsByCheck } from './audit-problems.js';

type Item = Record<string, unknown>;

const IMAGE = imagePk('');

/**
 * The image-view index against the ledger at the end of a run: every build, approval and channel pointer of every
 * image carries the index keys its writer must set (`image-view-keys`), and the index answers with exactly those
 * items (`image-view-complete`). A writer that forgets the keys leaves an item out of the health gauges, which the
 * gauges cannot notice themselves. Counts the ledger items examined.
 */
export async function auditImageView(
  table: string,
  ledgerItems: readonly Item[],
): Promise<{ checks: Record<string, number>; problems: string[] }> {
  const problems = new ProblemsByCheck();
  const viewed = ledgerItems.filter((i) => {
    const pk = String(i.pk);
    const sk = String(i.sk);
    return pk.startsWith(IMAGE) && inImageView(sk);
  });
  const expected = new Set<string>();
  for (const item of viewed) {
    const want = imageViewKeys(String(item.pk).slice(IMAGE.length), String(item.sk));
    expected.add(`${String(item.pk)} ${String(item.sk)}`);
    if (item[imageViewIndex.partitionKey] !== want.view || item[imageViewIndex.sortKey] !== want.viewSk)
      problems.add('image-view-keys', `image-view-keys: ${String(item.pk)} ${String(item.sk)} lacks its index keys`);
  }
  const listed = new Set<string>();
  for (const items of (await readImageViews(table)).values())
    for (const i of items) listed.add(`${String(i.pk)} ${String(i.sk)}`);
  for (const key of expected)
    if (!listed.has(key)) problems.add('image-view-complete', `image-view-complete: ${key} is not in the index`);
  for (const key of listed)
    if (!expected.has(key)) problems.add('image-view-complete', `image-view-complete: ${key} is in the index only`);
  return {
    checks: { 'image-view-keys': viewed.length, 'image-view-complete': viewed.length },
    problems: problems.list(),
  };
}
