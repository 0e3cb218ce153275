/** Image Builder records and the shapes AWS shows them in: GetImage's `image`, list summaries, events, SNS. */

export type BuildStatus = 'PENDING' | 'BUILDING' | 'TESTING' | 'DISTRIBUTING' | 'AVAILABLE' | 'FAILED' | 'CANCELLED';

export interface PipelineSpec {
  /** Pipeline name. */
  readonly name: string;
  /** Catalog image this pipeline builds (scenario hooks use it); default: the pipeline name. */
  readonly image?: string;
  readonly arn?: string;
  /** Region the pipeline lives in; default: the fake's default region. */
  readonly region?: string;
  readonly type?: 'AMI' | 'CONTAINER';
  /** Distribution regions. */
  readonly regions: readonly string[];
  /** Recipe name (default: the image name) and semantic version (default 1.0.0). */
  readonly recipeName?: string;
  readonly recipeVersion?: string;
  /** The recipe's `parentImage` and its components' ARNs, in order (GetImage's `imageRecipe` / `containerRecipe`). */
  readonly parentImage?: string | undefined;
  readonly componentArns?: readonly string[] | undefined;
  /** The recipe's platform, which is its parent image's. */
  readonly platform?: 'Linux' | 'Windows';
  /** The parent image's architecture (default: x86_64 for an AMI, none for a container, whose parent is multi-arch). */
  readonly architecture?: 'x86_64' | 'arm64' | undefined;
  /** The infrastructure configuration's instance types (default: m7i.large). */
  readonly instanceTypes?: readonly string[];
  /** GetImage's `osVersion` of its builds; default: Amazon Linux 2023 (Linux), Windows Server 2022 (Windows). */
  readonly osVersion?: string;
  readonly testsEnabled?: boolean;
  readonly scanningEnabled?: boolean;
  /** Infrastructure configuration's topic: Image Builder publishes AVAILABLE/FAILED here. */
  readonly snsTopicArn?: string;
  /**
   * The pipeline's own schedule (Goldsmith's pipelines have none), with its auto-disable policy: a member of the
   * schedule (https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_Schedule.html), so a pipeline without a
   * schedule has none. Only scheduled runs count toward it (imagebuilder-schedule.ts).
   */
  readonly schedule?: PipelineSchedule;
  /** Container images: the ECR repository. */
  readonly repository?: string;
  /** The repository's tag mutability and exclusion filters, as the stacks create it (default MUTABLE). */
  readonly tagMutability?: { mutability: 'MUTABLE' | 'IMMUTABLE_WITH_EXCLUSION'; filters: readonly string[] };
  /** The KMS key per distribution region (the distribution configuration's `KmsKeyId`). */
  readonly kmsKeyIds?: Readonly<Record<string, string>>;
}

/** Image Builder's `Schedule`, as far as the fake models it. */
export interface PipelineSchedule {
  readonly scheduleExpression: string;
  readonly autoDisablePolicy?: { readonly failureCount: number };
}

export interface PipelineRecord {
  readonly arn: string;
  readonly name: string;
  readonly image: string;
  readonly region: string;
  readonly type: 'AMI' | 'CONTAINER';
  readonly regions: readonly string[];
  readonly recipeName: string;
  readonly recipeVersion: string;
  readonly parentImage: string;
  readonly componentArns: readonly string[];
  readonly platform: 'Linux' | 'Windows';
  readonly architecture: 'x86_64' | 'arm64' | undefined;
  readonly instanceTypes: readonly string[];
  readonly osVersion: string;
  readonly testsEnabled: boolean;
  readonly scanningEnabled: boolean;
  readonly snsTopicArn: string | undefined;
  readonly schedule: PipelineSchedule | undefined;
  readonly repository: string | undefined;
  readonly kmsKeyIds: Readonly<Record<string, string>>;
}

/** Virtual time each phase of a build takes. */
export interface BuildDurations {
  readonly pendingMs: number;
  readonly buildingMs: number;
  readonly testingMs: number;
  readonly distributingMs: number;
}

export const DEFAULT_DURATIONS: BuildDurations = {
  pendingMs: 2 * 60_000,
  buildingMs: 25 * 60_000,
  testingMs: 15 * 60_000,
  distributingMs: 10 * 60_000,
};

