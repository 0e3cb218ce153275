import { readDecisionsAndRevocations } from '../../aws/audit/image-decisions.js';
import type { TargetSpec } from '../../core/sharing/targets.js';
import { readOnce } from '../lib/read-once.js';
import { auditChannelTags } from './channel-tags.js';
import { auditLaunchPermissions } from './launch-permissions.js';
import { auditPointerPolicies } from './pointer-policies.js';
import { auditChannelPointers } from './pointers.js';
import type { AuditFinding, AuditPart } from './report.js';
import { auditForwardingRules } from './rules.js';
import { auditScheduledRevocations } from './scheduled-revocations.js';

export type { AuditFinding, AuditPart };

/** What one audit found and did: each part, and every finding together. */
export interface AuditReport {
  /** The channel pointers in every Region (every `pointerSweepEvery` days). */
  pointers?: AuditPart;
  /** The container channels' tags and their repositories' guard in every Region (daily). */
  channelTags?: AuditPart;
  /** Live versions' launch permissions in every Region (daily). */
  launchPermissions?: AuditPart;
  /** Scheduled revocations against their schedules and the ledger's revocations (every run). */
  scheduledRevocations: AuditPart;
  /** The findings-forwarding rule and its target in every non-home distribution Region (daily). */
  rules?: AuditPart;
  /**
   * The resource policies on the pointers each channel's share holds, in every Region (every
   * `pointerPolicySweepEvery` days; daily, those RAM lists in a share other than their channel's).
   */
  pointerPolicies?: AuditPart;
  findings: AuditFinding[];
  failures: string[];
  permanentFailures: number;
}

type Plan = {
  image: string;
  regions: readonly string[];
  channels: readonly { name: string; targets: TargetSpec & { allowCopy?: boolean } }[];
};

/**
 * The reconciler's audit of what AWS holds against the ledger (docs/operating.md, "The daily audit"). Every run:
 * scheduled revocations whose schedule is gone are carried out once due, or announced while still to come. Once a
 * day (the full pass): the resource policies of the pointers RAM lists in a share other than their channel's; every
 * `pointerSweepEvery` days, every channel pointer in every Region;
 * every `pointerPolicySweepEvery` days, the resource policies on every pointer each channel's share holds
 * (pointer-policies.ts); every `launchPermissionSweepEvery` days, every live version's launch permissions in every
 * Region and the forwarding rules (with their targets) of every Region; each put back where someone changed it outside Goldsmith. Between sweeps a change's own event asks for a
 * read of just that resource (readback.ts): the sweeps are the backstop. Parts run one after the other; a failure in
 * one stops none of the others.
 */
export async function auditWhatAwsHolds(
  plans: readonly Plan[],
  now: Date,
  daily: boolean,
  /**
   * Which sweeps this daily pass makes (the catalog's `monitoring.launchPermissionSweepEvery`, `pointerSweepEvery`,
   * `pointerPolicySweepEvery`).
   */
  sweeps: { launchPermissions: boolean; pointers: boolean; pointerPolicies: boolean } = {
    launchPermissions: daily,
    pointers: daily,
    pointerPolicies: daily,
  },
): Promise<AuditReport> {
  const sweepLaunchPermissions = daily && sweeps.launchPermissions;
  // On the daily pass each image's decisions, revocations and scheduled revocations are read once, in one Query,
  // for both parts that read them (aws/audit/image-decisions.ts).
  const decisions = daily ? readOnce(readDecisionsAndRevocations) : undefined;
  const scheduledRevocations = await auditScheduledRevocations(
    plans.map((p) => p.image),
    now,
    daily,
    decisions,
  );
  // The rules, state, pattern and targets, with the launch permissions' sweep; between, a change reaches the audit as
  // its event (a trail's, within minutes; the event history's, the next day: functions/audit-history.ts), which reads
  // that rule back (readback.ts).
  const rules = sweepLaunchPermissions ? await auditForwardingRules(now) : undefined;
  // The pointers' resource policies: all of them on their sweep's day; on the other days those RAM lists in a share
  // that is not their channel's (one ListResources a Region); between passes a PutResourcePolicy's event asks for
  // that pointer's (readback.ts).
  const pointerPolicies = daily
    ? await auditPointerPolicies(plans, now, sweeps.pointerPolicies ? 'all' : 'outside-shares')
    : undefined;
  const pointers = daily && sweeps.pointers ? await auditChannelPointers(plans, now) : undefined;
  // A channel tag moved outside Goldsmith changes what every consumer pulling it runs, and no event says so: daily.
  const channelTags = daily ? await auditChannelTags(plans, now) : undefined;
  const launchPermissions = sweepLaunchPermissions ? await auditLaunchPermissions(plans, now, decisions) : undefined;
  const parts = [scheduledRevocations, rules, pointerPolicies, pointers, channelTags, launchPermissions].filter(
    (p): p is AuditPart => p !== undefined,
  );
  return {
    scheduledRevocations,
    ...(rules ? { rules } : {}),
    ...(pointerPolicies ? { pointerPolicies } : {}),
    ...(pointers ? { pointers } : {}),
    ...(channelTags ? { channelTags } : {}),
    ...(launchPermissions ? { launchPermissions } : {}),
    findings: parts.flatMap((p) => p.findings),
    failures: parts.flatMap((p) => p.failures),
    permanentFailures: parts.reduce((n, p) => n + p.permanentFailures, 0),
  };
}
