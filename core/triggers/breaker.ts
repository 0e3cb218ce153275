import { BREAKER_SK } from '../ledger/keys.js';
import { compareBuildVersions } from '../status/image-view.js';

/**
 * Goldsmith's build circuit breaker. Image Builder's own `autoDisablePolicy` counts only scheduled executions
 * (https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_ImagePipeline.html, `consecutiveFailures`), and
 * Goldsmith's pipelines have no schedule: every build is started with StartImagePipelineExecution, so Image Builder
 * never stops an image that fails every build. This breaker does, from the ledger's build outcomes. Pure.
 */

/** One build as the ledger holds it: its version (`1.0.0/7`) and the last Image Builder status recorded. */
export interface BuildOutcome {
  version: string;
  status: string;
}

/** The ledger's `BREAKER` item of an image: tripped (builds paused) or resumed by an operator. */
export interface BreakerState {
  state: 'tripped' | 'resumed';
  /** When the breaker tripped, on which failed build, and the failed builds in a row it counted (oldest first). */
  trippedAt: string;
  trippedBy: string;
  failedBuilds: string[];
  threshold: number;
  /** When the trip was announced (once). */
  announcedAt?: string;
  /** Who resumed the builds, when and why; failures are counted again only after `resumedAfter`. */
  resumedAt?: string;
  resumedBy?: string;
  resumeReason?: string;
  resumedAfter?: string;
}

/** Statuses after which the build produced an image: a success ends a run of failures (lifecycle marks included). */
const SUCCEEDED = new Set(['AVAILABLE', 'DEPRECATED', 'DELETED']);

/**
 * The failed builds that end the image's history, oldest first: in build order (`1.0.0/12` after `1.0.0/9`), back
 * from the newest finished build to the last success or to `after` (the build an operator resumed past). Builds
 * still running and CANCELLED ones (a person stopped them: not the image failing) neither count nor break the run.
 */
export function failuresInARow(builds: readonly BuildOutcome[], after?: string): string[] {
  const ordered = [...builds]
    .filter((b) => after === undefined || compareBuildVersions(b.version, after) > 0)
    .sort((a, b) => compareBuildVersions(a.version, b.version));
  const run: string[] = [];
  for (const build of ordered.reverse()) {
    if (SUCCEEDED.has(build.status)) break;
    if (build.status === 'FAILED') run.unshift(build.version);
  }
  return run;
}

/** What the breaker does after a build of the image failed. */
export type BreakerDecision =
  | { trip: true; trippedBy: string; failedBuilds: string[] }
  | { trip: false; failures: number; reason: string };

/**
 * Decides whether the image's builds pause: when the last `threshold` finished builds (after any resume) all failed,
 * and the breaker is not tripped already. The trip names the newest failed build, so a re-delivered or reconciled
 * failure decides the same trip, and the conditional write that records it lets exactly one through.
 */
export function decideBreaker(
  builds: readonly BuildOutcome[],
  threshold: number,
  current: BreakerState | undefined,
): BreakerDecision {
  const run = failuresInARow(builds, current?.resumedAfter);
  if (current?.state === 'tripped') {
    return { trip: false, failures: run.length, reason: `already tripped by ${current.trippedBy}` };
  }
  const newest = run.at(-1);
  if (run.length < threshold || newest === undefined) {
    return { trip: false, failures: run.length, reason: `${run.length} of ${threshold} failed builds in a row` };
  }
  return { trip: true, trippedBy: newest, failedBuilds: run };
}

/** Why no build of the image starts while its breaker is tripped, or undefined when builds may start. */
export function breakerSkipReason(image: string, breaker: BreakerState | undefined): string | undefined {
  if (breaker?.state !== 'tripped') return undefined;
  return (
    `builds paused: the last ${breaker.failedBuilds.length} builds failed in a row ` +
    `(${breaker.failedBuilds.join(', ')}; paused ${breaker.trippedAt}); ` +
    `an operator resumes them with goldsmith resume ${image} --builds`
  );
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The breaker state of a ledger `BREAKER` item, or undefined when there is none (or it is not one). */
export function breakerOf(item: Record<string, unknown> | undefined): BreakerState | undefined {
  if (!item || (item.state !== 'tripped' && item.state !== 'resumed')) return undefined;
  const trippedAt = str(item.trippedAt);
  const trippedBy = str(item.trippedBy);
  if (trippedAt === undefined || trippedBy === undefined) return undefined;
  const failedBuilds = Array.isArray(item.failedBuilds) ? item.failedBuilds.filter((v) => typeof v === 'string') : [];
  const optional = (name: keyof BreakerState) => {
    const value = str(item[name]);
    return value === undefined ? {} : { [name]: value };
  };
  return {
    state: item.state,
    trippedAt,
    trippedBy,
    failedBuilds,
    threshold: typeof item.threshold === 'number' ? item.threshold : failedBuilds.length,
    ...optional('announcedAt'),
    ...optional('resumedAt'),
    ...optional('resumedBy'),
    ...optional('resumeReason'),
    ...optional('resumedAfter'),
  };
}

/** What `goldsmith status` shows of a paused image: since when, after which failed builds, and how to resume. */
export interface BuildsPausedView {
  since: string;
  failedBuilds: string[];
  resume: string;
}

/** The paused view of an image's ledger items (its `BREAKER` item), or undefined when its builds may start. */
export function buildsPausedOf(image: string, items: readonly Record<string, unknown>[]): BuildsPausedView | undefined {
  const breaker = breakerOf(items.find((i) => i.sk === BREAKER_SK));
  if (breaker?.state !== 'tripped') return undefined;
  return { since: breaker.trippedAt, failedBuilds: breaker.failedBuilds, resume: `goldsmith resume ${image} --builds` };
}

/** The breaker's lines of an image's history, each pause and each resume, oldest first. */
export function breakerHistory(item: Record<string, unknown>): { at: string; what: string }[] {
  const current = breakerOf(item);
  if (!current) return [];
  const earlier = Array.isArray(item.earlier) ? (item.earlier as Record<string, unknown>[]) : [];
  const cycles = [...earlier.map((c) => breakerOf({ ...c, state: 'resumed' })), current];
  const lines: { at: string; what: string }[] = [];
  for (const cycle of cycles) {
    if (!cycle) continue;
    lines.push({
      at: cycle.trippedAt,
      what: `builds paused: the last ${cycle.failedBuilds.length} builds failed in a row (${cycle.failedBuilds.join(', ')})`,
    });
    // The current item's resume fields are its own only while it is resumed (a later trip removes them).
    if (cycle.state === 'resumed' && cycle.resumedAt !== undefined) {
      const why = cycle.resumeReason ? `: ${cycle.resumeReason}` : '';
      lines.push({ at: cycle.resumedAt, what: `builds resumed by ${cycle.resumedBy ?? 'an operator'}${why}` });
    }
  }
  return lines;
}
