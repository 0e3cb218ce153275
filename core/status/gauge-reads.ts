/**
 * Which promotion outcomes the health gauges need, so the gauges read those few items instead of an image's whole
 * outcome history (which grows by one item per channel decision, forever). Pure.
 *
 * The gauges (functions/health.ts, `gaugesOf`) use a channel's outcomes in two places only, both in `imageView`:
 * an approval is open when it has no decision, has not expired and its version has no outcome for that channel;
 * and a channel's lag counts the AVAILABLE builds newer than its pointer that no channel up to it refused. So the
 * outcomes that can change a gauge are those of open-looking approvals and of builds newer than some pointer.
 */
import { compareBuildVersions, type LedgerItem, fieldText as str } from './image-view.js';

/** A channel decision's key parts: `PROMOTION#<version>#<channel>`. */
export interface OutcomeRef {
  version: string;
  channel: string;
}

/**
 * The outcomes the gauges need, given an image's builds, approvals and channel pointers (the `APPROVAL#`…`CHANNEL#`
 * items) and its channels in promotion order. Each reference once, in a stable order.
 */
export function outcomesGaugesNeed(channels: readonly string[], items: readonly LedgerItem[], now: Date): OutcomeRef[] {
  const refs = new Map<string, OutcomeRef>();
  const want = (version: string, channel: string) => refs.set(`${version}#${channel}`, { version, channel });
  for (const a of items) {
    if (!str(a, 'sk').startsWith('APPROVAL#') || a.decision !== undefined) continue;
    if (Date.parse(str(a, 'expiresAt')) > now.getTime()) want(str(a, 'version'), str(a, 'channel'));
  }
  const available = items
    .filter((b) => str(b, 'sk').startsWith('BUILD#'))
    .filter((b) => (b.statusesSeen instanceof Set ? b.statusesSeen.has('AVAILABLE') : str(b, 'status') === 'AVAILABLE'))
    .map((b) => str(b, 'buildVersion'));
  channels.forEach((channel, index) => {
    const pointer = items.find((i) => str(i, 'sk') === `CHANNEL#${channel}`);
    const newer = available.filter(
      (v) => pointer === undefined || compareBuildVersions(v, str(pointer, 'version')) > 0,
    );
    for (const version of newer) for (const c of channels.slice(0, index + 1)) want(version, c);
  });
  return [...refs.values()];
}
