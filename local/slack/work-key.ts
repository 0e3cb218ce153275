import { createHash } from 'node:crypto';

/**
 * One piece of work a request carries: the announcement a post carries (its first block's id), the message an update
 * edits, else the message's content (its thread aside: a late post may start one).
 */
export function workKey(url: string | undefined, text: string): string {
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: the key is the method alone
  }
  if (url?.endsWith('chat.update')) return `update ${String(body.ts)}`;
  const first = Array.isArray(body.blocks) ? (body.blocks[0] as { block_id?: unknown } | undefined) : undefined;
  if (typeof first?.block_id === 'string') return first.block_id;
  return createHash('sha256')
    .update(JSON.stringify([body.text, body.blocks]))
    .digest('hex')
    .slice(0, 24);
}
