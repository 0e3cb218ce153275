import type { Catalog } from '../../core/config/schema.js';
import { SINKS, type Sink } from '../../core/notifications/sinks.js';

/**
 * The local cloud's stand-ins of the notification sinks (core/notifications/sinks.ts), by the sink's catalog key, as
 * the saved cloud keeps them (local/snapshot/fakes-state.ts): each under the name its sink declares. A stand-in no
 * sink declares is refused, as is a configured sink whose declared stand-in the cloud did not start: either would be
 * left out of a saved cloud, and a resumed one would post to a stand-in holding nothing of the saved state.
 */
export function sinkStandInParts(
  notifications: Catalog['notifications'],
  standIns: Readonly<Record<string, object>>,
  sinks: readonly Sink[] = SINKS,
): Record<string, object> {
  const parts: Record<string, object> = {};
  for (const [key, standIn] of Object.entries(standIns)) {
    const name = sinks.find((s) => s.key === key)?.standIn;
    if (!name) {
      throw new Error(
        `the local cloud runs a stand-in for notifications.${key}, but no sink in core/notifications/sinks.ts declares one`,
      );
    }
    parts[name] = standIn;
  }
  const missing = sinks.filter((s) => s.standIn && s.announces(notifications) && !(s.key in standIns));
  if (missing.length > 0) {
    throw new Error(
      `the catalog configures ${missing.map((s) => `notifications.${s.key}`).join(', ')}, but the local cloud started no stand-in for it`,
    );
  }
  return parts;
}
