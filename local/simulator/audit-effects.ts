import { RECONCILE_PERIOD_HOURS } from '../../core/reconcile/decide.js';
import type { LocalCloud } from './cloud.js';
import type { SimulationReport } from './report.js';
import { type Item, str } from './report-ledger.js';
import { buildFinder } from './targets.js';

/**
 * The audit's checks that what the ledger records was carried out in the fakes, what AWS would now answer
 * (docs/simulation/report.md, "The consistency audit"), each counting what it examined:
 * - `revocations-carried-out`: every revocation recorded `revoked` was carried out to its end: announced (SNS holds
 *   its `revoked` announcement), its AMIs deprecated, no pointer in any Region names it (its launch permissions are
 *   `revoked-not-launchable`'s);
 * - `pointers-match-ledger`: each channel pointer the ledger records is published in SSM naming that version (a
 *   roll-back recorded is done), and each one published is recorded (a withdrawal recorded is done);
 * - `build-states-agree`: each build's status in Image Builder and in the ledger agree, unless Image Builder's last
 *   change is younger than the reconciler's period and an hour (its next run levels them);
 * - `functions-running`: no Goldsmith function is left stopped (a reserved concurrency of 0, as the functions'
 *   auditor stops one whose code changed), which an operator must restart.
 */

/** What a pointer publishes for a build in a Region: its AMI, or its container image by digest. */
export function publishedValueOf(cloud: LocalCloud): (image: string, version: string, region: string) => string[] {
  const findBuild = buildFinder(cloud.installed.fakes.imagebuilder.builds.values());
  return (image, version, region) => {
    const b = findBuild(image, version);
    const ami = b?.amis.find((a) => a.region === region)?.image;
    const uri = b?.containers.find((c) => c.region === region)?.imageUris[0];
    const m = uri ? /^([^/]+)\/(.+):([^:/]+)$/.exec(uri) : null;
    const digest = m ? cloud.installed.fakes.ecr.digestOfTag(region, m[2] ?? '', m[3] ?? '') : undefined;
    return [...(ami ? [ami] : []), ...(m && digest ? [`${m[1]}/${m[2]}@${digest}`] : [])];
  };
}

/** Past this, a build's statuses in Image Builder and the ledger must agree: the reconciler's period and an hour. */
export const BUILD_STATE_WINDOW_MS = (RECONCILE_PERIOD_HOURS + 1) * 3_600_000;

export function auditEffects(
  cloud: LocalCloud,
  report: SimulationReport,
  items: readonly Item[],
  statusTimes: ReadonlyMap<string, { status: string; at: string }>,
  /** `image@version` of the promotions paused before their record: their pointers may be ahead of the ledger. */
  paused: ReadonlySet<string>,
): { problems: string[]; checks: Record<string, number> } {
  const problems: string[] = [];
  const checks = {
    'revocations-carried-out': 0,
    'pointers-match-ledger': 0,
    'build-states-agree': 0,
    'functions-running': 0,
  };
  const published = publishedValueOf(cloud);
  const { ec2, imagebuilder } = cloud.installed.fakes;
  const { functions } = cloud;
  const findBuild = buildFinder(imagebuilder.builds.values());

  for (const r of items.filter((i) => i.kind === 'revocation' && i.state === 'revoked')) {
    checks['revocations-carried-out']++;
    const [image, version] = [str(r.image), str(r.version)];
    const what = `revoked ${image} ${version} (recorded at ${str(r.revokedAt)})`;
    const announced = cloud.installed.fakes.sns.messages.some(
      (m) => m.attributes.event === 'revoked' && m.attributes.image === image && versionOf(m.message) === version,
    );
    if (!announced) problems.push(`${what}: not announced${r.announcePending ? ' (its announcement is pending)' : ''}`);
    for (const a of findBuild(image, version)?.amis ?? []) {
      const held = ec2.images.get(a.image);
      if (held && held.deprecationTime === undefined)
        problems.push(`${what}: ${a.image} in ${a.region} not deprecated`);
    }
    for (const [key, regions] of Object.entries(report.pointers)) {
      if (!key.startsWith(`${image}/`)) continue;
      for (const [region, value] of Object.entries(regions))
        if (published(image, version, region).includes(value))
          problems.push(`${what}: pointer ${key} in ${region} still names it (${value})`);
    }
  }

  const recorded = new Map(
    items.filter((i) => i.kind === 'channel').map((c) => [`${str(c.image)}/${str(c.channel)}`, c]),
  );
  for (const [key, c] of recorded) {
    if (paused.has(`${str(c.image)}@${str(c.version)}`)) continue;
    checks['pointers-match-ledger']++;
    const regions = report.pointers[key];
    if (!regions) {
      problems.push(`pointer ${key}: the ledger records ${str(c.version)}, and no Region publishes it`);
      continue;
    }
    for (const [region, value] of Object.entries(regions)) {
      const expected = published(str(c.image), str(c.version), region);
      if (!expected.includes(value))
        problems.push(`pointer ${key} in ${region} names ${value}; the ledger records ${str(c.version)}`);
    }
  }
  const pausedImages = new Set([...paused].map((p) => p.split('@')[0]));
  for (const key of Object.keys(report.pointers)) {
    if (recorded.has(key) || pausedImages.has(key.split('/')[0])) continue;
    checks['pointers-match-ledger']++;
    problems.push(
      `pointer ${key} is published, and the ledger records no version in it (withdrawn, or never recorded)`,
    );
  }

  const end = cloud.clock.now();
  const ledgerBuilds = new Map(
    items
      .filter((i) => str(i.sk).startsWith('BUILD#'))
      .map((b) => [`${str(b.pk).slice('IMAGE#'.length)}@${str(b.sk).slice('BUILD#'.length)}`, b]),
  );
  for (const b of imagebuilder.builds.values()) {
    const version = b.arn.split('/').slice(-2).join('/');
    const changed = statusTimes.get(b.arn)?.at ?? b.dateCreated;
    if (b.deletedAt || end - Date.parse(changed) < BUILD_STATE_WINDOW_MS) continue;
    checks['build-states-agree']++;
    const ledger = ledgerBuilds.get(`${b.pipeline.image}@${version}`);
    if (!ledger) problems.push(`build ${b.pipeline.image} ${version}: ${b.status} in Image Builder, not in the ledger`);
    else if (!ledger.deletedAt && str(ledger.status) !== b.status)
      problems.push(
        `build ${b.pipeline.image} ${version}: ${b.status} in Image Builder since ${changed}, ${str(ledger.status) || 'no status'} in the ledger`,
      );
  }

  for (const fn of functions.functions.values()) {
    checks['functions-running']++;
    if (fn.reserved === 0)
      problems.push(`function ${fn.FunctionName} is stopped (reserved concurrency 0): an operator must restart it`);
  }
  return { problems, checks };
}

/** The version an announcement's document names. */
function versionOf(message: string): string {
  try {
    return str((JSON.parse(message) as { version?: unknown }).version);
  } catch {
    return '';
  }
}
