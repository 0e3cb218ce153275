import type { LocalCloud } from './cloud.js';

type Item = Record<string, unknown>;

/**
 * The AMIs an operator released for deletion (`goldsmith lifecycle release`), with when: the `HOLD#` items carrying
 * `releasedAt`, and their versions' AMIs as LoadImage recorded them on the build.
 */
function releasedAmis(ledger: readonly Item[]): Map<string, string> {
  const released = new Map<string, string>();
  for (const hold of ledger) {
    if (!String(hold.sk).startsWith('HOLD#') || typeof hold.releasedAt !== 'string') continue;
    const build = ledger.find((i) => i.pk === hold.pk && i.sk === `BUILD#${String(hold.version)}`);
    const amis = ((build?.loaded as { amis?: { imageId: string }[] } | undefined)?.amis ?? []).map((a) => a.imageId);
    for (const imageId of amis) released.set(imageId, hold.releasedAt);
  }
  return released;
}

/**
 * The fleet audit, answered from the fakes: no AMI was deregistered while a member account's instance or launch
 * template still used it (the EC2 fake notes it at DeregisterImage), unless an operator released its version first.
 */
export function auditFleets(
  cloud: LocalCloud,
  ledger: readonly Item[],
): { problems: string[]; checks: Record<string, number> } {
  const problems: string[] = [];
  const { deregistered } = cloud.installed.fakes.ec2;
  const released = releasedAmis(ledger);
  let releasedInUse = 0;
  for (const [imageId, d] of deregistered) {
    if (!d.inUse) continue;
    const at = released.get(imageId);
    if (at !== undefined && Date.parse(at) <= Date.parse(d.at)) releasedInUse += 1;
    else problems.push(`${imageId} in ${d.region} was deregistered at ${d.at} while a member account used it`);
  }
  return {
    problems,
    checks: { 'in-use-not-deregistered': deregistered.size, 'released-then-deregistered': releasedInUse },
  };
}
