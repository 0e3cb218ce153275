import type { Notification } from '../../events/notification.js';
import { changesLine } from '../sbom/changes-text.js';
import { alarmFacts } from './alarm-text.js';
import { keyGrantsFacts } from './key-grants-text.js';
import { rolloutFacts } from './rollout-text.js';
import type { Fact } from './shapes.js';

export type { Fact } from './shapes.js';

const joined = (items: readonly string[]) => (items.length === 0 ? 'none' : items.join(', '));

type SummaryRow = Extract<Notification, { event: 'monthly-summary' }>['detail']['images'][number];

/** A monthly summary's expired, aborted and revoked totals, each when there was any (the chart counts them too). */
function stoppedFacts(rows: readonly SummaryRow[]): Fact[] {
  const facts: Fact[] = [];
  for (const [label, key] of [
    ['Expired', 'expired'],
    ['Aborted', 'aborted'],
    ['Revoked', 'revoked'],
  ] as const) {
    const n = rows.reduce((s, i) => s + (i[key] ?? 0), 0);
    if (n > 0) facts.push([label, String(n)]);
  }
  return facts;
}

/**
 * The key numbers of an announcement, beyond image, version and channel: what email lists under the summary and
 * Slack shows as fields. Each renderer shows the same facts, so email and Slack never disagree.
 */
