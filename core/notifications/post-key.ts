import { createHash } from 'node:crypto';
import type { Notification } from '../../events/notification.js';
import { canonical } from '../canonical-json.js';

/**
 * The key a post of announcement `n` is claimed under (once per key): its id and a digest of what it says. The id
 * alone is predictable (a hash of event, subject and key: core/notifications/announce.ts), so a message published
 * first under a later announcement's id would otherwise claim it and silence the real one; with the content's digest
 * a claim only ever silences a copy of the same message. `at` is left out: the same announcement made again by a
 * retried step is the same post.
 */
export function postKeyOf(n: Notification): string {
  const { at: _at, ...said } = n;
  return `${n.id}#${createHash('sha256').update(canonical(said)).digest('base64url').slice(0, 22)}`;
}

/** The announcement id a post key was made from. */
export function announcementIdOfPostKey(key: string): string {
  return key.split('#')[0] ?? key;
}
