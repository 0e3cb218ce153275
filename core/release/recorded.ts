import { compareVersions, parseVersion } from './index.js';

/**
 * What a stage records of its release, read by `goldsmith preflight --stage` (pure): the parameter
 * `/goldsmith-release/<stage>` and each stack's `GoldsmithRelease` output (stacks/trust/release.ts). The Trust stack,
 * which writes the parameter, deploys after every other stack (docs/upgrading.md, "Releases"): a deploy leaves the
 * parameter no newer than the stacks, a partial one leaves some stacks newer than it.
 */

/** The release the parameter and the stacks record. */
export interface RecordedReleases {
  /** The parameter's value; undefined when absent. */
  parameter: string | undefined;
  stacks: readonly { name: string; release: string | undefined }[];
}

/**
 * The newest of `releases` (undefined ones skipped): what the release check compares the checkout with. An unreadable
 * value wins (upgradeVerdict refuses it).
 */
export function newestRelease(releases: readonly (string | undefined)[]): string | undefined {
  let best: string | undefined;
  for (const release of releases) {
    if (release === undefined) continue;
    const parsed = parseVersion(release);
    if (parsed === undefined) return release;
    const held = best === undefined ? undefined : parseVersion(best);
    if (held === undefined || compareVersions(parsed, held) > 0) best = release;
  }
  return best;
}

/**
 * The oldest release the stage records, from which the upgrade's steps are due (core/release/steps.ts): a
 * half-deployed stage still runs the older release's stacks. Undefined (every declared step counts) when nothing is
 * recorded, or when a stack records no release or one that cannot be read.
 */
export function oldestRelease(recorded: RecordedReleases): { release: string | undefined; by: string } {
  const all = [
    ...(recorded.parameter === undefined ? [] : [{ name: 'the release parameter', release: recorded.parameter }]),
    ...recorded.stacks,
  ];
  let oldest: { name: string; release: string } | undefined;
  for (const { name, release } of all) {
    const parsed = release === undefined ? undefined : parseVersion(release);
    if (release === undefined || parsed === undefined)
      return { release: undefined, by: `${name} records ${release ?? 'no release'}` };
    if (oldest === undefined || compareVersions(parsed, parseVersion(oldest.release) ?? parsed) < 0)
      oldest = { name, release };
  }
  return oldest === undefined
    ? { release: undefined, by: 'nothing records a release' }
    : { release: oldest.release, by: `${oldest.name} records ${oldest.release}` };
}

/**
 * A parameter newer than every release the stacks record: no deploy leaves that (Trust writes it last, and records
 * the same release itself), so it was written outside a deploy, or by a deploy of Trust alone with a stack filter.
 * Returns the newest release the stacks record, or undefined when the parameter is not such a one.
 */
export function parameterAhead(recorded: RecordedReleases): string | undefined {
  const parameter = recorded.parameter === undefined ? undefined : parseVersion(recorded.parameter);
  const releases = recorded.stacks.flatMap((s) => (s.release === undefined ? [] : [s.release]));
  if (parameter === undefined || releases.length === 0) return undefined;
  const newest = newestRelease(releases) as string;
  const held = parseVersion(newest);
  return held !== undefined && compareVersions(parameter, held) > 0 ? newest : undefined;
}
