import { BREAKER_SK } from '../../core/ledger/keys.js';
import {
  buildsPausedText,
  nothingSoakingText,
  nothingToRollBackText,
  nothingWaitingText,
} from '../../core/promotion/operator-refusals.js';
import { retryUnderWay, rolloutOf, rolloutRefusal } from '../../core/rollout/operator.js';
import { rolloutOperatorActions } from '../../core/rollout/record.js';
import { imageView, type LedgerItem } from '../../core/status/image-view.js';
import { rolloutRecordsOf } from '../../core/status/rollout-records.js';
import { breakerOf } from '../../core/triggers/breaker.js';
import { channelsOf, type Where } from './options.js';

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * Refusals the ledger answers before any request is sent (or a saved cloud is replayed): nothing waiting for
 * approval, a version that does not exist, promoting what a gate refused or what is not soaking, rolling back a
 * channel that names nothing, building an image whose builds are paused, pausing, resuming or aborting a rollout
 * that cannot take it (core/rollout/operator.ts). The endpoint checks the same again, in the same words where it says
 * them (core/promotion/operator-refusals.ts).
 * @returns one line naming what is wrong, or undefined when the request may go.
 */
export function precheck(
  where: Where,
  items: readonly LedgerItem[],
  request: { action: string; image: string; channel?: string; version?: string },
  now: Date,
): string | undefined {
  const { action, image, channel, version } = request;
  const builds = items.filter((i) => str(i.sk).startsWith('BUILD#')).map((i) => str(i.buildVersion));
  if (version !== undefined && !builds.includes(version)) {
    return `unknown version ${version} of ${image} (the ledger has ${builds.length ? builds.join(', ') : 'no builds'})`;
  }
  if ((action === 'approve' || action === 'reject') && channel) {
    const view = imageView(image, channelsOf(where.catalog, image), items, now);
    const waiting = view.channels.find((c) => c.channel === channel)?.waiting;
    if (!waiting || (version !== undefined && waiting.version !== version)) {
      return nothingWaitingText(image, version, channel);
    }
  }
  if (action === 'promote' && channel) {
    const refused = items.find(
      (i) =>
        str(i.sk).startsWith('PROMOTION#') &&
        i.outcome !== 'promoted' &&
        (version === undefined || i.version === version) &&
        channelsOf(where.catalog, image).indexOf(str(i.channel)) <= channelsOf(where.catalog, image).indexOf(channel),
    );
    const newest = [...builds].sort().at(-1);
    if (refused && (version !== undefined || refused.version === newest)) {
      return `${str(refused.version)} was ${str(refused.outcome)} for ${str(refused.channel)} (${str(refused.reason)}): promote ends a soak early, it never passes a gate`;
    }
    const soaking = items.some(
      (i) =>
        str(i.sk).startsWith('SOAK#') &&
        i.channel === channel &&
        i.state === 'soaking' &&
        Date.parse(str(i.until)) > now.getTime() &&
        (version === undefined || i.version === version),
    );
    if (!soaking) return nothingSoakingText(image, version, channel);
  }
  if (action === 'build') {
    const paused = buildsPausedText(image, breakerOf(items.find((i) => i.sk === BREAKER_SK)));
    if (paused) return paused;
  }
  if (action === 'release' && version !== undefined && !items.some((i) => i.sk === `HOLD#${version}`)) {
    return `${image} ${version} is not held for its users: nothing to release (the lifecycle sweep holds a version only while member accounts use it)`;
  }
  if (action === 'resume-builds' && !items.some((i) => i.sk === BREAKER_SK && i.state === 'tripped')) {
    return `the builds of ${image} are not paused: nothing to resume (they pause after their last builds failed in a row)`;
  }
  const rolloutAction = rolloutOperatorActions.find((a) => `rollout-${a}` === action);
  if (rolloutAction && channel) {
    const record = rolloutOf(rolloutRecordsOf(items), channel, version);
    // A retry under way is answered again to its own caller with its own reason: the endpoint, which knows the caller, decides.
    if (rolloutAction === 'retry' && retryUnderWay(record)) return undefined;
    return rolloutRefusal(rolloutAction, { image, channel, version }, record);
  }
  if (action === 'rollback' && channel && !items.some((i) => i.sk === `CHANNEL#${channel}`)) {
    return nothingToRollBackText(image, channel);
  }
  return undefined;
}