export function factsOf(n: Notification): Fact[] {
  switch (n.event) {
    case 'build-requested':
    case 'build-skipped':
      return [['Trigger', n.detail.trigger]];
    case 'build-failed':
      return [
        ['Status', n.detail.status],
        ...(n.detail.component ? [['Failed in', n.detail.component] as const] : []),
        ['Reason', n.detail.reason],
      ];
    case 'image-available':
      return [
        ['Regions', joined(n.detail.amis.map((a) => a.region))],
        ['AMIs', joined(n.detail.amis.map((a) => a.imageId))],
      ];
    case 'gate-passed':
      return [['Findings', `${n.detail.findings.critical} critical, ${n.detail.findings.high} high`]];
    case 'gate-failed':
      return [
        ['Failed', joined(n.detail.failed)],
        ...(n.detail.findings
          ? [
              [
                'Findings',
                `${n.detail.findings.critical} critical, ${n.detail.findings.high} high, ${n.detail.findings.medium} medium`,
              ] as const,
            ]
          : []),
      ];
    case 'approval-requested':
      return [
        ['Approvers', joined(n.detail.approvers)],
        ['Expires', n.detail.expiresAt],
        ...(n.detail.findings
          ? [
              [
                'Findings',
                `${n.detail.findings.critical} critical, ${n.detail.findings.high} high, ${n.detail.findings.medium} medium`,
              ] as [string, string],
            ]
          : []),
        ...(n.detail.changes ? [['Changes', changesLine(n.detail.changes)] as [string, string]] : []),
      ];
    case 'approved':
      return [
        ['By', n.detail.by],
        ['Via', n.detail.via],
      ];
    case 'rejected':
      return [
        ...(n.detail.by ? [['By', n.detail.by] as const] : []),
        ...(n.detail.via ? [['Via', n.detail.via] as const] : []),
        ['Reason', n.detail.reason],
      ];
    case 'expired':
    case 'aborted':
      return [['Reason', n.detail.reason]];
    case 'paused':
      return [
        ['Error', n.detail.error],
        ['Reason', n.detail.reason],
      ];
    case 'resumed':
      return [
        ['By', n.detail.by],
        ['Resumption', String(n.detail.resumes)],
      ];
    case 'promoted':
      return [
        ['Regions', String(n.detail.amis.length)],
        ...(n.detail.targets
          ? [['Accounts', String(n.detail.targets.accounts)] as const, ['OUs', String(n.detail.targets.ous)] as const]
          : []),
        ['Pointer', n.detail.pointer],
      ];
    case 'pipeline-disabled':
      return [
        ['Failed builds', String(n.detail.consecutiveFailures)],
        ['Pipeline', n.detail.pipelineArn],
      ];
    case 'builds-paused':
      return [
        ['Failed builds', n.detail.failedBuilds.join(', ')],
        ['Resume', n.detail.resume],
      ];
    case 'fleet-finding':
      return [
        ['Account', n.detail.account],
        ['Instance', `${n.detail.resource} (${n.detail.region})`],
        ['Severity', n.detail.findingSeverity],
        ...(n.detail.vulnerabilityId ? [['Vulnerability', n.detail.vulnerabilityId] as const] : []),
        ['Packages', joined(n.detail.packages)],
        ['Why not the image', n.detail.reason],
      ];
    // Stryker disable next-line ConditionalExpression: falling through, the retired case lists the same channels and reason
    case 'revocation-requested':
      return [
        ['Channels', joined(n.detail.channels)],
        ['Reason', n.detail.reason],
      ];
    case 'retired':
      return [
        ...(n.detail.channels ? [['Channels', joined(n.detail.channels)] as const] : []),
        ['Reason', n.detail.reason],
      ];
    case 'revoked':
      return [
        ['Channels', joined(n.detail.channels)],
        ...(n.detail.by ? [['By', n.detail.by] as const] : []),
        ['Reason', n.detail.reason],
        ...(n.detail.inUse
          ? [
              [
                'Still running it',
                `${n.detail.inUse.accounts} accounts, ${n.detail.inUse.instances} instances (observed ${n.detail.inUse.observedAt})`,
              ] as const,
            ]
          : []),
      ];
    case 'revocation-scheduled':
      return [
        ['Due', n.detail.due],
        ['By', n.detail.by],
        ['Reason', n.detail.reason],
      ];
    case 'fleet-on-revoked':
      return [
        ['Account', n.detail.account],
        ['Region', n.detail.region],
        ['Instances', String(n.detail.instances)],
        ['Launch templates', String(n.detail.launchTemplates)],
        ['Observed', n.detail.observedAt],
      ];
    case 'hold-expired':
      return [
        ['Held since', n.detail.heldSince],
        ['Hold ended', n.detail.heldUntil],
        ['Accounts', String(n.detail.accounts)],
        ['Instances', String(n.detail.instances)],
        ...(n.detail.someAccounts.length ? [['Some accounts', joined(n.detail.someAccounts)] as const] : []),
      ];
    case 'hold-released':
      return [
        ['By', n.detail.by],
        ['Reason', n.detail.reason],
        ['Accounts', String(n.detail.accounts)],
        ['Instances', String(n.detail.instances)],
      ];
    case 'version-restored':
      return [
        ['By', n.detail.by],
        ['Reason', n.detail.reason],
        ['Revoked at', n.detail.revokedAt],
        ['Revoked for', n.detail.revokedFor],
      ];
    case 'soak-ended-early':
      return [
        ['Soak was to end', n.detail.until],
        ['By', n.detail.by],
        ...(n.detail.reason ? [['Reason', n.detail.reason] as const] : []),
      ];
    case 'revocation-cancelled':
      return [
        ['Was due', n.detail.due],
        ['By', n.detail.by],
        ...(n.detail.reason ? [['Reason', n.detail.reason] as const] : []),
      ];
    case 'rolled-back':
      return [
        ...(n.detail.from ? [['From', n.detail.from] as const] : []),
        ['To', n.detail.to],
        ['Reason', n.detail.reason],
      ];
    case 'drift-found':
      return [
        ...(n.detail.region ? [['Region', n.detail.region] as const] : []),
        ['Found', n.detail.found],
        ['Ledger says', n.detail.expected],
        ['Done', n.detail.action],
      ];
    case 'claim-refused':
      return [
        ['Claimed', n.detail.found],
        ['Refused', n.detail.reason],
      ];
    case 'rollout-wave-started':
    case 'rollout-wave-healthy':
    case 'rollout-halted':
    case 'rollout-wave-rolled-back':
    case 'rollout-completed':
    case 'rollout-paused':
    case 'rollout-resumed':
    case 'rollout-aborted':
    case 'rollout-stopped':
    case 'rollout-groups-skipped':
    case 'rollout-groups-unmoved':
    case 'rollout-groups-taken-back':
    case 'rollout-account-failed':
    case 'rollout-group-skipped':
      return rolloutFacts(n);
    case 'key-grants-high':
    case 'key-grant-revoked':
    case 'key-grant-kept':
      return keyGrantsFacts(n);
    case 'alarm-state-changed':
      return alarmFacts(n);
    case 'monthly-summary':
      return [
        ['Built', String(n.detail.images.reduce((s, i) => s + i.built, 0))],
        ['Failed', String(n.detail.images.reduce((s, i) => s + i.failed, 0))],
        ['Promoted', String(n.detail.images.reduce((s, i) => s + i.promoted, 0))],
        ['Rejected', String(n.detail.images.reduce((s, i) => s + i.rejected, 0))],
        ...stoppedFacts(n.detail.images),
        ['Waiting', String(n.detail.waiting.length)],
        ...(n.detail.soaking?.length ? [['Soaking', String(n.detail.soaking.length)] as const] : []),
        ...(n.detail.building?.length ? [['Building', String(n.detail.building.length)] as const] : []),
        ...(n.detail.cost ? [['Cost', `${n.detail.cost.total.toFixed(2)} ${n.detail.cost.currency}`] as const] : []),
      ];
  }
}
