import { describe, expect, it } from 'vitest';
import { type Fact, factsOf } from '../../../core/notifications/facts.js';
import type { NotificationEvent, NotificationOf } from '../../../events/notification.js';
import { SAMPLE_NOTIFICATIONS } from '../../fixtures/notifications.js';

/** The sample announcement of `event` with its detail changed. */
function sample<E extends NotificationEvent>(
  event: E,
  detail: Partial<NotificationOf<E>['detail']>,
): NotificationOf<E> {
  const n = SAMPLE_NOTIFICATIONS[event];
  return { ...n, detail: { ...n.detail, ...detail } };
}

const labels = (facts: Fact[]) => facts.map(([label]) => label);

describe('factsOf: the facts of each announcement, in the order people read them', () => {
  const expected: { [E in NotificationEvent]: Fact[] } = {
    'build-requested': [['Trigger', 'package']],
    'build-skipped': [['Trigger', 'package']],
    'build-failed': [
      ['Status', 'FAILED'],
      ['Failed in', 'base-agents'],
      ['Reason', 'component base-agents failed'],
    ],
    'image-available': [
      ['Regions', 'us-east-1, eu-west-1'],
      ['AMIs', 'ami-0a1b2c3d4e5f60001, ami-0a1b2c3d4e5f60002'],
    ],
    'gate-passed': [['Findings', '0 critical, 3 high']],
    'gate-failed': [['Failed', '3 high findings exceed 2']],
    'approval-requested': [
      ['Approvers', 'ops-lead, security-reviewer'],
      ['Expires', '2027-01-17T05:00:00.000Z'],
      ['Findings', '0 critical, 0 high, 3 medium'],
    ],
    approved: [
      ['By', 'ops-lead'],
      ['Via', 'slack'],
    ],
    rejected: [
      ['By', 'security-reviewer'],
      ['Via', 'email'],
      ['Reason', 'rejected by security-reviewer'],
    ],
    expired: [['Reason', 'approval timed out without a decision']],
    aborted: [['Reason', 'a new critical finding during soak']],
    paused: [
      ['Error', 'Goldsmith.Transient'],
      [
        'Reason',
        'Goldsmith.Transient: EC2 Unavailable — still failing after the 24h retry horizon; paused, and resumed from this step once AWS answers',
      ],
    ],
    resumed: [
      ['By', 'goldsmith'],
      ['Resumption', '1'],
    ],
    promoted: [
      ['Regions', '2'],
      ['Accounts', '75'],
      ['OUs', '3'],
      ['Pointer', '/goldsmith/base/prod'],
    ],
    'pipeline-disabled': [
      ['Failed builds', '3'],
      ['Pipeline', 'arn:aws:imagebuilder:us-east-1:111122223333:image-pipeline/goldsmith-base'],
    ],
    'builds-paused': [
      ['Failed builds', '1.0.0/4, 1.0.0/5, 1.0.0/6'],
      ['Resume', 'goldsmith resume base --builds'],
    ],
    'revocation-requested': [
      ['Channels', 'prod'],
      ['Reason', '1 critical finding over 0'],
    ],
    'fleet-finding': [
      ['Account', '444455556666'],
      ['Instance', 'i-0123456789abcdef0 (eu-west-1)'],
      ['Severity', 'CRITICAL'],
      ['Vulnerability', 'CVE-2027-0042'],
      ['Packages', 'libxml2 2.9.1'],
      ['Why not the image', "libxml2 2.9.1: not in the image's package inventory as built"],
    ],
    retired: [
      ['Channels', 'prod'],
      ['Reason', 'beyond retention'],
    ],
    revoked: [
      ['Channels', 'dev, prod'],
      ['By', 'operator'],
      ['Reason', 'CVE-2027-0001'],
    ],
    'revocation-scheduled': [
      ['Due', '2027-02-03T10:00:00.000Z'],
      ['By', 'arn:aws:sts::123456789012:assumed-role/ops/alice'],
      ['Reason', 'CVE-2027-0001'],
    ],
    'fleet-on-revoked': [
      ['Account', '200000000002'],
      ['Region', 'eu-west-1'],
      ['Instances', '12'],
      ['Launch templates', '1'],
      ['Observed', '2027-02-02T03:00:00.000Z'],
    ],
    'hold-expired': [
      ['Held since', '2027-01-03T10:00:00.000Z'],
      ['Hold ended', '2027-02-02T10:00:00.000Z'],
      ['Accounts', '3'],
      ['Instances', '41'],
      ['Some accounts', '200000000001, 200000000002, 200000000003'],
    ],
    'version-restored': [
      ['By', 'arn:aws:sts::123456789012:assumed-role/ops/alice'],
      ['Reason', 'false positive: the CVE does not apply'],
      ['Revoked at', '2027-02-02T09:00:00.000Z'],
      ['Revoked for', 'CVE-2027-0001 in openssl'],
    ],
    'hold-released': [
      ['By', 'arn:aws:sts::123456789012:assumed-role/ops/alice'],
      ['Reason', 'team notified twice'],
      ['Accounts', '1'],
      ['Instances', '2'],
    ],
    'soak-ended-early': [
      ['Soak was to end', '2027-02-03T10:00:00.000Z'],
      ['By', 'arn:aws:sts::123456789012:assumed-role/ops/alice'],
      ['Reason', 'hotfix'],
    ],
    'revocation-cancelled': [
      ['Was due', '2027-02-03T10:00:00.000Z'],
      ['By', 'arn:aws:sts::123456789012:assumed-role/ops/alice'],
      ['Reason', 'fixed by 1.0.0/3 instead'],
    ],
    'rolled-back': [
      ['From', '1.0.0/3'],
      ['To', '1.0.0/2'],
      ['Reason', 'CVE-2027-0001'],
    ],
    'drift-found': [
      ['Region', 'us-east-1'],
      ['Found', 'ami-0aaaaaaaaaaaaaaa1 (parameter version 4)'],
      ['Ledger says', 'ami-0bbbbbbbbbbbbbbb2 (1.0.0/3)'],
      ['Done', 'put back ami-0bbbbbbbbbbbbbbb2, confirmed at parameter version 5'],
    ],
    'claim-refused': [
      ['Claimed', 'approve by ops-lead (slack) at 2027-01-14T12:00:00.000Z'],
      ['Refused', 'no door of Goldsmith signed it: left undecided for an approver'],
    ],
    'monthly-summary': [
      ['Built', '3'],
      ['Failed', '1'],
      ['Promoted', '2'],
      ['Rejected', '1'],
      ['Waiting', '1'],
      ['Soaking', '1'],
      ['Building', '1'],
      ['Cost', '7.25 USD'],
    ],
    'rollout-wave-started': [
      ['Wave', '2/3 (wave-1)'],
      ['Groups', '20'],
      ['Accounts', '8'],
      ['Regions', 'us-east-1, eu-west-1'],
    ],
    'rollout-wave-healthy': [
      ['Wave', '1/3 (canary)'],
      ['Groups', '4'],
      ['Next wave', 'wave-1'],
    ],
    'rollout-halted': [
      ['Wave', '2/3 (wave-1)'],
      ['Groups', '20'],
      ['Failed', '3'],
      ['Reason', 'alarm app-5xx went to ALARM in 222222222222 us-east-1'],
    ],
    'rollout-wave-rolled-back': [
      ['Wave', '1/3 (canary)'],
      ['Groups', '4'],
      ['Reason', 'alarm app-5xx fired after the canary was healthy'],
    ],
    'rollout-completed': [
      ['Waves', '3'],
      ['Groups', '45'],
      ['Skipped', '2'],
    ],
    'rollout-paused': [
      ['Wave', '2/3 (wave-1)'],
      ['By', 'arn:aws:sts::123456789012:assumed-role/ops/alice'],
      ['Reason', 'peak trading week'],
    ],
    'rollout-resumed': [
      ['Wave', '2/3 (wave-1)'],
      ['By', 'arn:aws:sts::123456789012:assumed-role/ops/alice'],
    ],
    'rollout-aborted': [
      ['Wave', '2/3 (wave-1)'],
      ['Cancelling', '6'],
      ['By', 'arn:aws:sts::123456789012:assumed-role/ops/alice'],
      ['Reason', 'the new kernel breaks the agent'],
    ],
    'rollout-stopped': [
      ['Wave', '2/3 (wave-1)'],
      ['Execution', 'ABORTED'],
      ['Reason', 'its execution is ABORTED while the rollout was running'],
    ],
    'rollout-groups-skipped': [
      ['Wave', '1/3 (canary)'],
      ['Skipped', '1000'],
      ['990 because', 'it runs launch template version $Latest: a refresh can roll back only to a numbered version'],
      ['10 because', 'it has no launch template'],
    ],
    'rollout-account-failed': [
      ['Wave', '2/3 (wave-1)'],
      ['Account', '222222222222'],
      ['Region', 'eu-west-1'],
      ['Error', 'AccessDenied'],
      ['Reason', 'User is not authorized to perform: sts:AssumeRole'],
    ],
    'rollout-groups-unmoved': [
      ['Wave', '2/3 (wave-1)'],
      ['Groups', '2'],
      ['Instances left', '6'],
    ],
    'rollout-groups-taken-back': [
      ['Wave', '1/3 (canary)'],
      ['Groups', '2'],
      ['Scope', 'account'],
      ['Reason', 'wave canary alarm app-5xx in ALARM in 222222222222 eu-west-1 after the wave finished'],
    ],
    'rollout-group-skipped': [
      ['Group', 'web-asg'],
      ['Account', '222222222222'],
      ['Region', 'eu-west-1'],
      ['Reason', 'its launch template names its AMI by resolve:ssm:, which instance refresh cannot roll back'],
    ],
    'key-grants-high': [
      ['Region', 'eu-west-1'],
      ['Grants', '41000 of 50000'],
      ['Account', '222222222222: 3100'],
    ],
    'key-grant-revoked': [
      ['Region', 'eu-west-1'],
      ['Account', '444455556666'],
      ['Grant', 'a1b2c3'],
      ['Reason', 'the account left the organization'],
    ],
    'key-grant-kept': [
      ['Region', 'eu-west-1'],
      ['Account', '444455556666'],
      ['Grant', 'd4e5f6'],
      [
        'Why',
        "the member baseline's StackSet has an operation in flight on its stack instance (CURRENT RUNNING), whose deletion retires the grant",
      ],
      ['Until', '2027-01-14T21:00:00.000Z'],
    ],
    'alarm-state-changed': [
      ['State', 'OK → ALARM'],
      ['Changed', '2027-01-14T05:00:00.000Z'],
      ['Region', 'US East (N. Virginia)'],
      ['Account', '111122223333'],
    ],
  };

  it.each(Object.keys(expected) as NotificationEvent[])('%s', (event) => {
    expect(factsOf(SAMPLE_NOTIFICATIONS[event])).toEqual(expected[event]);
  });
});

