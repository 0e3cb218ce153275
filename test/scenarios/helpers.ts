import { readFileSync } from 'node:fs';
import { componentFilesIn } from '../../cli/load-catalog.js';
import { parseCatalog } from '../../core/config/catalog.js';
import type { Catalog, CatalogInput } from '../../core/config/schema.js';
import { type SimulationResult, simulate } from '../../local/simulator/index.js';
import { type Scenario, scenarioSchema } from '../../local/simulator/scenario.js';

export const REPO_ROOT = new URL('../../', import.meta.url).pathname;

/** Validates a catalog exactly as `goldsmith validate` would, with component files from the repository. */
export function catalogOf(input: CatalogInput): Catalog {
  const parsed = parseCatalog(input, componentFilesIn(REPO_ROOT));
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.catalog;
}

/** The built-in default scenario, with overrides. */
export function defaultScenario(overrides: Record<string, unknown> = {}): Scenario {
  const raw = JSON.parse(readFileSync(`${REPO_ROOT}local/simulator/default-scenario.json`, 'utf8')) as object;
  return scenarioSchema.parse({ ...raw, ...overrides });
}

/**
 * The default scenario between `start` and `until`, its events those before `eventsUntil` (default `until`: a run
 * saved early and opened later gives the later end), one account per OU (the faults are the point, not the sharing),
 * every delivery made twice (not the default's 10 % drawn at random, which moves whenever a function or schedule is
 * added), with `outages`.
 */
export function defaultScenarioWindow(window: {
  start: string;
  until: string;
  eventsUntil?: string;
  outages?: unknown[];
}): Scenario {
  const raw = JSON.parse(readFileSync(`${REPO_ROOT}local/simulator/default-scenario.json`, 'utf8')) as {
    events: { at?: string }[];
    faults: Record<string, unknown>;
  };
  const end = window.eventsUntil ?? window.until;
  return defaultScenario({
    start: window.start,
    until: window.until,
    organization: { accountsPerOu: 1 },
    events: raw.events.filter((e) => e.at === undefined || (e.at >= window.start && e.at < end)),
    faults: { ...raw.faults, deliverEachEventTimes: 2, duplicateRate: 0, outages: window.outages ?? [] },
  });
}

export function scenarioOf(raw: unknown): Scenario {
  return scenarioSchema.parse(raw);
}

export function run(catalog: Catalog, scenario: Scenario): Promise<SimulationResult> {
  return simulate(catalog, scenario, REPO_ROOT);
}

/** `image version trigger status` lines, in request order, for readable assertions. */
export function buildLines(result: SimulationResult, image?: string): string[] {
  return result.report.builds
    .filter((b) => !image || b.image === image)
    .map((b) => `${b.image} ${b.version} ${b.trigger} ${b.status}`);
}

type ImageInput = CatalogInput['images'][string];
/** A channel of a catalog's input. */
export type ChannelInput = CatalogInput['channels'][number];
/** What a catalog's input holds besides its organization, images and channels: access, resilience and the like. */
type CatalogRest = Omit<CatalogInput, 'organization' | 'images' | 'channels'>;

/** The public SSM parameter of the latest Amazon Linux 2023 AMI, the parent of every test catalog's base image. */
export const AL2023 = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

/**
 * A cloud that throttles a fifth of its AWS calls (seed 3) over a one-account-per-OU organization with no approvals,
 * the base image released at 01:00 on New Year's day: a request's work then waits on the clock while the SDK backs
 * off. The start of the determinism and acting-sequence scenarios; each adds its `until` and its own events.
 */
export const THROTTLED_NEW_YEAR_RELEASE = {
  start: '2027-01-01T00:00:00Z',
  organization: { accountsPerOu: 1 },
  approvals: 'none',
  faults: { throttleRate: 0.2 },
  seed: 3,
  events: [{ at: '2027-01-01T01:00:00Z', kind: 'base-image-release', parameter: AL2023 }],
};

/** How often the reconciler runs: what it deferred is finished within this long of an outage's end. */
export const RECONCILER_PERIOD_MS = 6 * 3_600_000;

