import type { LocalCloud } from './cloud.js';
import type { SimulationReport } from './report.js';
import { buildFinder, targetResolver } from './targets.js';

/**
 * The end-of-run audit of the fakes against the ledger (CONTRACTS.md `consistency`): every pointer names a promoted,
 * unrevoked build; no AMI carries launch permissions the ledger does not record as granted; nothing rejected,
 * expired or aborted is launchable by the channel's targets.
 */
export function auditConsistency(cloud: LocalCloud, report: SimulationReport): { ok: boolean; problems: string[] } {
  const problems: string[] = [];
  const { ec2, organizations, imagebuilder } = cloud.installed.fakes;
  const findBuild = buildFinder(imagebuilder.builds.values());
  const amiOf = (p: { image: string; version: string }, region: string): string | undefined =>
    findBuild(p.image, p.version)?.amis.find((a) => a.region === region)?.image;
  const reach = targetResolver(organizations);

  // At-least-once delivery must never become at-least-twice building or promoting.
  const starts = report.apiCalls['imagebuilder:StartImagePipelineExecution'] ?? 0;
  if (starts > report.builds.length) {
    problems.push(
      `${starts} StartImagePipelineExecution calls for ${report.builds.length} builds: a change was sent twice`,
    );
  }
  const executions = cloud.sfn.list().map((e) => e.name);
  if (new Set(executions).size !== executions.length) problems.push('a promotion execution was started twice');

  for (const [key, regions] of Object.entries(report.pointers)) {
    const [image, channel] = key.split('/') as [string, string];
    for (const [region, ami] of Object.entries(regions)) {
      const promoted = report.promotions.find(
        (p) => p.image === image && p.channel === channel && p.outcome === 'promoted' && amiOf(p, region) === ami,
      );
      if (!promoted)
        problems.push(`pointer ${key} in ${region} names ${ami}, which no promotion to ${channel} produced`);
    }
  }

  // Sharing (ModifyImageAttribute) is a later issue: until it lands, Goldsmith grants nothing, so any launch
  // permission on one of our AMIs is one the ledger cannot account for.
  for (const image of ec2.images.values()) {
    if (image.ownerId !== '123456789012' || image.launchPermissions.size === 0) continue;
    problems.push(`${image.imageId} in ${image.region} has launch permissions the ledger does not record`);
  }

  for (const p of report.promotions.filter((x) => x.outcome !== 'promoted')) {
    const channel = cloud.catalog.channels.find((c) => c.name === p.channel);
    if (!channel) continue;
    // Exclusions are ignored on purpose: an excluded account must not be able to launch it either.
    const accounts = reach({ ous: channel.targets.ous, accounts: channel.targets.accounts });
    for (const region of cloud.catalog.images[p.image]?.regions ?? []) {
      const ami = amiOf(p, region);
      if (!ami) continue;
      for (const account of accounts) {
        if (ec2.isLaunchableBy(region, ami, account, organizations)) {
          problems.push(`${p.image} ${p.version} was ${p.outcome} for ${p.channel} but ${account} can launch ${ami}`);
          break;
        }
      }
    }
  }
  return { ok: problems.length === 0, problems };
}
