import { createHash } from 'node:crypto';
import { SDK_MAX_ATTEMPTS } from '../../aws/clients/retry.js';
import type { ClientSettings, ServiceName } from '../../aws/clients.js';
import type { VirtualClock } from '../clock.js';
import { attachModelCheck } from '../models/request-check.js';
import { Throttle } from '../throttle.js';
import { ImageBlockPublicAccess, InspectorActivation, inFrontOf } from './account-settings.js';
import { AutoScalingFake } from './autoscaling.js';
import { imageResolver, launchCheckFor } from './autoscaling-launch.js';
import { CallStreams } from './call-streams.js';
import { CloudTrailFake } from './cloudtrail.js';
import {
  continueRequestIdsFrom,
  type FakeService,
  localEndpoint,
  type SeededRandom,
  seededRandom,
  UNSIGNED_AUTH_SCHEMES,
  withoutWireMiddleware,
} from './common.js';
import { Ec2Fake } from './ec2.js';
import { FleetState } from './ec2-fleet.js';
import { EcrFake } from './ecr.js';
import { ServiceLinkedRolesFake } from './iam-service-roles.js';
import { type BuildDurations, ImageBuilderFake } from './imagebuilder.js';
import type { AwsEvent, PipelineSpec } from './imagebuilder-model.js';
import { InspectorOrganizationConfiguration } from './inspector-organization.js';
import { Inspector2Fake } from './inspector2.js';
import { SbomExportsFake } from './inspector2-sbom.js';
import { KmsFake } from './kms.js';
import { kmsApi } from './kms-api.js';
import { countVolumeGrants } from './kms-volumes.js';
import { LaunchTemplates } from './launch-templates.js';
import { MemberAccess } from './member-access.js';
import { MemberAlarms } from './member-alarms.js';
import { MemberCloudWatchFake } from './member-cloudwatch.js';
import { attachFake, emptyStats, type FakeStats, type FaultOptions } from './middleware.js';
import { RAM_SERVICE_PRINCIPAL, STACKSETS_SERVICE_PRINCIPAL } from './organization-admin.js';
import { type OrganizationSpec, OrganizationsFake } from './organizations.js';
import { type Prerequisites, preparedPrerequisites } from './prerequisites.js';
import { RamFake } from './ram.js';
import { VirtualRetryStrategy } from './retry.js';
import { S3Fake } from './s3.js';
import { SnsFake, StsFake } from './sns-sts.js';
import { AL2023_PARAMETER, SsmFake } from './ssm.js';
import { StackEventsFake } from './stack-events.js';
import { StackSetsFake } from './stacksets.js';
import { stackSetsApi } from './stacksets-api.js';

export interface InstallOptions {
  readonly clock: VirtualClock;
  readonly seed?: number;
  readonly faults?: FaultOptions;
  /** The account Goldsmith runs in (the organization's management or delegated account). */
  readonly accountId?: string;
  readonly defaultRegion?: string;
  readonly organization?: OrganizationSpec;
  readonly pipelines?: readonly PipelineSpec[];
  readonly durations?: Partial<BuildDurations>;
  /** SNS topics that exist from the start. */
  readonly topics?: readonly string[];
  /** Regions whose public AWS base-image parameters are seeded (default: every pipeline region). */
  readonly regions?: readonly string[];
  /** The base-image parameters seeded in those Regions, each pointing at a public AMI (default: Amazon Linux 2023's). */
  readonly baseImageParameters?: readonly string[];
  /** Receives every "EC2 Image Builder Image State Change" event (the local event bus); also `fakes.imagebuilder.onEvent`. */
  readonly onImageEvent?: (event: AwsEvent) => unknown;
  /** SDK attempts per call, as in production (6). */
  readonly maxAttempts?: number;
  /** Inspector's delegated administrator (default: the account Goldsmith runs in). */
  readonly inspectorAdministrator?: string;
  /**
   * The caller attaches its own Lambda fake (the simulator's, which answers Invoke) and hands it
   * `fakes.prerequisites.lambda` for the account settings; otherwise the installed Lambda fake answers only those.
   */
  readonly ownLambda?: boolean;
}