/** Builds on the second day after Patch Tuesday, 03:00 London. */
export const PATCH_DAY_SCHEDULE = {
  type: 'monthly-patch',
  daysAfterPatchTuesday: 2,
  at: '03:00',
  timezone: 'Europe/London',
} satisfies ImageInput['schedule'];

/** Triggers of an image rebuilt on openssl releases and nothing else. */
export const OPENSSL_RELEASES = { baseImage: false, packages: ['openssl'] } satisfies ImageInput['triggers'];

/** A catalog image on the latest Amazon Linux 2023 AMI with the managed update-linux component, `spec` the rest. */
export function al2023Image(spec: Omit<ImageInput, 'parent' | 'components'>): ImageInput {
  return { parent: `ssm:${AL2023}`, components: [{ managed: 'update-linux' }], ...spec };
}

/** A catalog image on `parent`'s `channel` pointer with the managed update-linux component and no own triggers. */
export function childImage(
  parent: string,
  channel: string,
  spec: Omit<ImageInput, 'parent' | 'components' | 'triggers'>,
): ImageInput {
  return {
    parent: { image: parent, channel },
    components: [{ managed: 'update-linux' }],
    triggers: { baseImage: false, packages: [] },
    ...spec,
  };
}

/** The OU the dev channel targets. */
export const DEV_OU = 'ou-x1y2-dev00001';

/** The dev channel, targeting the dev OU; `spec` adds a soak or an approval. */
export function devChannel(spec: Omit<ChannelInput, 'name' | 'targets'> = {}): ChannelInput {
  return { name: 'dev', targets: { ous: [DEV_OU] }, ...spec };
}

/** The prod channel, targeting the prod OU; `spec` adds a soak or an approval. */
export function prodChannel(spec: Omit<ChannelInput, 'name' | 'targets'> = {}): ChannelInput {
  return { name: 'prod', targets: { ous: ['ou-x1y2-prd00001'] }, ...spec };
}

/** The approval of a channel by ops-lead, expiring after three days. */
export const OPS_LEAD_APPROVAL = { approvers: ['ops-lead'], timeout: '3d' } satisfies ChannelInput['approval'];

/** Channels dev, then prod behind ops-lead's approval. */
export function devThenApprovedProd(): ChannelInput[] {
  return [devChannel(), prodChannel({ approval: OPS_LEAD_APPROVAL })];
}

/**
 * The catalog of the pause scenarios, as JSON: one patch-day base in us-east-1 promoted dev → approved prod, with a
 * one-hour retry horizon so an outage of a few hours pauses its promotion.
 */
export function pausingCatalogJson(): string {
  const base = al2023Image({
    regions: ['us-east-1'],
    schedule: PATCH_DAY_SCHEDULE,
    triggers: { baseImage: false, packages: [] },
  });
  return JSON.stringify(catalogInput({ base }, devThenApprovedProd(), { resilience: { retryHorizon: '1h' } }));
}

/** Channels dev, then prod, each soaking an hour. */
export function devThenProdSoakingAnHour(): ChannelInput[] {
  return [devChannel({ soak: '1h' }), prodChannel({ soak: '1h' })];
}

/** The input of a catalog of the test organization (o-a1b2c3d4e5, home us-east-1); `rest` adds access or resilience. */
export function catalogInput<Images extends CatalogInput['images']>(
  images: Images,
  channels: ChannelInput[],
  rest: CatalogRest = {},
) {
  // Every approver the channels name receives their own links at <name>@example.com unless `rest` says otherwise.
  const approvers = Object.fromEntries(
    channels.flatMap((c) => c.approval?.approvers ?? []).map((name) => [name, `${name}@example.com`]),
  );
  const notifications = { ...rest.notifications, approvers: { ...approvers, ...rest.notifications?.approvers } };
  return {
    organization: { id: 'o-a1b2c3d4e5', homeRegion: 'us-east-1' },
    images,
    channels,
    ...rest,
    notifications,
  } satisfies CatalogInput;
}

