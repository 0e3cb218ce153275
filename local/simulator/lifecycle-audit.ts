import { parseDuration } from '../../core/duration.js';
import { buildHistories } from '../../core/lifecycle/history.js';
import { planRetention } from '../../core/lifecycle/retention.js';
import type { PromotionOutcome } from '../../core/promotion/types.js';
import type { LocalCloud } from './cloud.js';

type Item = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The report's `amis` figures (docs/simulation.md), from the EC2 fake: what AWS would hold now. */
export interface AmiFigures {
  alive: number;
  deprecated: number;
  deregistered: number;
  snapshotsDeleted: number;
  /** Snapshots still stored (an extension: with `alive`, what the factory pays storage for). */
  snapshotsAlive: number;
}

/** The AMIs Goldsmith's builds produced: AMI id → image, version, region. */
export function buildAmis(cloud: LocalCloud): Map<string, { image: string; version: string; region: string }> {
  const amis = new Map<string, { image: string; version: string; region: string }>();
  for (const b of cloud.installed.fakes.imagebuilder.builds.values()) {
    const version = b.arn.split('/').slice(-2).join('/');
    for (const a of b.amis) amis.set(a.image, { image: b.pipeline.image, version, region: a.region });
  }
  return amis;
}

export function amiFigures(cloud: LocalCloud): AmiFigures {
  const { ec2 } = cloud.installed.fakes;
  const ours = buildAmis(cloud);
  const now = cloud.clock.now();
  const alive = [...ec2.images.values()].filter((a) => ours.has(a.imageId));
  const snapshotsOfOurs = new Set(alive.flatMap((a) => a.snapshotIds));
  for (const d of ec2.deregistered.values()) for (const s of d.snapshotIds) snapshotsOfOurs.add(s);
  return {
    alive: alive.length,
    deprecated: alive.filter((a) => a.deprecationTime !== undefined && Date.parse(a.deprecationTime) <= now).length,
    deregistered: [...ec2.deregistered.keys()].filter((id) => ours.has(id)).length,
    snapshotsDeleted: ec2.snapshotsDeleted,
    snapshotsAlive: [...ec2.snapshots.keys()].filter((s) => snapshotsOfOurs.has(s)).length,
  };
}

/** One out-of-cycle rebuild and how long until a newer version reached each channel it was live in. */
export interface PatchTime {
  image: string;
  version: string;
  findingAt: string;
  channels: Record<string, { version: string; at: string; hours: number } | null>;
}

/** From the ledger's `OUTOFCYCLE#` records and the promotions: finding → patched version in each channel. */
export function patchTimes(items: readonly Item[]): PatchTime[] {
  const promoted = items.filter((i) => i.kind === 'promotion' && i.outcome === 'promoted');
  return items
    .filter((i) => i.kind === 'out-of-cycle')
    .map((o) => {
      const findingAt = str(o.findingAt);
      const channels: PatchTime['channels'] = {};
      for (const channel of (o.channels as string[] | undefined) ?? []) {
        const next = promoted
          .filter(
            (p) => p.image === o.image && p.channel === channel && str(p.at) > findingAt && p.version !== o.version,
          )
          .sort((a, b) => str(a.at).localeCompare(str(b.at)))[0];
        channels[channel] = next
          ? {
              version: str(next.version),
              at: str(next.at),
              hours: Math.round(((Date.parse(str(next.at)) - Date.parse(findingAt)) / 3_600_000) * 10) / 10,
            }
          : null;
      }
      return { image: str(o.image), version: str(o.version), findingAt, channels };
    });
}

/**
 * The lifecycle checks of the end-of-run audit, answered from the fakes and counted: no pointer names a deregistered
 * or revoked AMI; no revoked AMI is launchable by anyone but its owner; every alive AMI is within retention, held by
 * a pointer, or within its grace (the daily sweep may be up to a day behind); no snapshot is orphaned.
 */
