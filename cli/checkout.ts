import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ChangelogRelease,
  type CheckoutIdentity,
  changelogReleases,
  type ReleaseAncestry,
} from '../core/release/changelog.js';
import type { CheckoutHistory, CommitRelation } from '../core/release/commit.js';
import { GOLDSMITH_VERSION } from '../core/release/index.js';

/**
 * The git checkout Goldsmith runs from, read with `git` (the only place that runs it): HEAD, whether one commit
 * contains another, and the release commits CHANGELOG.md records. Outside a git checkout (an unpacked archive, git
 * not installed) every answer is "unknown", never an error.
 */

/** This checkout's root (the bundle of the command rewrites import.meta.url to this source file's). */
export const CHECKOUT_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** `git ARGS` in `root`: its status and trimmed stdout (status null when git could not run). */
function git(root: string, args: readonly string[]): { status: number | null; out: string } {
  const run = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8', timeout: 10_000 });
  return { status: run.error ? null : run.status, out: (run.stdout ?? '').trim() };
}

/** Whether `root` is the top of a git checkout (not a copy of Goldsmith inside some other repository). */
function isCheckoutTop(root: string): boolean {
  const { status, out } = git(root, ['rev-parse', '--show-toplevel']);
  try {
    return status === 0 && realpathSync(out) === realpathSync(root);
  } catch {
    return false;
  }
}

/** HEAD's commit (40 hex digits), or undefined outside a git checkout of Goldsmith. */
export function headCommit(root: string = CHECKOUT_ROOT): string | undefined {
  if (!isCheckoutTop(root)) return undefined;
  const { status, out } = git(root, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  return status === 0 && /^[0-9a-f]{40}$/.test(out) ? out : undefined;
}

/** Whether this repository holds `commit` (a commit object: `git cat-file -e COMMIT^{commit}`). */
export function hasCommit(commit: string, root: string = CHECKOUT_ROOT): boolean {
  return /^[0-9a-f]{4,40}$/.test(commit) && git(root, ['cat-file', '-e', `${commit}^{commit}`]).status === 0;
}

/**
 * Where `commit` stands against HEAD: the same commit, one HEAD contains (`git merge-base --is-ancestor COMMIT
 * HEAD` exits 0), one it does not (exits 1), or unknown to this clone (not in its history, or not a git checkout).
 */
export function commitRelation(commit: string, root: string = CHECKOUT_ROOT): CommitRelation {
  const head = headCommit(root);
  if (head === undefined || !hasCommit(commit, root)) return 'unknown';
  if (head === commit) return 'same';
  const { status } = git(root, ['merge-base', '--is-ancestor', commit, 'HEAD']);
  return status === 0 ? 'ancestor' : status === 1 ? 'not-ancestor' : 'unknown';
}

/** The commits from `commit` to HEAD (`git rev-list --count COMMIT..HEAD`). */
function distance(commit: string, root: string): number | undefined {
  const { status, out } = git(root, ['rev-list', '--count', `${commit}..HEAD`]);
  return status === 0 ? Number(out) : undefined;
}

/**
 * The releases CHANGELOG.md records: this checkout's file, then main's (`origin/main`, `main`) for releases it
 * does not name. A release commit cannot name itself (its CHANGELOG is written before its hash exists): a checkout
 * of the release finds its commit in main's CHANGELOG.
 */
export function recordedReleases(root: string = CHECKOUT_ROOT): ChangelogRelease[] {
  const texts: string[] = [];
  try {
    texts.push(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'));
  } catch {
    // No CHANGELOG in this copy: main's may still name the releases.
  }
  for (const ref of ['origin/main', 'main']) {
    const { status, out } = git(root, ['show', `${ref}:CHANGELOG.md`]);
    if (status === 0) texts.push(out);
  }
  const byVersion = new Map<string, ChangelogRelease>();
  for (const text of texts)
    for (const release of changelogReleases(text))
      if (release.commit !== undefined && !byVersion.has(release.version)) byVersion.set(release.version, release);
  return [...byVersion.values()];
}

/** What `goldsmith --version` prints about this checkout. */
export function checkoutIdentity(root: string = CHECKOUT_ROOT, version: string = GOLDSMITH_VERSION): CheckoutIdentity {
  const commit = headCommit(root);
  if (commit === undefined) return { version, releases: [] };
  const releases: ReleaseAncestry[] = recordedReleases(root).flatMap((r) => {
    if (r.commit === undefined) return [];
    const relation = commitRelation(r.commit, root);
    const ancestor = relation === 'same' || relation === 'ancestor';
    const commits = ancestor ? distance(r.commit, root) : undefined;
    return [
      { version: r.version, commit: r.commit, ancestor, ...(commits === undefined ? {} : { distance: commits }) },
    ];
  });
  return { version, commit, releases };
}

/** This checkout's history as the release check reads it (preflight --stage). */
export function checkoutHistory(root: string = CHECKOUT_ROOT): CheckoutHistory {
  return { commit: headCommit(root), relation: (commit) => commitRelation(commit, root) };
}
