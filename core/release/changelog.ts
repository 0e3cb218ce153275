import { compareVersions, isPreRelease, parseVersion } from './index.js';

/**
 * The releases CHANGELOG.md records and the commit each one is. A tag made in a working copy does not travel with
 * the branch (a clone of main has none), so CHANGELOG names each release's commit, from which a tag can be made
 * (docs/upgrading.md, "Finding a release from main"). The line right under a release's heading reads
 * `Commit: <40 hex digits>` (an explanation may follow), or `Commit: none recorded (<why>)`.
 */
export interface ChangelogRelease {
  version: string;
  /** The heading's 1-based line number in the file. */
  line: number;
  /** The release's commit (full, lower-case hex); undefined when none is recorded. */
  commit?: string;
  /** Why none is recorded, as the file says it; undefined when a commit is (or no `Commit:` line is there). */
  noCommit?: string;
}

const HEADING = /^## \[([^\]]+)\]/;
const COMMIT = /^Commit: ([0-9a-f]{40})(?:\s|$)/;
const NONE = /^Commit: none recorded\b(.*)$/;

/** Every released heading of CHANGELOG.md (`## [x.y.z]`, not `[Unreleased]`), in file order. */
export function changelogReleases(text: string): ChangelogRelease[] {
  const lines = text.split('\n');
  const found: ChangelogRelease[] = [];
  lines.forEach((heading, i) => {
    const m = HEADING.exec(heading);
    if (!m || m[1] === 'Unreleased') return;
    const version = m[1] as string;
    const release: ChangelogRelease = { version, line: i + 1 };
    // The heading's own line, or the first line under it that says anything.
    const next = lines.slice(i + 1).find((l) => l.trim() !== '') ?? '';
    const own = /Commit: .*$/.exec(heading)?.[0] ?? '';
    for (const candidate of [own, next.trim()]) {
      const commit = COMMIT.exec(candidate);
      if (commit) {
        release.commit = commit[1];
        break;
      }
      const none = NONE.exec(candidate);
      if (none) {
        release.noCommit = (none[1] ?? '').trim().replace(/^\((.*)\)\.?$/, '$1') || 'no reason given';
        break;
      }
    }
    found.push(release);
  });
  return found;
}

/** What git says about one recorded release's commit against the checkout's HEAD. */
export interface ReleaseAncestry {
  version: string;
  commit: string;
  /** HEAD contains the release's commit (`git merge-base --is-ancestor COMMIT HEAD`). */
  ancestor: boolean;
  /** Commits from the release to HEAD (`git rev-list --count COMMIT..HEAD`), when an ancestor. */
  distance?: number;
}

/** What `goldsmith --version` knows about the checkout it runs from. */
export interface CheckoutIdentity {
  version: string;
  /** HEAD's commit; undefined outside a git checkout. */
  commit?: string;
  releases: readonly ReleaseAncestry[];
}

/** The identity `goldsmith --version --json` prints. */
export interface VersionReport {
  version: string;
  commit: string | null;
  /** HEAD is the commit CHANGELOG records for this version's release. */
  release: boolean;
  /** The newest recorded release HEAD contains, and how far HEAD is past it. */
  after: { version: string; commit: string; commits: number } | null;
}

const short = (commit: string) => commit.slice(0, 7);

/** The newest recorded release whose commit HEAD contains (semantic versioning's order). */
function newestContained(releases: readonly ReleaseAncestry[]): ReleaseAncestry | undefined {
  let best: ReleaseAncestry | undefined;
  for (const r of releases) {
    const v = parseVersion(r.version);
    if (!r.ancestor || v === undefined) continue;
    const held = best === undefined ? undefined : parseVersion(best.version);
    if (held === undefined || compareVersions(v, held) > 0) best = r;
  }
  return best;
}

/** `goldsmith --version` as JSON: the checkout's release, its commit and where it stands against the releases. */
export function versionReport(id: CheckoutIdentity): VersionReport {
  const own = id.releases.find((r) => r.version === id.version);
  const release = id.commit !== undefined && own?.commit === id.commit;
  const base = release ? undefined : newestContained(id.releases.filter((r) => r.commit !== id.commit));
  return {
    version: id.version,
    commit: id.commit ?? null,
    release,
    after: base === undefined ? null : { version: base.version, commit: base.commit, commits: base.distance ?? 0 },
  };
}

/**
 * `goldsmith --version`'s line: the release, and in a git checkout the commit and whether it is the release's, e.g.
 * `goldsmith 0.3.0-dev (commit abc1234, 12 commits after 0.2.0 @ 4a6a6b6; not a release)` or
 * `goldsmith 0.2.0 (commit 4a6a6b6: the 0.2.0 release)`.
 */
export function versionLine(id: CheckoutIdentity): string {
  if (id.commit === undefined) return `goldsmith ${id.version}`;
  const report = versionReport(id);
  if (report.release) return `goldsmith ${id.version} (commit ${short(id.commit)}: the ${id.version} release)`;
  const after = report.after;
  const where =
    after === null
      ? 'after no recorded release'
      : `${after.commits} commit${after.commits === 1 ? '' : 's'} after ${after.version} @ ${short(after.commit)}`;
  const own = id.releases.find((r) => r.version === id.version);
  const what = isPreRelease(id.version)
    ? 'not a release'
    : own === undefined
      ? `CHANGELOG records no commit for ${id.version}`
      : `not the ${id.version} release, which is ${short(own.commit)}`;
  return `goldsmith ${id.version} (commit ${short(id.commit)}, ${where}; ${what})`;
}