export function auditLifecycle(
  cloud: LocalCloud,
  pointers: Record<string, Record<string, string>>,
  items: readonly Item[],
): { problems: string[]; checks: Record<string, number> } {
  const { ec2, organizations } = cloud.installed.fakes;
  const problems: string[] = [];
  const checks = {
    'pointer-not-deregistered-or-revoked': 0,
    'revoked-not-launchable': 0,
    'alive-within-retention': 0,
    'no-orphan-snapshots': 0,
  };
  const ours = buildAmis(cloud);
  const revoked = new Set(
    items
      .filter((i) => i.kind === 'revocation' && i.state === 'revoked')
      .map((i) => `${str(i.image)}@${str(i.version)}`),
  );

  for (const [key, regions] of Object.entries(pointers)) {
    for (const [region, ami] of Object.entries(regions)) {
      // A container channel's pointer names an image by digest, not an AMI (the consumer audit checks those).
      if (!ami.startsWith('ami-')) continue;
      checks['pointer-not-deregistered-or-revoked']++;
      const made = ours.get(ami);
      if (!ec2.images.has(ami)) problems.push(`pointer ${key} in ${region} names ${ami}, which is deregistered`);
      else if (made && revoked.has(`${made.image}@${made.version}`))
        problems.push(`pointer ${key} in ${region} names ${ami} of revoked ${made.image} ${made.version}`);
    }
  }

  const everyone = [...organizations.accountIds(), '999999999999'].filter((a) => a !== '123456789012');
  for (const [ami, made] of ours) {
    if (!revoked.has(`${made.image}@${made.version}`)) continue;
    for (const account of everyone) {
      checks['revoked-not-launchable']++;
      if (ec2.isLaunchableBy(made.region, ami, account, organizations)) {
        problems.push(`revoked ${made.image} ${made.version}: ${account} can launch ${ami} in ${made.region}`);
        break;
      }
    }
  }

  // Recompute the retention decision a day before the end: whatever was due by then the daily sweep must have done.
  const asOf = new Date(cloud.clock.now() - 25 * 3_600_000).toISOString();
  for (const [image, spec] of Object.entries(cloud.catalog.images)) {
    const mine = items.filter((i) => i.pk === `IMAGE#${image}`);
    const builds = mine
      .filter((i) => str(i.sk).startsWith('BUILD#'))
      .map((b) => ({ ...b, version: str(b.sk).slice('BUILD#'.length) })) as {
      version: string;
      status?: string;
      updatedAt?: string;
      retiredAt?: string;
      deletedAt?: string;
    }[];
    const outcomes = mine
      .filter((i) => i.kind === 'promotion' && str(i.at) <= asOf)
      .map((o) => ({
        version: str(o.version),
        channel: str(o.channel),
        outcome: o.outcome as PromotionOutcome,
        at: str(o.at),
      }));
    const revocations = mine
      .filter((i) => i.kind === 'revocation')
      .map((r) => ({ version: str(r.version), state: str(r.state), revokedAt: str(r.revokedAt) || undefined }));
    const firstChannel = (spec.channels ?? cloud.catalog.channels.map((c) => c.name))[0];
    const held = new Set(
      items
        .filter(
          (i) =>
            str(i.sk).startsWith('BUILD#') && !i.deletedAt && (i.parent as { image?: string } | null)?.image === image,
        )
        .map((i) => str((i.parent as { buildVersion?: string }).buildVersion)),
    );
    const channelPointers = Object.fromEntries(
      mine.filter((i) => i.kind === 'channel').map((p) => [str(p.channel), str(p.version)]),
    );
    const plan = planRetention({
      now: asOf,
      policy: {
        keep: spec.retention.keep,
        deleteAfterSeconds: parseDuration(spec.retention.deleteAfter),
        unpromotedGraceSeconds: parseDuration(spec.retention.unpromotedGrace),
      },
      builds: buildHistories({ builds, outcomes, revocations }, firstChannel),
      pointers: channelPointers,
      heldByDescendants: held,
      inUse: new Set(
        [...versionsInUseOf(items)].filter((k) => k.startsWith(`${image}@`)).map((k) => k.slice(image.length + 1)),
      ),
    });
    const overdue = new Set(plan.delete.map((d) => d.version));
    for (const [ami, made] of ours) {
      if (made.image !== image || !ec2.images.has(ami)) continue;
      checks['alive-within-retention']++;
      if (overdue.has(made.version)) {
        problems.push(`${image} ${made.version} (${ami} in ${made.region}) is past its retention but still registered`);
      }
    }
  }

  const used = new Set([...ec2.images.values()].flatMap((a) => a.snapshotIds));
  for (const snap of ec2.snapshots.values()) {
    if (snap.ownerId !== '123456789012') continue;
    checks['no-orphan-snapshots']++;
    if (!used.has(snap.snapshotId)) problems.push(`snapshot ${snap.snapshotId} in ${snap.region} backs no AMI`);
  }
  return { problems, checks };
}

