import type { StoredSlackMessage } from './types.js';

export interface Channel {
  id: string;
  name: string;
  messages: StoredSlackMessage[];
  /** chat.postMessage's per-channel bucket: about one message per second, with short bursts. */
  tokens: number;
  refilledAt: number;
}

export const BURST = 20;
const PER_SECOND = 1;

/** Takes one token from the channel's bucket (refilled for the time since the last take); false when it is empty. */
export function take(channel: Channel, now: number): boolean {
  channel.tokens = Math.min(BURST, channel.tokens + ((now - channel.refilledAt) / 1000) * PER_SECOND);
  channel.refilledAt = now;
  if (channel.tokens < 1) return false;
  channel.tokens -= 1;
  return true;
}
