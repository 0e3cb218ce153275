import { createHash } from 'node:crypto';

const BUILD_ARN = /^arn:aws[a-z-]*:imagebuilder:[a-z0-9-]+:\d{12}:image\/([A-Za-z0-9_-]+)\/(\d+\.\d+\.\d+)\/(\d+)$/;

/** The parts of an Image Builder image build version ARN (`…:image/<name>/<x.y.z>/<build>`). */
export interface BuildVersionRef {
  /** Image Builder's image name (our pipeline's recipe name). */
  name: string;
  /** `1.0.0/3`: what the ledger and messages call the build's version. */
  buildVersion: string;
}

/**
 * Parses an image build version ARN.
 * @throws Error naming the ARN when it is not one (a version ARN without the build number is not enough).
 */
export function parseBuildVersionArn(arn: string): BuildVersionRef {
  const match = BUILD_ARN.exec(arn);
  if (!match?.[1] || !match[2] || !match[3]) throw new Error(`not an image build version ARN: "${arn}"`);
  return { name: match[1], buildVersion: `${match[2]}/${match[3]}` };
}

const MAX_EXECUTION_NAME = 80;
/** How many hex characters of the build ARN's SHA-256 an execution name carries. */
const HASH_LENGTH = 12;

/**
 * The promotion execution's name for a build: readable (`base-1-0-0-3`) plus a hash of the whole ARN, so the same
 * build always maps to the same name (a re-delivered event then meets ExecutionAlreadyExists) and two builds never
 * share one. Only the characters Step Functions allows, at most 80 (the readable part gives way to a `suffix`).
 */
export function executionNameFor(buildVersionArn: string, suffix = ''): string {
  const hash = createHash('sha256').update(buildVersionArn).digest('hex').slice(0, HASH_LENGTH);
  const tail = buildVersionArn.split(':image/')[1] ?? buildVersionArn;
  const readable = tail.replace(/[^\w-]/g, '-').slice(0, MAX_EXECUTION_NAME - hash.length - 1 - suffix.length);
  return `${readable}-${hash}${suffix}`;
}

/** The name of the `n`th resumption of a build's paused promotion: the first name plus `-r<n>`, still ≤ 80. */
export function resumedExecutionNameFor(buildVersionArn: string, n: number): string {
  return executionNameFor(buildVersionArn, `-r${n}`);
}

/**
 * The name of attempt `n` (≥ 2) of a build's promotion (`goldsmith promote IMAGE VERSION --through-gates`, after a
 * restore): the first name plus `-g<n>`, still ≤ 80; the same attempt always maps to the same name, so a repeated
 * start meets the running execution or ExecutionAlreadyExists.
 */
export function attemptExecutionNameFor(buildVersionArn: string, n: number): string {
  return executionNameFor(buildVersionArn, `-g${n}`);
}

const BUILD_HASH = new RegExp(`-([0-9a-f]{${HASH_LENGTH}})(?:-[rg]\\d+)?$`);

/**
 * The build an execution name (of `executionNameFor`, `resumedExecutionNameFor` or `attemptExecutionNameFor`) belongs to: its hash of the build
 * ARN. The readable part gives way to the suffix, so a long build's resumption is not its first name plus `-r<n>`;
 * the hash is the same in both. Undefined for a name of neither form.
 */
export function buildHashOfExecutionName(name: string): string | undefined {
  return BUILD_HASH.exec(name)?.[1];
}

/** Orders build versions (`1.0.0/3` < `1.0.0/10` < `1.1.0/1`); negative when `a` is older. */
export function compareBuildVersions(a: string, b: string): number {
  const parts = (v: string): number[] => v.split(/[./]/).map((p) => Number(p));
  const pa = parts(a);
  const pb = parts(b);
  // The first part that differs decides; a missing part counts as 0 (`1.0.0` = `1.0.0/0`).
  const differences = Array.from({ length: Math.max(pa.length, pb.length) }, (_, i) => (pa[i] ?? 0) - (pb[i] ?? 0));
  return differences.find((d) => d !== 0) ?? 0;
}

/** Orders records of several images' builds: by image name, then oldest build version first. */
export function byImageThenVersion(a: { image: string; version: string }, b: { image: string; version: string }) {
  return a.image.localeCompare(b.image) || compareBuildVersions(a.version, b.version);
}

/**
 * Build versions that fall out of retention: all but the newest `keep`, oldest first.
 */
export function versionsBeyondRetention(versions: readonly string[], keep: number): string[] {
  const newestFirst = [...new Set(versions)].sort((a, b) => compareBuildVersions(b, a));
  return newestFirst.slice(keep).reverse();
}
