import { GOLDSMITH_VERSION, releaseName, releaseParameterName } from '../../core/release/index.js';
import type { Where } from './options.js';

/** The release a deployment runs, as `status` shows it. */
export interface ReleaseView {
  /** The deployment's recorded release; undefined when it records none (deployed before releases were recorded). */
  deployed: string | undefined;
  /** This checkout's release. */
  checkout: string;
  /** Why the deployed release could not be read, when it could not. */
  unreadable?: string;
}

/**
 * The release `where` runs: a stage's `/goldsmith-release/<stage>` (read through the operators' role, which may read
 * exactly it), or, for a saved local cloud, this checkout's (a saved cloud is refused by other code: saved-identity.ts).
 */
export async function releaseOf(where: Where): Promise<ReleaseView> {
  if (where.kind === 'local') return { deployed: GOLDSMITH_VERSION, checkout: GOLDSMITH_VERSION };
  process.env.AWS_REGION ??= where.region;
  const { deployedRelease } = await import('../../aws/preflight/preflight-release.js');
  try {
    return { deployed: await deployedRelease(where.stage, where.region), checkout: GOLDSMITH_VERSION };
  } catch (error) {
    const said = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return {
      deployed: undefined,
      checkout: GOLDSMITH_VERSION,
      unreadable: `${releaseParameterName(where.stage)}: ${said}`,
    };
  }
}

/** One line: `release 0.2.0; this checkout 0.3.0-dev (unreleased)`, or why it is not known. A pre-release (code
 * between two tags) says so: it is not a release to run in prod (docs/upgrading.md). */
export function releaseLine(release: ReleaseView): string {
  const deployed =
    release.unreadable !== undefined
      ? `unknown (${release.unreadable})`
      : release.deployed === undefined
        ? 'none recorded (deployed before 0.2.0)'
        : releaseName(release.deployed);
  return `release ${deployed}; this checkout ${releaseName(release.checkout)}`;
}