/** A pipeline's record from its spec, with Image Builder's defaults filled in. */
export function pipelineRecord(spec: PipelineSpec, defaultRegion: string, accountId: string): PipelineRecord {
  const region = spec.region ?? defaultRegion;
  return {
    arn: spec.arn ?? `arn:aws:imagebuilder:${region}:${accountId}:image-pipeline/${spec.name}`,
    name: spec.name,
    image: spec.image ?? spec.name,
    region,
    type: spec.type ?? 'AMI',
    regions: spec.regions,
    recipeName: spec.recipeName ?? spec.image ?? spec.name,
    recipeVersion: spec.recipeVersion ?? '1.0.0',
    parentImage:
      spec.parentImage ??
      (spec.type === 'CONTAINER'
        ? 'amazonlinux:2023'
        : `arn:aws:imagebuilder:${region}:aws:image/amazon-linux-2023-x86/x.x.x`),
    componentArns: spec.componentArns ?? [`arn:aws:imagebuilder:${region}:aws:component/update-linux/x.x.x`],
    platform: spec.platform ?? 'Linux',
    architecture: 'architecture' in spec ? spec.architecture : spec.type === 'CONTAINER' ? undefined : 'x86_64',
    instanceTypes: spec.instanceTypes ?? ['m7i.large'],
    osVersion: spec.osVersion ?? (spec.platform === 'Windows' ? 'Microsoft Windows Server 2022' : 'Amazon Linux 2023'),
    testsEnabled: spec.testsEnabled ?? true,
    scanningEnabled: spec.scanningEnabled ?? true,
    snsTopicArn: spec.snsTopicArn,
    schedule: spec.schedule,
    repository: spec.repository,
    kmsKeyIds: spec.kmsKeyIds ?? {},
  };
}

export interface OutputAmi {
  readonly region: string;
  readonly image: string;
  readonly name: string;
  readonly accountId: string;
}

/** One package of an image as built (ListImagePackages' `ImagePackage`). */
export interface ImagePackage {
  readonly packageName: string;
  readonly packageVersion: string;
}

/**
 * What a local build installs, unless a scenario says otherwise: a few Amazon Linux 2023 packages, among them the
 * openssl the scan's findings name (makeFindings), so a finding on it is one on the image as built.
 */
export const DEFAULT_PACKAGES: readonly ImagePackage[] = [
  { packageName: 'amazon-ssm-agent', packageVersion: '3.3.1142.0-1.amzn2023' },
  { packageName: 'bash', packageVersion: '5.2.15-1.amzn2023.0.2' },
  { packageName: 'curl-minimal', packageVersion: '8.5.0-1.amzn2023.0.4' },
  { packageName: 'glibc', packageVersion: '2.34-52.amzn2023.0.11' },
  { packageName: 'openssl', packageVersion: '1:3.0.8-1.amzn2023.0.18' },
  { packageName: 'openssl-libs', packageVersion: '1:3.0.8-1.amzn2023.0.18' },
  { packageName: 'systemd', packageVersion: '252.23-2.amzn2023' },
];

/**
 * What a Windows build lists instead: Systems Manager Inventory's applications on a Windows Server build instance
 * (the SSM Agent and EC2Launch v2 that AWS's Windows AMIs carry,
 * https://docs.aws.amazon.com/AWSEC2/latest/WindowsGuide/windows-amis.html), never a Linux package.
 */
export const DEFAULT_WINDOWS_PACKAGES: readonly ImagePackage[] = [
  { packageName: 'Amazon SSM Agent', packageVersion: '3.3.1142.0' },
  { packageName: 'Amazon EC2Launch', packageVersion: '2.0.2107.0' },
];

/**
 * What a build installs: its package set (DEFAULT_PACKAGES unless a scenario set one), each package the repository
 * has released at its released version, in place of the set's version or besides the set. A release names the
 * upstream version (`3.0.16`, as CodeArtifact and CI announce it); the distribution's package carries its epoch and
 * release (`1:3.0.16-1.amzn2023`), and every binary package of the same source package moves with it (`openssl`
 * and `openssl-libs`), as Systems Manager Inventory would list them on the build instance.
 */
