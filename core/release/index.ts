import { GOLDSMITH_VERSION } from '../../events/release.js';

export { GOLDSMITH_VERSION };

/** The parameter in which a deployment of `stage` records the release it runs, e.g. `/goldsmith-release/prod`. */
export function releaseParameterName(stage: string): string {
  // Outside `/goldsmith/*`, the channel pointers' path, which the functions that publish may write.
  return `/goldsmith-release/${stage}`;
}

/** `major.minor.patch` as numbers, or undefined when `version` is not a plain semantic version. */
export function parseVersion(version: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer (both semantic versions). */
export function compareVersions(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
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
  if (a === undefined) return { kind: 'unreadable', line: `this checkout's version "${checkout}" is not x.y.z` };
  const order = compareVersions(a, b);
  if (order < 0)
    return {
      kind: 'downgrade',
      line: `stage ${stage} runs ${deployed}, newer than this checkout's ${checkout}: a downgrade is refused (check out ${deployed} or later; docs/upgrading.md)`,
    };
  if (order === 0) return { kind: 'same', line: `stage ${stage} runs ${deployed}, this checkout's release` };
  return { kind: 'upgrade', line: `stage ${stage} runs ${deployed}: deploying ${checkout} upgrades it` };
}