export interface LocalFakes {
  readonly ec2: Ec2Fake;
  /** CloudTrail's event history: the write management events of every call the fakes answered, per account and Region. */
  readonly cloudtrail: CloudTrailFake;
  /** Member accounts' Auto Scaling groups and instance refreshes. */
  readonly autoscaling: AutoScalingFake;
  /** Member accounts' CloudWatch alarms, whose state a scenario sets. */
  readonly alarms: MemberAlarms;
  /** Roles in member accounts a factory principal may assume, and their sessions. */
  readonly memberAccess: MemberAccess;
  /**
   * CloudFormation StackSets: the member baseline's stack set, once the simulator creates it from the stacks, with
   * its instances' roles in `memberAccess` and their grants in `kms`.
   */
  readonly stackSets: StackSetsFake;
  /** CloudFormation's stack-level events of the deployment's own stacks (DescribeStackEvents). */
  readonly stackEvents: StackEventsFake;
  readonly imagebuilder: ImageBuilderFake;
  /** The findings Inspector holds, each account listing its own and the delegated administrator its members'. */
  readonly inspector2: Inspector2Fake;
  /** Keys and their policies as the stacks write them (the simulator registers them after synthesis); no SDK client. */
  readonly kms: KmsFake;
  readonly organizations: OrganizationsFake;
  readonly ssm: SsmFake;
  readonly ram: RamFake;
  readonly ecr: EcrFake;
  /** Buckets as the stacks create them (the simulator adds them after synthesis), with every object version. */
  readonly s3: S3Fake;
  readonly sns: SnsFake;
  readonly sts: StsFake;
  readonly throttle: Throttle;
  readonly prerequisites: Prerequisites;
}

export interface InstalledFakes {
  /** Pass to `configureClients`; DynamoDB is left alone (the simulator points it at dynalite). */
  readonly clientSettings: ClientSettings;
  readonly fakes: LocalFakes;
  readonly stats: FakeStats;
  /**
   * The seeded stream drawn outside any call the fakes' middleware wraps; each call draws its faults and its retries'
   * jitter from `calls`.
   */
  readonly random: SeededRandom;
  /** Each logical call's own fault stream (call-streams.ts). */
  readonly calls: CallStreams;
}

const DEFAULT_ACCOUNT = '123456789012';

/**
 * Builds the stateful fakes and the client settings that route the SDK clients of the faked services to them, with
 * throttling, seeded fault injection and a retry strategy whose backoff runs on the virtual clock.
 */
