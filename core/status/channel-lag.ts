import { compareBuildVersions } from '../promotion/naming.js';
import { fieldText } from './ledger-item.js';

/**
 * How far a channel lags: the builds newer than its pointer that could still reach it (docs/operating.md, `goldsmith
 * status`). Pure: `imageView` calls it with one image's partition.
 */

type Item = Record<string, unknown>;

const str = fieldText;

/** Whether a build item reached AVAILABLE (from the statuses it went through when the item keeps them). */
const reachedAvailable = (b: Item): boolean =>
  b.statusesSeen instanceof Set ? b.statusesSeen.has('AVAILABLE') : str(b, 'status') === 'AVAILABLE';

/**
 * The versions newer than `pointer` (all of them without one) that could still be promoted to `channels[index]`:
 * - AVAILABLE: a build still building or that failed has nothing to promote yet, or ever;
 * - not revoked (withdrawn everywhere) and not flagged (built on revoked content: held out of every further channel);
 * - no recorded outcome other than `promoted` at a channel before this one, nor any outcome at this one: a version
 *   rejected, expired or aborted on its way never gets here, and one promoted here already that the pointer no
 *   longer names (an operator rolled the channel back from it) is passed, not awaited: the next promotion moves the
 *   pointer forward to a newer build, never back to it.
 * A version still soaking or waiting for approval on its way here counts: it may yet arrive.
 */
export function promotableVersions(input: {
  channels: readonly string[];
  index: number;
  pointer: string | undefined;
  builds: readonly Item[];
  outcomes: readonly Item[];
  revoked: ReadonlyMap<string, unknown>;
}): string[] {
  const { channels, index, pointer } = input;
  const outcomeOf = (version: string, channel: string) =>
    input.outcomes.find((o) => str(o, 'version') === version && str(o, 'channel') === channel);
  const stopped = (version: string) =>
    outcomeOf(version, channels[index] ?? '') !== undefined ||
    channels.slice(0, index).some((c) => {
      const o = outcomeOf(version, c);
      return o !== undefined && o.outcome !== 'promoted';
    });
  return input.builds
    .filter((b) => reachedAvailable(b) && !str(b, 'flaggedAt'))
    .map((b) => str(b, 'buildVersion'))
    .filter((v) => !input.revoked.has(v))
    .filter((v) => pointer === undefined || compareBuildVersions(v, pointer) > 0)
    .filter((v) => !stopped(v))
    .sort(compareBuildVersions);
}
