// What an image's builds are doing apart from its channels: builds in flight, the last failure, held versions.
import { accountCount } from '../fleet/usage.js';
import { type AwaitedParent, flagAwaitsOf } from '../lifecycle/lineage-hold.js';
import { compareBuildVersions } from '../promotion/naming.js';
import { resumedText, resumeText } from '../promotion/resume.js';
import { fieldText } from './ledger-item.js';

type Item = Record<string, unknown>;

const str = fieldText;
const sk = (item: Item) => str(item, 'sk');

/** Image Builder statuses after which a build costs nothing more to run. */
export const TERMINAL_BUILD: ReadonlySet<string> = new Set([
  'AVAILABLE',
  'FAILED',
  'CANCELLED',
  'DEPRECATED',
  'DELETED',
]);

/** A build still building or promoting; a promotion paused (PAUSED#, not yet resumed) says where and why. */
export interface InFlightBuild {
  version: string;
  state: 'building' | 'promoting' | 'paused';
  status: string;
  since: string;
  /** Where and why it paused, how often it was resumed, and what `resume` (or the reconciler) will do. */
  paused?: { channel: string; reason: string; resumes: number; resume: string };
  /**
   * A promotion resumed after its latest pause (by the reconciler or an operator) and not yet decided: who resumed it
   * (`text`, as `history` says it), when, and why (`why`, the operator's `--reason`), and where and why it had paused.
   */
  resumed?: { text: string; at: string; why?: string; channel: string; pausedAt: string; reason: string };
}

/** The promotion's latest resumption, when the version's pause (`PAUSED#`) was resumed. */
function resumedOf(pause: Item | undefined): InFlightBuild['resumed'] {
  if (!pause || str(pause, 'status') !== 'resumed') return undefined;
  return {
    text: resumedText({ by: str(pause, 'resumedBy'), n: Number(pause.resumes ?? 0) }),
    ...(str(pause, 'resumedReason') ? { why: str(pause, 'resumedReason') } : {}),
    at: str(pause, 'resumedAt'),
    channel: str(pause, 'channel'),
    pausedAt: str(pause, 'pausedAt'),
    reason: str(pause, 'reason'),
  };
}

/** A version revocation flagged (built on a revoked parent): held out of every further channel until rebuilt. */
export interface FlaggedVersion {
  version: string;
  at: string;
  reason: string;
  /** The parent channel its revocation left empty: nothing is rebuilt for it until a new version is promoted there. */
  awaits?: AwaitedParent;
  /** Of a grandchild (or farther): the image it was built on, at the channel it follows, whose rebuild it waits on. */
  via?: AwaitedParent;
  /** The channel whose gate, soak check or approval stopped it, once one did. */
  stopped?: { channel: string; at: string };
}

/** A version retention keeps because member accounts still run it (usage-aware retention). */
export interface HeldVersion {
  version: string;
  since: string;
  accounts: number;
  instances: number;
  until: string;
  released?: { at: string; by: string };
}

/** The builds in flight, revoked builds left out; `outcomeOf` finds a version's outcome for a channel. */
export function inFlightOf(
  items: readonly Item[],
  builds: readonly Item[],
  channels: readonly string[],
  outcomeOf: (version: string, channel: string) => Item | undefined,
  revocations: ReadonlyMap<string, unknown>,
): InFlightBuild[] {
  const inFlight: InFlightBuild[] = [];
  const everyPause = items.filter((i) => sk(i).startsWith('PAUSED#'));
  const pauses = new Map(everyPause.filter((i) => str(i, 'status') === 'paused').map((i) => [str(i, 'version'), i]));
  const resumedPauses = new Map(
    everyPause.filter((i) => str(i, 'status') === 'resumed').map((i) => [str(i, 'version'), i]),
  );
  for (const b of builds) {
    const version = str(b, 'buildVersion');
    const status = str(b, 'status');
    if (revocations.has(version)) continue;
    if (!TERMINAL_BUILD.has(status)) {
      inFlight.push({ version, state: 'building', status, since: str(b, 'requestedAt') });
    } else if (status === 'AVAILABLE') {
      const decided = channels.map((c) => outcomeOf(version, c));
      const stopped = decided.some((o) => o !== undefined && o.outcome !== 'promoted');
      const pause = pauses.get(version);
      if (!stopped && decided.some((o) => o === undefined) && pause) {
        const resumes = Number(pause.resumes ?? 0);
        const paused = {
          channel: str(pause, 'channel'),
          reason: str(pause, 'reason'),
          resumes,
          resume: resumeText({
            image: str(pause, 'image'),
            version,
            channel: str(pause, 'channel'),
            resumes,
            pausedAt: str(pause, 'pausedAt'),
          }),
        };
        inFlight.push({ version, state: 'paused', status, since: str(pause, 'pausedAt'), paused });
      } else if (!stopped && decided.some((o) => o === undefined)) {
        const resumed = resumedOf(resumedPauses.get(version));
        const since = resumed?.at || str(b, 'updatedAt') || str(b, 'requestedAt');
        inFlight.push({ version, state: 'promoting', status, since, ...(resumed ? { resumed } : {}) });
      }
    }
  }
  return inFlight;
}