export function installedPackages(
  set: readonly ImagePackage[] | undefined,
  released: ReadonlyMap<string, string>,
): ImagePackage[] {
  const base = set ?? DEFAULT_PACKAGES;
  const sourceOf = (name: string): string | undefined =>
    [...released.keys()].find((r) => name === r || name.startsWith(`${r}-`));
  const installed = base.map((p) => {
    const source = sourceOf(p.packageName);
    const version = source === undefined ? undefined : released.get(source);
    return version === undefined
      ? p
      : { packageName: p.packageName, packageVersion: asBuilt(version, p.packageVersion) };
  });
  const added = [...released]
    .filter(([name]) => !base.some((p) => p.packageName === name))
    .map(([packageName, packageVersion]) => ({ packageName, packageVersion }));
  return [...installed, ...added];
}

/** A released upstream version as the distribution packages it, after the version it replaces (`1:…-1.amzn2023`). */
function asBuilt(released: string, replaced: string): string {
  if (released.includes('-') || released.includes(':')) return released;
  const epoch = /^(\d+):/.exec(replaced)?.[1];
  const dist = /\.(amzn\d+|el\d+|fc\d+)/.exec(replaced)?.[1];
  return `${epoch ? `${epoch}:` : ''}${released}${dist ? `-1.${dist}` : ''}`;
}

export interface FindingCounts {
  readonly critical: number;
  readonly high: number;
  readonly medium: number;
}

export interface BuildRecord {
  readonly arn: string;
  readonly pipeline: PipelineRecord;
  readonly buildNumber: number;
  readonly dateCreated: string;
  readonly clientToken: string;
  status: BuildStatus;
  reason: string | undefined;
  amis: OutputAmi[];
  containers: { region: string; imageUris: string[] }[];
  findings: Record<string, unknown>[];
  /** What Systems Manager Inventory listed on the build instance (ListImagePackages); empty until distributed. */
  packages: ImagePackage[];
  /** A container build's packages, as its image holds them (Inspector's scan in ECR reads them); AMIs have none here. */
  containerPackages?: ImagePackage[] | undefined;
  scanStatus: 'PENDING' | 'SCANNING' | 'COLLECTING' | 'COMPLETED' | 'ABANDONED' | 'FAILED' | 'TIMED_OUT' | undefined;
  cancelNext: (() => void) | undefined;
  /** Set by DeleteImage: Image Builder no longer knows the image (its AMIs are EC2's business). */
  deletedAt?: string | undefined;
  /** Started by the pipeline's own schedule, not by StartImagePipelineExecution. */
  scheduled?: boolean | undefined;
}

/** An EventBridge event exactly as AWS delivers it. */
export interface AwsEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: string[];
  readonly detail: Record<string, unknown>;
}

/** EventBridge times have whole seconds, as in AWS's samples. */
export const eventTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** GetImage and the image summaries say `DOCKER` for container images (ImageType is `AMI | DOCKER`). */
const imageType = (p: { type: 'AMI' | 'CONTAINER' }): 'AMI' | 'DOCKER' => (p.type === 'CONTAINER' ? 'DOCKER' : 'AMI');

function outputResources(b: BuildRecord): Record<string, unknown> {
  return b.pipeline.type === 'CONTAINER' ? { containers: b.containers } : { amis: b.amis };
}

/** GetImage's `image`. */
export function imageView(b: BuildRecord, accountId: string): Record<string, unknown> {
  const p = b.pipeline;
  const recipeArn = `arn:aws:imagebuilder:${p.region}:${accountId}:${p.type === 'CONTAINER' ? 'container-recipe' : 'image-recipe'}/${p.recipeName}/${p.recipeVersion}`;
  const recipe = {
    arn: recipeArn,
    name: p.recipeName,
    version: p.recipeVersion,
    platform: p.platform,
    owner: accountId,
    parentImage: p.parentImage,
    components: p.componentArns.map((componentArn) => ({ componentArn })),
  };
  return {
    arn: b.arn,
    type: imageType(p),
    name: p.recipeName,
    version: `${p.recipeVersion}/${b.buildNumber}`,
    platform: p.platform,
    // "The operating system version of the Amazon EC2 build instance. For example, Amazon Linux 2, Ubuntu 18, or
    // Microsoft Windows Server 2019." (https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_Image.html)
    osVersion: p.osVersion,
    state: { status: b.status, reason: b.reason },
    ...(p.type === 'CONTAINER' ? { containerRecipe: recipe } : { imageRecipe: recipe }),
    sourcePipelineName: p.name,
    sourcePipelineArn: p.arn,
    imageTestsConfiguration: { imageTestsEnabled: p.testsEnabled, timeoutMinutes: 720 },
    imageScanningConfiguration: { imageScanningEnabled: p.scanningEnabled },
    scanState: b.scanStatus ? { status: b.scanStatus } : undefined,
    dateCreated: b.dateCreated,
    outputResources: outputResources(b),
    buildType: 'USER_INITIATED',
    imageSource: 'CUSTOM',
    tags: {},
  };
}