/** A validated catalog of the test organization with `images` and `channels`; `rest` adds access or resilience. */
export function orgCatalog(images: CatalogInput['images'], channels: ChannelInput[], rest: CatalogRest = {}): Catalog {
  return catalogOf(catalogInput(images, channels, rest));
}

/** The CI principal of accessCatalog(), in the Goldsmith account. */
const CI_ROLE = 'arn:aws:iam::123456789012:role/ci-release';
/** The operator of accessCatalog(), in a security account of its own. */
const OPERATOR_ROLE = 'arn:aws:iam::210987654321:role/platform-engineer';

/**
 * A validated catalog of one base image in us-east-1 built on openssl releases, through dev, with a CI principal and
 * an operator in another account. The scenario files of one small base image share it, whether they use the access
 * or not: one catalog is one synthesis when the synthesis cache is cold (a fresh clone, any change to the stacks).
 */
export function accessCatalog(): Catalog {
  return orgCatalog({ base: al2023Image({ regions: ['us-east-1'], triggers: OPENSSL_RELEASES }) }, [devChannel()], {
    access: { ci: [CI_ROLE], operators: [OPERATOR_ROLE] },
  });
}

/** A validated catalog of base (two regions) built on patch day, base-image and openssl releases, and `images` on it. */
export function everyTriggerCatalog(images: CatalogInput['images'], channels: ChannelInput[]): Catalog {
  const base = al2023Image({
    regions: ['us-east-1', 'eu-west-1'],
    schedule: PATCH_DAY_SCHEDULE,
    triggers: { baseImage: true, packages: ['openssl'] },
  });
  return orgCatalog({ base, ...images }, channels);
}

/** A validated catalog of one base image in us-east-1, built on patch day only, through dev and an approved prod. */
export function patchDayCatalog(rest: CatalogRest = {}): Catalog {
  const base = al2023Image({
    regions: ['us-east-1'],
    schedule: PATCH_DAY_SCHEDULE,
    triggers: { baseImage: false, packages: [] },
  });
  return orgCatalog({ base }, devThenApprovedProd(), rest);
}

/** A scenario from `start` to `until` with one account per OU; `rest` adds events, faults or a seed. */
export function scenarioBetween(start: string, until: string, rest: Record<string, unknown> = {}): Scenario {
  return scenarioOf({ start, until, organization: { accountsPerOu: 1 }, ...rest });
}

/** A scenario event: openssl `version` released at `at`. */
export function opensslRelease(at: string, version: string) {
  return { at, kind: 'package-release', package: 'openssl', version };
}

/** `image version channel` lines of the promoted outcomes, in order, for readable assertions. */
export function promotedLines(result: SimulationResult): string[] {
  return result.report.promotions
    .filter((p) => p.outcome === 'promoted')
    .map((p) => `${p.image} ${p.version} ${p.channel}`);
}

/**
 * base → hardened → app, each following its parent's staging, in us-east-1: staging soaks a day and prod asks
 * ops-lead, both revoking on a critical finding. `appPackages`: packages whose releases build app (none by default).
 */
export function lineageCatalog(appPackages: string[] = []): CatalogInput {
  const critical = { maxCritical: 0, maxHigh: 5, revokeOn: ['critical' as const] };
  const app = childImage('hardened', 'staging', { regions: ['us-east-1'] });
  return catalogInput(
    {
      base: al2023Image({ regions: ['us-east-1'], triggers: { baseImage: true, packages: ['openssl'] } }),
      hardened: childImage('base', 'staging', { regions: ['us-east-1'] }),
      app: appPackages.length > 0 ? { ...app, triggers: { baseImage: false, packages: appPackages } } : app,
    },
    [
      { name: 'staging', targets: { ous: ['ou-x1y2-stg00001'] }, soak: '1d', vulnerabilities: critical },
      { name: 'prod', targets: { ous: ['ou-x1y2-prd00001'] }, approval: OPS_LEAD_APPROVAL, vulnerabilities: critical },
    ],
  );
}