/** The latest failed or cancelled build or refused promotion, or undefined. */
export function lastFailureOf(
  builds: readonly Item[],
  outcomes: readonly Item[],
): { version: string; at: string; what: string } | undefined {
  const failures = [
    ...builds
      .filter((b) => str(b, 'status') === 'FAILED' || str(b, 'status') === 'CANCELLED')
      .map((b) => ({
        version: str(b, 'buildVersion'),
        at: str(b, 'updatedAt') || str(b, 'requestedAt'),
        what: `build ${str(b, 'status')}${str(b, 'statusReason') ? `: ${str(b, 'statusReason')}` : ''}`,
      })),
    ...outcomes
      .filter((o) => o.outcome !== 'promoted')
      .map((o) => ({
        version: str(o, 'version'),
        at: str(o, 'at'),
        what: `${str(o, 'outcome')} for ${str(o, 'channel')}: ${str(o, 'reason')}`,
      })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return failures.at(-1);
}

/** The versions held (HOLD#) whose build is not yet deleted. */
export function heldOf(items: readonly Item[], builds: readonly Item[]): HeldVersion[] {
  const deleted = new Set(
    builds.filter((b) => str(b, 'deletedAt')).map((b) => str(b, 'buildVersion') || sk(b).slice(6)),
  );
  return items
    .filter((i) => sk(i).startsWith('HOLD#') && !deleted.has(str(i, 'version')))
    .map((i) => ({
      version: str(i, 'version'),
      since: str(i, 'firstHeldAt'),
      accounts: accountCount(i.accounts),
      instances: Number(i.instances ?? 0),
      until: str(i, 'heldUntil'),
      ...(str(i, 'releasedAt') ? { released: { at: str(i, 'releasedAt'), by: str(i, 'releasedBy') } } : {}),
    }));
}

/**
 * Whether a flag still holds something: its version's promotion is still on its way (held at its next step), or
 * what the flag waits for is not there yet: no newer build of the image, itself unflagged, is available (the rebuild
 * on the rolled-back parent, or the build on the next parent version). Once neither holds, status says nothing of
 * the flag (history keeps the story).
 */
function flagHolds(version: string, builds: readonly Item[], inFlight: ReadonlySet<string>): boolean {
  if (inFlight.has(version)) return true;
  return !builds.some(
    (b) =>
      compareBuildVersions(str(b, 'buildVersion'), version) > 0 &&
      str(b, 'status') === 'AVAILABLE' &&
      !str(b, 'flaggedAt'),
  );
}

/**
 * The flagged versions (built on a revoked parent) that are neither revoked nor deleted and whose flag still holds
 * something (`flagHolds`), with the channel whose step stopped each once one did (the outcome whose reason names
 * the flag). `inFlight`: the versions still building or promoting.
 */
export function flaggedOf(
  builds: readonly Item[],
  outcomes: readonly Item[],
  revocations: ReadonlyMap<string, unknown>,
  inFlight: ReadonlySet<string>,
): FlaggedVersion[] {
  return builds
    .filter((b) => str(b, 'flaggedAt') && !str(b, 'deletedAt') && !revocations.has(str(b, 'buildVersion')))
    .filter((b) => flagHolds(str(b, 'buildVersion'), builds, inFlight))
    .map((b) => {
      const version = str(b, 'buildVersion');
      const reason = str(b, 'flaggedReason');
      const stop = outcomes.find(
        (o) => str(o, 'version') === version && o.outcome === 'aborted' && str(o, 'reason').startsWith(reason),
      );
      const awaits = flagAwaitsOf(b.flagAwaits);
      const via = flagAwaitsOf(b.flagVia);
      return {
        version,
        at: str(b, 'flaggedAt'),
        reason,
        ...(awaits ? { awaits } : {}),
        ...(via ? { via } : {}),
        ...(stop ? { stopped: { channel: str(stop, 'channel'), at: str(stop, 'at') } } : {}),
      };
    });
}
