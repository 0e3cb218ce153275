import {
  IdempotentParameterMismatchException,
  ImagebuilderServiceException,
  InvalidRequestException,
} from '@aws-sdk/client-imagebuilder';
import type { VirtualClock } from '../clock.js';
import { errorFactory, type FakeCall, type FakeService, NotImplementedByFakeError, nextRequestId } from './common.js';
import type { Ec2Fake } from './ec2.js';
import type { EcrFake } from './ecr.js';
import { type Advisory, advisoryFindings } from './imagebuilder-advisories.js';
import { distribute, phaseSteps, stateChangeEvent } from './imagebuilder-build.js';
import { getComponent } from './imagebuilder-components.js';
import { cancelImage, deleteImage } from './imagebuilder-images.js';
import {
  type AwsEvent,
  type BuildDurations,
  type BuildRecord,
  type BuildStatus,
  DEFAULT_DURATIONS,
  DEFAULT_WINDOWS_PACKAGES,
  type FindingCounts,
  type ImagePackage,
  installedPackages,
  makeFindings,
  type PipelineRecord,
  type PipelineSpec,
  pipelineRecord,
  snsMessage,
} from './imagebuilder-model.js';
import { launchFailure, refuseRecipe } from './imagebuilder-platforms.js';
import {
  findPipeline,
  getImage,
  getImagePipeline,
  listFindings,
  listPackages,
  listPipelineImages,
} from './imagebuilder-queries.js';
import {
  AUTO_DISABLE_MAX,
  AUTO_DISABLE_MIN,
  afterBuildFinished,
  type PipelineRunState,
} from './imagebuilder-schedule.js';
import type { SnsFake } from './sns-sts.js';

export type { BuildDurations } from './imagebuilder-model.js';

const err = errorFactory(ImagebuilderServiceException);
const invalid = (msg: string): Error => err(InvalidRequestException, msg);

export interface ImageBuilderOptions {
  readonly accountId: string;
  readonly defaultRegion: string;
  readonly clock: VirtualClock;
  readonly ec2: Ec2Fake;
  readonly sns?: SnsFake;
  /** Where container builds push their image (one per distribution region). */
  readonly ecr?: EcrFake;
  readonly durations?: Partial<BuildDurations>;
}

/**
 * EC2 Image Builder: pipelines registered up front, executions idempotent on clientToken, and images that walk
 * PENDING → BUILDING → TESTING → DISTRIBUTING → AVAILABLE on the virtual clock (or FAILED / CANCELLED), emitting the
 * "EC2 Image Builder Image State Change" event on every transition and the SNS message on AVAILABLE and FAILED.
 */
export class ImageBuilderFake implements FakeService {
  readonly pipelines = new Map<string, PipelineRecord>();
  readonly builds = new Map<string, BuildRecord>();
  private readonly tokens = new Map<string, BuildRecord>();
  private readonly buildNumbers = new Map<string, number>();
  private readonly failures = new Map<string, { reason: string; remaining: number }>();
  /** Each pipeline's status and consecutive scheduled failures (imagebuilder-schedule.ts). */
  readonly runStates = new Map<string, PipelineRunState>();
  private readonly pendingFindings = new Map<string, FindingCounts>();
  /** The vulnerabilities published so far (imagebuilder-advisories.ts): each scan reports those its packages are open to. */
  private readonly advisories: Advisory[] = [];
  private readonly packageSets = new Map<string, readonly ImagePackage[]>();
  /** The package repository: each package's newest released version, what a build started from now on installs. */
  private readonly releasedPackages = new Map<string, string>();
  /** What each build installed when it started (the repository as it was then), listed once it is distributed. */
  private readonly installs = new Map<string, readonly ImagePackage[]>();
  private readonly durations: BuildDurations;
  private emitter: (event: AwsEvent) => unknown = () => undefined;

  constructor(private readonly opts: ImageBuilderOptions) {
    this.durations = { ...DEFAULT_DURATIONS, ...opts.durations };
  }

  /** Where state-change events go (the local event bus). */
  onEvent(emit: (event: AwsEvent) => unknown): void {
    this.emitter = emit;
  }

