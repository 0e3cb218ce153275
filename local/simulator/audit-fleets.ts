import { usersOfVersion } from '../../core/fleet/usage.js';
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

/** `image version account region` of each `fleet-on-revoked` announcement published (its JSON document). */
function toldOfRevocation(cloud: LocalCloud): Set<string> {
  const told = new Set<string>();
  for (const m of cloud.installed.fakes.sns.messages) {
    if (m.attributes.event !== 'fleet-on-revoked') continue;
    const doc = JSON.parse(m.message) as {
      image: string;
      version: string;
      detail: { account: string; region: string };
    };
    told.add(`${doc.image} ${doc.version} ${doc.detail.account} ${doc.detail.region}`);
  }
  return told;
}

/**
 * Every account the ledger's last usage observation of a revoked version (of a report asked for before the
 * revocation) shows was told, per Region; an account that moved onto the version after that observation is beyond what EC2 lets the owner
 * see once the AMI is shared with nobody (docs/fleet.md).
 */
function untoldOfRevocation(cloud: LocalCloud, ledger: readonly Item[]): { problems: string[]; checked: number } {
  const told = toldOfRevocation(cloud);
  const problems: string[] = [];
  let checked = 0;
  for (const r of ledger) {
    if (!String(r.sk).startsWith('REVOCATION#') || r.state !== 'revoked' || typeof r.revokedAt !== 'string') continue;
    const image = String(r.pk).replace(/^IMAGE#/, '');
    const version = String(r.version);
    const observed = ledger
      .filter((i) => i.pk === r.pk && String(i.sk).startsWith(`USAGE#${version}#`))
      // Reports asked for before the revocation count what ran then, whenever they were read.
      .filter(
        (i) =>
          typeof i.lastRequestedAt === 'string' && Date.parse(i.lastRequestedAt) <= Date.parse(String(r.revokedAt)),
      )
      .map((i) => ({
        region: String(i.region),
        observedAt: i.observedAt as string | undefined,
        accounts: i.accounts as Record<string, { instances: number; launchTemplates: number }> | undefined,
      }));
    for (const u of usersOfVersion(observed)) {
      checked += 1;
      if (!told.has(`${image} ${version} ${u.account} ${u.region}`)) {
        problems.push(`${image} ${version} was revoked while account ${u.account} ran it in ${u.region}, untold`);
      }
    }
  }
  return { problems, checked };
}

/**
 * The fleet audit, answered from the fakes: no AMI was deregistered while a member account's instance or launch
 * template still used it (the EC2 fake notes it at DeregisterImage), unless an operator released its version first;
 * every account on a revoked version was told.
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
  const revoked = untoldOfRevocation(cloud, ledger);
  return {
    problems: [...problems, ...revoked.problems],
    checks: {
      'in-use-not-deregistered': deregistered.size,
      'released-then-deregistered': releasedInUse,
      'revoked-users-told': revoked.checked,
    },
  };
}