/**
 * `image@version` of the builds whose latest usage observation (the ledger's `USAGE#` items) shows a member account
 * running or launching them: retention keeps their AMIs, and a retired one keeps its launch permissions.
 */
export function versionsInUseOf(items: readonly Item[]): Set<string> {
  const out = new Set<string>();
  for (const i of items) {
    if (!str(i.sk).startsWith('USAGE#') || !i.observedAt) continue;
    if (Number(i.instances ?? 0) > 0 || Number(i.launchTemplates ?? 0) > 0)
      out.add(`${str(i.image)}@${str(i.version)}`);
  }
  return out;
}

/**
 * The builds the lifecycle took out of every channel, from the ledger: `image@version` → retired, revoked or deleted.
 * Their AMIs must be launchable by no one (the launch audit expects no grant for them), except a retired build a
 * member account still uses (it keeps its grants until nobody does).
 */
export function withdrawnBuilds(items: readonly Item[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = versionsInUseOf(items);
  for (const i of items) {
    if (str(i.sk).startsWith('BUILD#') && (i.retiredAt || i.deletedAt)) {
      const version = str(i.sk).slice('BUILD#'.length);
      if (!i.deletedAt && used.has(`${str(i.pk).slice('IMAGE#'.length)}@${version}`)) continue;
      out.set(`${str(i.pk).slice('IMAGE#'.length)}@${version}`, i.deletedAt ? 'deleted' : 'retired');
    }
  }
  for (const i of items) {
    if (i.kind === 'revocation' && i.state === 'revoked') out.set(`${str(i.image)}@${str(i.version)}`, 'revoked');
  }
  return out;
}

/**
 * The retired builds kept shared for their users, from the ledger: `image@version` → the accounts the latest usage
 * observation names (those running or launching from it). Retired, not deleted, not revoked, still in use: each
 * must be launchable by exactly those of its users its channels still reach, and by nobody else.
 */
export function retiredSharedUsers(items: readonly Item[]): Map<string, Set<string>> {
  const withdrawn = withdrawnBuilds(items);
  const retired = new Set<string>();
  for (const i of items) {
    if (!str(i.sk).startsWith('BUILD#') || !i.retiredAt || i.deletedAt) continue;
    const key = `${str(i.pk).slice('IMAGE#'.length)}@${str(i.sk).slice('BUILD#'.length)}`;
    if (!withdrawn.has(key)) retired.add(key);
  }
  const out = new Map<string, Set<string>>();
  for (const i of items) {
    if (!str(i.sk).startsWith('USAGE#') || !i.observedAt) continue;
    if (!(Number(i.instances ?? 0) > 0 || Number(i.launchTemplates ?? 0) > 0)) continue;
    const key = `${str(i.image)}@${str(i.version)}`;
    if (!retired.has(key)) continue;
    const users = out.get(key) ?? new Set<string>();
    const accounts = i.accounts && typeof i.accounts === 'object' ? Object.keys(i.accounts) : [];
    for (const a of accounts) users.add(a);
    out.set(key, users);
  }
  return out;
}