  /**
   * The stacks' deploy of a pipeline with its recipe and infrastructure configuration; Image Builder's refusals of
   * them (imagebuilder-platforms.ts) are thrown as AWS answers them, and nothing is registered.
   */
  registerPipeline(spec: PipelineSpec): PipelineRecord {
    const p = pipelineRecord(spec, this.opts.defaultRegion, this.opts.accountId);
    refuseRecipe(p);
    const limit = p.schedule?.autoDisablePolicy?.failureCount;
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= AUTO_DISABLE_MIN && limit <= AUTO_DISABLE_MAX)) {
      throw invalid(
        `schedule.autoDisablePolicy.failureCount must be between ${AUTO_DISABLE_MIN} and ${AUTO_DISABLE_MAX}.`,
      );
    }
    this.pipelines.set(p.arn, p);
    this.runStates.set(p.arn, { status: 'ENABLED', consecutiveFailures: 0 });
    return p;
  }

  /**
   * The pipeline's own schedule fires (Image Builder's scheduler, not an API call): a scheduled execution, the only
   * kind its auto-disable policy counts. A disabled pipeline does not run; a pipeline without a schedule cannot.
   * @returns the build's ARN, or undefined when the pipeline is disabled.
   */
  runScheduled(pipelineArn: string): string | undefined {
    const p = findPipeline(this.pipelines, pipelineArn);
    if (!p.schedule) throw new Error(`${p.arn} has no schedule: only StartImagePipelineExecution starts its builds`);
    if (this.runStates.get(p.arn)?.status === 'DISABLED') return undefined;
    return this.createBuild(p, `schedule-${nextRequestId()}`.slice(0, 36), true).arn;
  }

  /** Scenario: the next `count` builds of `image` fail during BUILDING with `reason`. */
  failNext(image: string, reason: string, count = 1): void {
    this.failures.set(image, { reason, remaining: count });
  }

  /** Scenario: the next scanned build of `image` reports these findings. */
  setFindings(image: string, counts: FindingCounts): void {
    this.pendingFindings.set(image, counts);
  }

  /** Scenario: a vulnerability is published; each build scanned from now on reports it when its package is older. */
  publishVulnerability(advisory: Advisory): void {
    if (!this.advisories.some((a) => a.id === advisory.id && a.package === advisory.package))
      this.advisories.push(advisory);
  }

  /** Scenario: what the builds of `image` from now on install (ListImagePackages); default DEFAULT_PACKAGES. */
  setPackages(image: string, packages: readonly ImagePackage[]): void {
    this.packageSets.set(image, packages);
  }

  /** The packages of the container build whose image `<repository>:<tag>` went to `region`, if any. */
  containerPackages(region: string, repository: string, tag: string): readonly ImagePackage[] | undefined {
    const uri = `.dkr.ecr.${region}.amazonaws.com/${repository}:${tag}`;
    for (const b of this.builds.values()) {
      if (b.containers.some((c) => c.region === region && c.imageUris.some((u) => u.endsWith(uri)))) {
        return b.containerPackages;
      }
    }
    return undefined;
  }

  /**
   * Scenario: `name` at `version` is released to the package repository the builds install from. A build started
   * from now on installs it (in place of the version it would have, or besides its packages); one started before
   * holds what was released when it started.
   */
  releasePackage(name: string, version: string): void {
    this.releasedPackages.set(name, version);
  }

  handle(call: FakeCall): unknown {
    const { input } = call;
    switch (call.action) {
      case 'StartImagePipelineExecution':
        return this.start(input, call.body);
      case 'GetImage':
        return getImage(this.builds, input, this.opts.accountId);
      case 'GetComponent':
        return getComponent(input);
      case 'GetImagePipeline':
        return getImagePipeline(this.pipelines, input, this.runStates);
      case 'ListImagePipelineImages':
        return listPipelineImages(this.pipelines, this.builds, input, this.opts.accountId);
      case 'ListImageScanFindings':
        return listFindings(this.builds, input);
      case 'ListImagePackages':
        return listPackages(this.builds, input);
      case 'CancelImageCreation':
        return cancelImage(this.builds, input, (b) => {
          b.cancelNext?.();
          this.transition(b, 'CANCELLED', 'Cancelled by request');
        });
      case 'DeleteImage':
        return deleteImage(this.builds, input, this.opts.clock.iso());
      default:
        throw new NotImplementedByFakeError('imagebuilder', call.action);
    }
  }

  private start(input: Record<string, unknown>, body: Record<string, unknown> | undefined): unknown {
    const p = findPipeline(this.pipelines, input.imagePipelineArn);
    // The SDK fills clientToken into the request body when the caller leaves it out.
    const token = (input.clientToken ?? body?.clientToken) as string | undefined;
    if (!token || token.length > 36) throw invalid('clientToken must be 1 to 36 characters.');
    const seen = this.tokens.get(token);
    if (seen) {
      if (seen.pipeline !== p)
        throw err(IdempotentParameterMismatchException, 'The clientToken was used with different parameters.');
      return { requestId: nextRequestId(), clientToken: token, imageBuildVersionArn: seen.arn };
    }
    const b = this.createBuild(p, token, false);
    return { requestId: nextRequestId(), clientToken: token, imageBuildVersionArn: b.arn };
  }

  private createBuild(p: PipelineRecord, token: string, scheduled: boolean): BuildRecord {
    const key = `${p.recipeName}/${p.recipeVersion}`;
    const buildNumber = (this.buildNumbers.get(key) ?? 0) + 1;
    this.buildNumbers.set(key, buildNumber);
    const b: BuildRecord = {
      arn: `arn:aws:imagebuilder:${p.region}:${this.opts.accountId}:image/${p.recipeName}/${p.recipeVersion}/${buildNumber}`,
      pipeline: p,
      buildNumber,
      dateCreated: this.opts.clock.iso(),
      clientToken: token,
      status: 'PENDING',
      reason: undefined,
      amis: [],
      containers: [],
      findings: [],
      packages: [],
      scanStatus: undefined,
      cancelNext: undefined,
      scheduled,
    };
    this.builds.set(b.arn, b);
    this.tokens.set(token, b);
    const set = this.packageSets.get(p.image) ?? (p.platform === 'Windows' ? DEFAULT_WINDOWS_PACKAGES : undefined);
    this.installs.set(b.arn, installedPackages(set, this.releasedPackages));
    const failure = this.failures.get(p.image);
    if (failure) {
      failure.remaining--;
      if (failure.remaining <= 0) this.failures.delete(p.image);
    }
    // A build instance EC2 will not launch fails the build whatever a scenario scripted.
    this.advance(b, launchFailure(p, buildNumber) ?? failure?.reason);
    return b;
  }

  /** Schedules the walk through the phases; a failing build stops at BUILDING. */
  private advance(b: BuildRecord, failWith: string | undefined): void {
    this.step(b, failWith, 0, undefined);
  }

  /** Arms the walk's step `i`: `ms` after now, or at `at` (a saved cloud's pending move, armed again). */
  private step(b: BuildRecord, failWith: string | undefined, i: number, at: number | undefined): void {
    const step = phaseSteps(b, this.durations, failWith)[i];
    if (!step) return;
    const [status, ms] = step;
    const handle = this.opts.clock.schedule(
      at ?? this.opts.clock.now() + ms,
      `imagebuilder ${b.arn} → ${status}`,
      () => {
        b.cancelNext = undefined;
        if (status === 'AVAILABLE') this.complete(b);
        const result = this.transition(b, status, status === 'FAILED' ? failWith : undefined);
        this.step(b, failWith, i + 1, undefined);
        return result;
      },
      { kind: 'imagebuilder', data: { arn: b.arn, step: i, ...(failWith === undefined ? {} : { failWith }) } },
    );
    b.cancelNext = () => handle.cancel();
  }

  /** After a saved state was loaded: a build's pending status move (from the saved clock) is armed again at `at`. */
  rearm(data: { arn: string; step: number; failWith?: string }, at: number): void {
    const b = this.builds.get(data.arn);
    if (!b) throw new Error(`no build ${data.arn} to move on`);
    this.step(b, data.failWith, data.step, at);
  }

  /** Distribution: one encrypted AMI per region in the EC2 fake (or container URIs), and the scan's findings. */
  private complete(b: BuildRecord): void {
    distribute(b, this.opts.ec2, this.opts.accountId, this.opts.clock.iso(), this.opts.ecr);
    // Systems Manager Inventory of the build instance; the fake keeps one for AMI builds only (Goldsmith reads no other).
    if (b.pipeline.type === 'AMI') b.packages = [...(this.installs.get(b.arn) ?? [])];
    // A container image holds what its build installed; Inspector's scan of it in ECR reads them (inspector2-sbom.ts).
    else b.containerPackages = [...(this.installs.get(b.arn) ?? [])];
    if (b.pipeline.scanningEnabled) {
      const counts = this.pendingFindings.get(b.pipeline.image);
      this.pendingFindings.delete(b.pipeline.image);
      const at = this.opts.clock.iso();
      const scanned = counts ? makeFindings(b, counts, this.opts.accountId, at) : [];
      b.findings = [...scanned, ...advisoryFindings(b, b.packages, this.advisories, this.opts.accountId, at)];
      b.scanStatus = 'COMPLETED';
    }
  }

  private transition(b: BuildRecord, status: BuildStatus, reason: string | undefined): unknown {
    const previous = b.status;
    b.status = status;
    b.reason = reason;
    if ((status === 'AVAILABLE' || status === 'FAILED') && b.pipeline.snsTopicArn && this.opts.sns) {
      this.opts.sns.deliver(b.pipeline.snsTopicArn, snsMessage(b, this.opts.accountId));
    }
    const emitted = this.emitter(stateChangeEvent(b, previous, this.opts.accountId, this.opts.clock.now()));
    const run = this.runStates.get(b.pipeline.arn);
    if (run && (status === 'AVAILABLE' || status === 'FAILED')) {
      const after = afterBuildFinished(b.pipeline, run, b, this.opts.accountId, this.opts.clock.now());
      this.runStates.set(b.pipeline.arn, after.state);
      if (after.disabled) this.emitter(after.disabled);
    }
    return emitted;
  }
}