/** ListImagePipelineImages' `ImageSummary`. */
export function summaryView(b: BuildRecord, accountId: string): Record<string, unknown> {
  const p = b.pipeline;
  return {
    arn: b.arn,
    name: p.recipeName,
    type: imageType(p),
    version: `${p.recipeVersion}/${b.buildNumber}`,
    platform: p.platform,
    state: { status: b.status, reason: b.reason },
    owner: accountId,
    dateCreated: b.dateCreated,
    outputResources: outputResources(b),
    tags: {},
    buildType: 'USER_INITIATED',
    imageSource: 'CUSTOM',
  };
}

/**
 * The SNS message Image Builder publishes on AVAILABLE and FAILED: the image as JSON, with `semver` as a bare
 * integer too large for a JS number (major<<90 | minor<<60 | patch<<30 | build, as in AWS's sample), so consumers
 * that parse it meet the same imprecision they would in production.
 */
export function snsMessage(b: BuildRecord, accountId: string): string {
  const p = b.pipeline;
  const [major = 0, minor = 0, patch = 0] = p.recipeVersion.split('.').map(Number);
  const semver = (BigInt(major) << 90n) | (BigInt(minor) << 60n) | (BigInt(patch) << 30n) | BigInt(b.buildNumber);
  const body = {
    versionlessArn: b.arn.split('/').slice(0, 2).join('/'),
    semver: '__SEMVER__',
    arn: b.arn,
    name: p.recipeName,
    version: p.recipeVersion,
    type: imageType(p),
    buildVersion: b.buildNumber,
    state: { status: b.status, reason: b.reason },
    platform: p.platform,
    sourcePipelineArn: p.arn,
    imageTestsConfigurationDocument: { imageTestsEnabled: p.testsEnabled, timeoutMinutes: 720 },
    dateCreated: b.dateCreated,
    outputResources: outputResources(b),
    accountId,
    buildType: 'USER_INITIATED',
    tags: { resourceArn: b.arn },
  };
  return JSON.stringify(body, null, 2).replace('"__SEMVER__"', semver.toString());
}

/**
 * Inspector-style findings for a scanned build: `counts` per severity, with stable CVE ids numbered after the
 * `earlier` findings the build already has (a re-scan adds to them).
 */
export function makeFindings(
  b: BuildRecord,
  counts: FindingCounts,
  accountId: string,
  at: string,
  earlier = 0,
): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const add = (severity: string, n: number, score: number): void => {
    for (let i = 0; i < n; i++) {
      const cve = `CVE-2027-${String(earlier + out.length + 1).padStart(4, '0')}`;
      out.push({
        awsAccountId: accountId,
        imageBuildVersionArn: b.arn,
        imagePipelineArn: b.pipeline.arn,
        type: 'PACKAGE_VULNERABILITY',
        title: `${cve} - openssl`,
        description: `A ${severity.toLowerCase()} vulnerability in openssl.`,
        severity,
        inspectorScore: score,
        firstObservedAt: new Date(at),
        updatedAt: new Date(at),
        fixAvailable: 'YES',
        packageVulnerabilityDetails: {
          vulnerabilityId: cve,
          source: 'NVD',
          vulnerablePackages: [{ name: 'openssl', version: '3.0.8', fixedInVersion: '3.0.16' }],
        },
      });
    }
  };
  add('CRITICAL', counts.critical, 9.8);
  add('HIGH', counts.high, 7.5);
  add('MEDIUM', counts.medium, 5.3);
  return out;
}
