import { listCycleCompliance, recordCompliance } from '../../aws/fleet/compliance-ledger.js';
import type { UsageItem } from '../../aws/fleet/usage-ledger.js';
import { queryPrefix } from '../../aws/lifecycle/lifecycle-ledger.js';
import { complianceCycles, instancesOn, latestSample, sharesByOu, UNKNOWN_OU } from '../../core/fleet/compliance.js';
import { type ComplianceRecord, complianceUpdates, isOpen, recordKey } from '../../core/fleet/compliance-record.js';
import { withoutSuperseded } from '../../core/fleet/readings.js';
import type { ChannelStep } from '../../core/promotion/types.js';
import { accountPlaces } from '../../core/sharing/held-organization.js';
import { type OrganizationReader, organizationForOnePass, resolveChannels } from '../sharing/channel-targets.js';
import type { ImageState } from './ledger-view.js';

/** The sort-key prefix of the rebuilds a finding asked for. */
export const OUT_OF_CYCLE_PREFIX = 'OUTOFCYCLE#';

/** A rebuild a finding asked for (`OUTOFCYCLE#<version>`, functions/lifecycle/out-of-cycle.ts). */
export interface OutOfCycleItem {
  version: string;
  findingAt: string;
  channels?: string[];
}

/** What one compliance pass found: records written, and instances the latest sample shows on revoked versions. */
export interface CompliancePass {
  written: number;
  onRevoked: number;
}

/**
 * One image's patch-compliance pass (the daily sweep, after its usage pass): for each cycle still measured, the
 * share of each channel's instances per OU on the cycle's version or newer in the latest usage sample; records an OU
 * seen for the first time and each threshold crossed for the first time (core/fleet/compliance-record.ts). An
 * account's OU is its parent in the organization (`currentOrganization`); one the organization does not hold counts
 * under `unknown`. The channels and the OUs come from one read of the organization (`organization`: the sweep's
 * one read for all its images; otherwise one read for this pass).
 */
export async function measureCompliance(
  plan: { image: string; channels: readonly Pick<ChannelStep, 'name' | 'targets'>[] },
  state: ImageState,
  usage: readonly UsageItem[],
  now: Date,
  /** The image's `OUTOFCYCLE#` items when the caller read them (the sweep's partition); otherwise read here. */
  outOfCycleItems?: readonly OutOfCycleItem[],
  organization: OrganizationReader = organizationForOnePass(),
): Promise<CompliancePass> {
  const revoked = new Set(state.view.revocations.filter((r) => r.state === 'revoked').map((r) => r.version));
  // A revoked version is shared with nobody, so EC2 reports on it no more: its last observation stands until deleted.
  const deleted = new Set(state.builds.filter((b) => b.deletedAt).map((b) => b.version));
  const sample = latestSample(usage, new Set([...revoked].filter((v) => !deleted.has(v))));
  // Per account and Region only the latest observation counts: a revoked reading an account has moved on from is none.
  const current = withoutSuperseded(usage, (u) => u.lastRequestedAt);
  const onRevoked = instancesOn(current.filter((u) => revoked.has(u.version) && !deleted.has(u.version)));
  const outOfCycle = outOfCycleItems ?? (await queryPrefix<OutOfCycleItem>(plan.image, OUT_OF_CYCLE_PREFIX));
  const cycles = complianceCycles({
    builds: state.builds,
    promotions: state.view.outcomes
      .filter((o) => o.outcome === 'promoted')
      .map((o) => ({ version: o.version, channel: o.channel, at: o.at })),
    outOfCycle: outOfCycle.map((o) => ({ version: o.version, findingAt: o.findingAt, channels: o.channels ?? [] })),
  }).filter((c) => sample && isOpen(c, now.toISOString()) && sample.at >= c.pointerAt);
  // Nobody runs the image (or nothing to measure): no organization read, no write.
  if (!sample || cycles.length === 0 || instancesOn(sample.uses) === 0) return { written: 0, onRevoked };

  const channels = await resolveChannels(
    plan.channels.filter((c) => cycles.some((x) => x.channel === c.name)),
    organization,
  );
  const places = accountPlaces(await organization(false));
  const ouOf = (account: string) => places.get(account)?.parentId ?? UNKNOWN_OU;
  const recorded = new Map<string, Partial<ComplianceRecord>>();
  for (const id of new Set(cycles.map((c) => c.cycle))) {
    for (const r of await listCycleCompliance(id, plan.image)) recorded.set(recordKey(r), r);
  }
  let written = 0;
  for (const cycle of cycles) {
    const accounts = new Set(channels.byChannel.get(cycle.channel)?.accounts ?? []);
    const shares = sharesByOu(sample.uses, accounts, ouOf, cycle.version, revoked);
    for (const r of complianceUpdates({ image: plan.image, cycle, shares, sampledAt: sample.at, recorded })) {
      await recordCompliance(r);
      written++;
    }
  }
  return { written, onRevoked };
}
