import { Launchability } from './audit-classes.js';
import { auditConsumerAccess } from './audit-consumers.js';
import { publishedValueOf } from './audit-effects.js';
import { auditKeys } from './audit-keys.js';
import type { PausedChannel } from './audit-recovering.js';
import { accountsUnderAt, auditRollout, wavesFromCatalog } from './audit-rollout.js';
import { auditLaunchPermissions } from './audit-sharing.js';
import type { LocalCloud } from './cloud.js';
import type { SimulationReport } from './report.js';

/**
 * The end-of-run audit of the fakes against the ledger (docs/simulation.md, `consistency`): every pointer names a promoted
 * build; every AMI is launchable by exactly the accounts of the channels its build holds, in every region, and by
 * nobody else (audit-sharing.ts), and its key lets exactly them use it (audit-keys.ts); no change started two builds. `checks` counts what each check examined.
 * A promotion paused before its record (`paused`: pointer or grants ahead of the ledger) is `recovering` while the
 * reconciler resumes it by itself, and a problem once it waits for an operator.
 */
export function auditConsistency(
  cloud: LocalCloud,
  report: SimulationReport,
  withdrawn: ReadonlyMap<string, string> = new Map(),
  paused: ReadonlyMap<string, readonly PausedChannel[]> = new Map(),
  retiredUsers: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
): SimulationReport['consistency'] {
  const problems: string[] = [];
  const recovering: string[] = [];
  const { imagebuilder } = cloud.installed.fakes;
  // What a pointer publishes for a build: its AMI, or its container image by the digest its build tag names in ECR.
  const publishes = publishedValueOf(cloud);
  const names = (p: { image: string; version: string }, region: string, value: string) =>
    publishes(p.image, p.version, region).includes(value);

  // At-least-once delivery must never become at-least-twice building. StartImagePipelineExecution retried with its
  // client token is idempotent (Image Builder answers with the same build), so calls are not counted: builds are,
  // per change (the dedupe key the ledger records for each build) and per client token.
  const tokens = new Set([...imagebuilder.builds.values()].map((b) => b.clientToken));
  if (tokens.size !== imagebuilder.builds.size) {
    problems.push(`${imagebuilder.builds.size} builds from ${tokens.size} client tokens: a request was built twice`);
  }
  const byChange = new Map<string, string[]>();
  for (const b of report.builds) {
    if (b.change)
      byChange.set(`${b.image}@${b.change}`, [...(byChange.get(`${b.image}@${b.change}`) ?? []), b.version]);
  }
  for (const [change, versions] of byChange) {
    if (versions.length > 1)
      problems.push(`change ${change} was built ${versions.length} times: ${versions.join(', ')}`);
  }
  const executions = cloud.sfn.list().map((e) => e.name);
  if (new Set(executions).size !== executions.length) problems.push('a promotion execution was started twice');

  for (const [key, regions] of Object.entries(report.pointers)) {
    const [image, channel] = key.split('/') as [string, string];
    for (const [region, ami] of Object.entries(regions)) {
      const promoted = report.promotions.find(
        (p) => p.image === image && p.channel === channel && p.outcome === 'promoted' && names(p, region, ami),
      );
      if (promoted) continue;
      const ahead = [...paused.values()]
        .flat()
        .find((c) => c.image === image && c.channel === channel && names(c, region, ami));
      // A pointer ahead of its record: the paused channel's own line below says whether that ends by itself.
      if (!ahead) problems.push(`pointer ${key} in ${region} names ${ami}, which no promotion to ${channel} produced`);
    }
  }

  for (const c of [...paused.values()].flat()) {
    (c.recovering ? recovering : problems).push(
      `${c.image} ${c.version}: ${c.why}; until then its ${c.channel} pointer and launch grants may be ahead of the ledger (docs/operating.md, "Known limits")`,
    );
  }

  // Who can launch each AMI, asked once per class of accounts that answer alike (audit-classes.ts).
  const launchability = new Launchability(cloud.installed.fakes.ec2, cloud.installed.fakes.organizations);
  const launches = auditLaunchPermissions(cloud, report, withdrawn, paused, retiredUsers, launchability);
  problems.push(...launches.problems);
  // Who can read each pointer and pull each container image, from RAM, SSM and ECR's state.
  const consumers = auditConsumerAccess(cloud, paused, launchability.classes);
  problems.push(...consumers.problems);
  // Whether the key of every launchable AMI lets its launchers (and their Auto Scaling) use it, and nobody else.
  const keys = auditKeys(cloud, launchability);
  problems.push(...keys.problems);
  // What Goldsmith's rollout role did in member accounts, from the fakes' records of its calls.
  const { autoscaling, ec2, organizations } = cloud.installed.fakes;
  const rollout = ec2.templates
    ? auditRollout(
        {
          calls: autoscaling.calls,
          templateChanges: ec2.templates.changes,
          refreshes: autoscaling.refreshes,
          templates: ec2.templates,
        },
        wavesFromCatalog(cloud.catalog.channels, (ou, at) => accountsUnderAt(organizations, ou, at)),
      )
    : { problems: [], checks: {} };
  problems.push(...rollout.problems);
  return {
    ok: problems.length === 0,
    problems,
    recovering,
    checks: {
      'one-build-per-change': report.builds.filter((b) => b.change).length,
      ...launches.checks,
      ...consumers.checks,
      ...keys.checks,
      ...rollout.checks,
      // The launch, pointer and key questions above (account × AMI or pointer × Region) and the answers worked out for
      // them, by class.
      'questions-by-class': launchability.classes.asked,
      'answers-worked-out': launchability.classes.evaluated,
    },
  };
}
