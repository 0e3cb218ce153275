import { GOLDSMITH_VERSION } from '../../events/release.js';

export { GOLDSMITH_VERSION };

/** The parameter in which a deployment of `stage` records the release it runs, e.g. `/goldsmith-release/prod`. */
export function releaseParameterName(stage: string): string {
  // Outside `/goldsmith/*`, the channel pointers' path, which the functions that publish may write.
  return `/goldsmith-release/${stage}`;
}

/** A semantic version: `major.minor.patch` and its pre-release identifiers (empty for a release). */
export interface Version {
  core: [number, number, number];
  /** `0.3.0-dev.1` → ['dev', 1]: numeric identifiers as numbers (https://semver.org/#spec-item-9). */
  pre: (string | number)[];
}

const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** `version` parsed, or undefined when it is not a semantic version (build metadata is read and ignored). */
export function parseVersion(version: string): Version | undefined {
  const m = SEMVER.exec(version.trim());
  if (!m) return undefined;
  const pre = m[4] === undefined ? [] : m[4].split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id));
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre };
}

/** A pre-release (`0.3.0-dev`): code between releases, which no tag names. */
export const isPreRelease = (version: string): boolean => (parseVersion(version)?.pre.length ?? 0) > 0;

/** A version as `status` names it: a pre-release says it is unreleased. */
export const releaseName = (version: string): string => (isPreRelease(version) ? `${version} (unreleased)` : version);

/**
 * Negative when `a` is older than `b`, 0 when equal, positive when newer: semantic versioning's precedence
 * (https://semver.org/#spec-item-11): major, minor, patch numerically; a pre-release precedes its release; pre-release
 * identifiers one by one, numeric ones numerically and before alphanumeric ones, alphanumeric ones in ASCII order, a
 * shorter list first when the rest is equal.
 */
export function compareVersions(a: Version, b: Version): number {
  const core = a.core[0] - b.core[0] || a.core[1] - b.core[1] || a.core[2] - b.core[2];
  if (core !== 0) return core;
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const [x, y] = [a.pre[i] as string | number, b.pre[i] as string | number];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return a.pre.length - b.pre.length;
}

/** What a deploy of `checkout` over a deployment recorded as `deployed` would be. */
export type UpgradeVerdict =
  | { kind: 'first-deploy' | 'same' | 'upgrade'; line: string }
  | { kind: 'downgrade' | 'unreadable'; line: string };

/**
 * Judges a deploy of the checkout's release over the deployed one (undefined: no deployment records a release,
 * a first deploy or one from before releases were recorded). A downgrade is refused: state written by the newer
 * release may not be understood by the older one.
 */
export function upgradeVerdict(checkout: string, deployed: string | undefined, stage: string): UpgradeVerdict {
  if (deployed === undefined)
    return {
      kind: 'first-deploy',
      line: `stage ${stage} records no release (a first deploy, or one from before 0.2.0): deploying ${checkout}`,
    };
  const [a, b] = [parseVersion(checkout), parseVersion(deployed)];
  if (b === undefined)
    return {
      kind: 'unreadable',
      line: `stage ${stage} records release "${deployed}", not a semantic version: check ${releaseParameterName(stage)}`,
    };
  if (a === undefined)
    return { kind: 'unreadable', line: `this checkout's version "${checkout}" is not a semantic version` };
  const order = compareVersions(a, b);
  if (order < 0)
    return {
      kind: 'downgrade',
      line: `stage ${stage} runs ${deployed}, newer than this checkout's ${checkout}: a downgrade is refused (check out ${deployed} or later; docs/upgrading.md)`,
    };
  if (order === 0) return { kind: 'same', line: `stage ${stage} runs ${deployed}, this checkout's release` };
  return { kind: 'upgrade', line: `stage ${stage} runs ${deployed}: deploying ${checkout} upgrades it` };
}
