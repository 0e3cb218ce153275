import { compareVersions, GOLDSMITH_VERSION, parseVersion } from '../../core/release/index.js';
import { UsageError } from '../usage.js';

/**
 * Which Goldsmith release saved a local cloud, and whether this one may upgrade it (docs/upgrading.md, "Rehearsing
 * an upgrade"). A save records its release (`identity.release`); a release whose saves did not is named by its code
 * digest, which is the same for every checkout of that release.
 */
export const RELEASE_OF_CODE: Readonly<Record<string, string>> = {
  // `git worktree add DIR v0.2.0`, then the digest of DIR (saved-identity.ts, codeDigest).
  '0a8c8b9d03b5f90dec2803291e4157b6b945a4bdf54aee38f0d9b69b0dccc4d0': '0.2.0',
};

/**
 * The releases whose saved clouds this Goldsmith upgrades besides its own: the previous release. Cutting a release
 * sets it to the release before (docs/upgrading.md, "Cutting a release").
 */
export const PREVIOUS_RELEASE = '0.2.0';

/** The release a save's identity names: recorded, or known by its code digest. */
export function savedRelease(identity: { code?: string; release?: string } | undefined): string | undefined {
  return identity?.release ?? RELEASE_OF_CODE[identity?.code ?? ''];
}

/** What opening a saved cloud whose code differs from this Goldsmith's takes: an upgrade from `from`. */
export interface SavedUpgrade {
  from: string;
  to: string;
}

const resave = (dir: string) => `re-run "goldsmith simulate --save ${dir}"`;

/**
 * Judges a saved cloud whose code differs from this Goldsmith's: an upgrade from the previous release or from this
 * one (its code moved on since), where `upgrading` (simulate --resume); otherwise refused in one line naming both
 * releases.
 */
export function savedUpgrade(
  dir: string,
  identity: { code?: string; release?: string } | undefined,
  upgrading: boolean,
  to: string = GOLDSMITH_VERSION,
): SavedUpgrade {
  const from = savedRelease(identity);
  if (from === undefined) {
    throw new UsageError(
      `${dir} was saved by a Goldsmith that recorded no release (its code differs from this ${to}'s), which cannot be upgraded: ${resave(dir)}`,
    );
  }
  const [a, b] = [parseVersion(from), parseVersion(to)];
  if (a && b && compareVersions(a, b) > 0) {
    throw new UsageError(
      `${dir} was saved by Goldsmith ${from}, newer than this ${to}: a saved cloud is not downgraded (open it with ${from} or later, or ${resave(dir)})`,
    );
  }
  if (from !== to && from !== PREVIOUS_RELEASE) {
    const accepted = PREVIOUS_RELEASE === to ? to : `${PREVIOUS_RELEASE} or ${to}`;
    throw new UsageError(
      `${dir} was saved by Goldsmith ${from}; this ${to} upgrades a cloud saved by ${accepted} only: ${resave(dir)}`,
    );
  }
  if (!upgrading) {
    throw new UsageError(
      `${dir} was saved by Goldsmith ${from} (other code than this ${to}'s): upgrade it first with "goldsmith simulate --resume ${dir}"`,
    );
  }
  return { from, to };
}
