import type { LocalCloud } from './cloud.js';

/**
 * The fleet audit, answered from the fakes: no AMI was deregistered while a member account's instance or launch
 * template still used it (the EC2 fake notes it at DeregisterImage).
 */
export function auditFleets(cloud: LocalCloud): { problems: string[]; checks: Record<string, number> } {
  const problems: string[] = [];
  const { deregistered } = cloud.installed.fakes.ec2;
  for (const [imageId, d] of deregistered) {
    if (d.inUse) problems.push(`${imageId} in ${d.region} was deregistered at ${d.at} while a member account used it`);
  }
  return { problems, checks: { 'in-use-not-deregistered': deregistered.size } };
}