describe('factsOf: facts shown only when the announcement has them', () => {
  it('leaves out a failed component, findings, a decider, targets and a vulnerability that are not there', () => {
    expect(labels(factsOf(sample('build-failed', { component: undefined })))).toEqual(['Status', 'Reason']);
    expect(labels(factsOf(sample('approval-requested', { findings: undefined })))).toEqual(['Approvers', 'Expires']);
    expect(labels(factsOf(sample('rejected', { by: undefined, via: undefined })))).toEqual(['Reason']);
    expect(labels(factsOf(sample('promoted', { targets: undefined })))).toEqual(['Regions', 'Pointer']);
    expect(labels(factsOf(sample('fleet-finding', { vulnerabilityId: undefined })))).not.toContain('Vulnerability');
    expect(labels(factsOf(sample('revoked', { by: undefined })))).toEqual(['Channels', 'Reason']);
  });

  it('leaves out channels, a reason, a previous version and an empty list of accounts that are not there', () => {
    expect(labels(factsOf(sample('retired', { channels: undefined })))).toEqual(['Reason']);
    expect(labels(factsOf(sample('soak-ended-early', { reason: undefined })))).toEqual(['Soak was to end', 'By']);
    expect(labels(factsOf(sample('revocation-cancelled', { reason: undefined })))).toEqual(['Was due', 'By']);
    expect(labels(factsOf(sample('rolled-back', { from: undefined })))).toEqual(['To', 'Reason']);
    expect(labels(factsOf(sample('hold-expired', { someAccounts: [] })))).not.toContain('Some accounts');
  });

  it('shows the findings of a failed gate, and how many still run a revoked image', () => {
    expect(factsOf(sample('gate-failed', { findings: { critical: 1, high: 2, medium: 3 } }))).toContainEqual([
      'Findings',
      '1 critical, 2 high, 3 medium',
    ]);
    const inUse = { accounts: 4, instances: 17, observedAt: '2027-02-02T03:00:00.000Z' };
    expect(factsOf(sample('revoked', { inUse })).at(-1)).toEqual([
      'Still running it',
      '4 accounts, 17 instances (observed 2027-02-02T03:00:00.000Z)',
    ]);
  });

  it('says none for an empty list', () => {
    expect(factsOf(sample('image-available', { amis: [] }))).toEqual([
      ['Regions', 'none'],
      ['AMIs', 'none'],
    ]);
  });

  it('adds up every image of a monthly summary, and leaves out soaking, building and cost when there are none', () => {
    const image = { image: 'app', built: 2, failed: 3, promoted: 4, rejected: 5, patchToProdHours: null };
    const n = sample('monthly-summary', {
      images: [...SAMPLE_NOTIFICATIONS['monthly-summary'].detail.images, image],
      soaking: [],
      building: undefined,
      cost: undefined,
    });

    expect(factsOf(n)).toEqual([
      ['Built', '5'],
      ['Failed', '4'],
      ['Promoted', '6'],
      ['Rejected', '6'],
      ['Waiting', '1'],
    ]);
  });
});