export function installFakes(opts: InstallOptions): InstalledFakes {
  const accountId = opts.accountId ?? DEFAULT_ACCOUNT;
  const defaultRegion = opts.defaultRegion ?? 'us-east-1';
  const clock = opts.clock;
  const now = () => clock.now();
  const random = seededRandom(opts.seed ?? 1);
  // A new cloud hands out request ids (SNS message ids, Image Builder's event ids) from the first again: the same
  // scenario run twice in one process gives its events the same ids (a saved cloud goes on from its own count).
  continueRequestIdsFrom(0);
  const calls = new CallStreams(opts.seed ?? 1, now, random);
  const stats = emptyStats();
  const throttle = new Throttle(now);
  const ec2 = new Ec2Fake(accountId, now);
  const cloudtrail = new CloudTrailFake(now);
  const ecr = new EcrFake(accountId, now);
  // The stacks create each container image's repository in every distribution region.
  for (const p of opts.pipelines ?? []) {
    if (p.type === 'CONTAINER')
      for (const r of p.regions) {
        const name = p.repository ?? p.recipeName ?? p.image ?? p.name;
        ecr.createRepository(r, name, p.tagMutability?.mutability, p.tagMutability?.filters);
      }
  }
  const sns = new SnsFake(accountId, now);
  for (const t of opts.topics ?? []) sns.topics.add(t);
  const imagebuilder = new ImageBuilderFake({
    accountId,
    defaultRegion,
    clock,
    ec2,
    sns,
    ecr,
    durations: opts.durations,
  });
  for (const p of opts.pipelines ?? []) imagebuilder.registerPipeline(p);
  if (opts.onImageEvent) imagebuilder.onEvent(opts.onImageEvent);
  const organizations = new OrganizationsFake(
    opts.organization ?? { organizationId: 'o-a1b2c3d4e5', managementAccountId: accountId, ous: [] },
  );
  const ssm = new SsmFake(accountId, ec2, now);
  const regions = new Set(opts.regions ?? [defaultRegion, ...(opts.pipelines ?? []).flatMap((p) => p.regions)]);
  for (const name of new Set(opts.baseImageParameters ?? [AL2023_PARAMETER])) {
    for (const r of regions) ssm.bumpPublicParameter(name, r);
  }
  const prerequisites = preparedPrerequisites(organizations, accountId, opts.inspectorAdministrator);
  // RAM's sharing with the organization is trusted access for ram.amazonaws.com, as Organizations lists it.
  const ram = new RamFake(
    accountId,
    organizations,
    (arn, region) => ssm.shareable(arn, region),
    now,
    () => prerequisites.organization.trustedAccess.has(RAM_SERVICE_PRINCIPAL),
  );
  ssm.sharePoliciesWith((change) => ram.policyChanged(change));
  const sts = new StsFake(accountId);
  const kms = new KmsFake(accountId);
  kms.organizationPathsOf = (account) => organizations.principalOrgPaths(account);
  const memberAccess = new MemberAccess((account) =>
    organizations.isMember(account) ? organizations.organizationArn().split('/').at(-1) : undefined,
  );
  sts.access = memberAccess;
  const fleet = () => (ec2.usage.fleet ??= new FleetState(() => ec2.completeUsageReports()));
  const volumeGrantHolders = countVolumeGrants(kms, ec2, fleet);
  const templates = new LaunchTemplates(fleet, now);
  templates.access = memberAccess;
  ec2.templates = templates;
  const organizationId = organizations.organizationArn().split('/').at(-1) ?? '';
  const stackEvents = new StackEventsFake();
  const stackSets = new StackSetsFake(
    organizations,
    opts.organization?.managementAccountId ?? accountId,
    { iam: new ServiceLinkedRolesFake(), kms, organizationId },
    memberAccess,
    // StackSets' trusted access and delegated administrators are the organization's, as preflight reads them.
    prerequisites.organization.serviceAccess(STACKSETS_SERVICE_PRINCIPAL),
  );
  const alarms = new MemberAlarms(now);
  const autoscaling = new AutoScalingFake(templates, {
    now,
    fleet,
    alarms,
    launchCheck: launchCheckFor(ec2, kms, organizations, stackSets),
    imageOf: imageResolver(ssm),
  });
  autoscaling.access = memberAccess;
  // The member accounts' alarms as their rollout role reads them (a finished wave's alarms).
  const cloudwatch = new MemberCloudWatchFake(alarms, now);
  cloudwatch.access = memberAccess;
  const inspector2 = new Inspector2Fake(opts.inspectorAdministrator ?? accountId);
  inspector2.isMember = (account) => organizations.isMember(account);
  inspector2.access = memberAccess;
  const s3 = new S3Fake(now, accountId);
  const sbomExports = new SbomExportsFake(now, s3);
  // Inspector's SBOM of an image in ECR: what the build that pushed it installed (no image, or none known: nothing).
  sbomExports.images = (region, repository, tag) => {
    const digest = ecr.digestOfTag(region, repository, tag);
    const packages = imagebuilder.containerPackages(region, repository, tag);
    return digest && packages ? [{ digest, packages }] : [];
  };
  inspector2.sbomExports = sbomExports;
  // Keyed by the registry's service names; `autoscaling` is the Auto Scaling client's.
  const byService: Partial<Record<ServiceName | 'autoscaling', FakeService>> = {
    autoscaling,
    cloudformation: inFrontOf(stackSetsApi(stackSets), StackEventsFake.ACTIONS, stackEvents),
    cloudtrail,
    cloudwatch,
    ec2: inFrontOf(ec2, ImageBlockPublicAccess.ACTIONS, prerequisites.imageBlockPublicAccess),
    ecr,
    imagebuilder,
    kms: kmsApi(kms, volumeGrantHolders),
    inspector2: inFrontOf(
      inFrontOf(inspector2, InspectorActivation.ACTIONS, prerequisites.inspector),
      InspectorOrganizationConfiguration.ACTIONS,
      prerequisites.inspectorOrganization,
    ),
    ...(!opts.ownLambda && { lambda: prerequisites.lambda }),
    organizations: prerequisites.organization,
    ram,
    s3,
    ssm,
    sns,
    sts,
  };
  const faults = opts.faults ?? {};
  // Credentials the local STS issued for a member role act in that account as that session.
  const identities = (accessKeyId: string | undefined) => {
    const session = memberAccess.session(accessKeyId);
    return session ? { account: session.account, principal: session.arn } : undefined;
  };
  const maxAttempts = opts.maxAttempts ?? SDK_MAX_ATTEMPTS;

  const overrides: Partial<Record<ServiceName | 'autoscaling', Record<string, unknown>>> = {};
  for (const service of Object.keys(byService) as (ServiceName | 'autoscaling')[]) {
    overrides[service] = {
      credentials: { accessKeyId: 'AKIALOCALGOLDSMITH', secretAccessKey: 'local' },
      httpAuthSchemes: UNSIGNED_AUTH_SCHEMES,
      // A fixed endpoint skips the endpoint rule set; the fakes answer before any request is sent.
      endpoint: localEndpoint(`${service}.local.goldsmith`),
      maxAttempts,
      // A getter, so every client built from these settings gets its own retry quota, as real clients do.
      get retryStrategy() {
        return new VirtualRetryStrategy(maxAttempts, clock, calls.random, () => {
          stats.faults.retried++;
        });
      },
    };
  }
  const clientSettings: ClientSettings = {
    overrides: overrides as ClientSettings['overrides'],
    // The AWS edge's waits for asynchronous effects (a pointer's validation) run on the virtual clock.
    sleep: (ms) => clock.sleep(ms, 'read back an asynchronous effect'),
    // Random names the edge makes (an SBOM export's key prefix): from the seed and what they name, the same in a run
    // and in its saved-and-resumed twin.
    nonce: (bytes, label) =>
      createHash('sha256')
        .update(`${opts.seed ?? 1} ${label}`)
        .digest()
        .subarray(0, bytes),
    decorate: (client, service, region) => {
      // Nothing goes on the wire: the headers only the wire reads are not made, nor an unsigned client's signing step.
      withoutWireMiddleware(client);
      // Every request that reaches the local cloud (fakes and dynalite alike) is checked against AWS's model.
      attachModelCheck(client);
      const fake = byService[service];
      if (!fake) return;
      attachFake(client, {
        service,
        region,
        accountId,
        fake,
        clock,
        throttle,
        stats,
        random: calls.random,
        calls,
        faults,
        identities,
        history: cloudtrail,
      });
    },
  };
  return {
    clientSettings,
    fakes: {
      alarms,
      autoscaling,
      memberAccess,
      stackSets,
      stackEvents,
      cloudtrail,
      ec2,
      ecr,
      imagebuilder,
      inspector2,
      kms,
      organizations,
      ram,
      s3,
      ssm,
      sns,
      sts,
      throttle,
      prerequisites,
    },
    stats,
    random,
    calls,
  };
}
