import { describe, expect, it } from 'vitest';
import { announcement, HOW_TO_DECIDE, type Subject } from '../../../core/notifications/announce.js';
import type { NotificationEvent, NotificationOf } from '../../../events/notification.js';
import { SAMPLE_NOTIFICATIONS } from '../../fixtures/notifications.js';

const AT = '2027-01-14T05:00:00.000Z';
const base = { image: 'base', version: '1.0.0/3' };
const prod = { ...base, channel: 'prod' };

/** Announces a sample's event again, about the same subject with the same detail. */
function again<E extends NotificationEvent>(n: NotificationOf<E>): NotificationOf<E> {
  return announcement(n.event, { image: n.image, version: n.version, channel: n.channel }, n.detail, { at: AT });
}
const text = <E extends NotificationEvent>(n: NotificationOf<E>) => [n.severity, n.title, n.summary];

describe('announcement: what each kind says, and how urgent it is', () => {
  const expected: { [E in NotificationEvent]: [string, string, string] } = {
    'build-requested': [
      'info',
      'base: build requested (package)',
      'A new build of base was requested: package change openssl@3.0.16.',
    ],
    'build-skipped': [
      'info',
      'hardened: build skipped (package)',
      'No build of hardened: waits for base, also triggered by this change.',
    ],
    'build-failed': [
      'warning',
      'base 1.0.0/3: build failed',
      'Build 1.0.0/3 of base ended FAILED in base-agents: component base-agents failed. It will not be promoted.',
    ],
    'image-available': [
      'info',
      'base 1.0.0/3: built, tested, distributed',
      'base 1.0.0/3 is available in 2 regions (us-east-1, eu-west-1); its promotion starts now.',
    ],
    'gate-passed': [
      'info',
      'base 1.0.0/3: dev gate passed',
      'base 1.0.0/3 passed the dev gate (findings: 0 critical, 3 high, 7 medium).',
    ],
    'gate-failed': [
      'warning',
      'base 1.0.0/3: staging gate failed',
      'base 1.0.0/3 failed the staging gate: 3 high findings exceed 2.',
    ],
    'approval-requested': [
      'info',
      'Approve base 1.0.0/3 for prod?',
      'base 1.0.0/3 is waiting for approval to enter prod until 2027-01-17T05:00:00.000Z; the first answer of ops-lead, security-reviewer decides. Approvers: open the approve/reject link sent to you alone, press the Slack buttons, or run `goldsmith approve|reject base prod`.',
    ],
    approved: [
      'info',
      'base 1.0.0/3: approved for prod',
      'base 1.0.0/3 was approved for prod by ops-lead (approver, through Slack).',
    ],
    rejected: [
      'warning',
      'base 1.0.0/3: rejected for prod',
      'base 1.0.0/3 was rejected for prod by security-reviewer (approver, through their approval link): rejected by security-reviewer.',
    ],
    expired: [
      'warning',
      'base 1.0.0/3: approval for prod expired',
      'Nobody decided on base 1.0.0/3 for prod in time: approval timed out without a decision.',
    ],
    aborted: [
      'warning',
      'base 1.0.0/3: prod promotion aborted',
      'The promotion of base 1.0.0/3 to prod was aborted: a new critical finding during soak.',
    ],
    paused: [
      'warning',
      'base 1.0.0/3: prod promotion paused',
      'The promotion of base 1.0.0/3 to prod is paused: Goldsmith.Transient: EC2 Unavailable — still failing after the 24h retry horizon; paused, and resumed from this step once AWS answers.',
    ],
    resumed: [
      'info',
      'base 1.0.0/3: prod promotion resumed',
      'The paused promotion of base 1.0.0/3 was resumed at prod by goldsmith (resumption 1).',
    ],
    promoted: [
      'info',
      'base 1.0.0/3: promoted to prod',
      'base 1.0.0/3 is now prod in 2 regions, launchable by 75 accounts in 3 OUs; /goldsmith/base/prod points at it.',
    ],
    'pipeline-disabled': [
      'critical',
      'base: pipeline disabled after 3 failed builds',
      'Image Builder disabled the pipeline of base after 3 consecutive failed scheduled builds; no build of base runs until it is fixed and enabled again.',
    ],
    'builds-paused': [
      'critical',
      'base: builds paused after 3 failed builds in a row',
      'The last 3 builds of base failed in a row (1.0.0/4, 1.0.0/5, 1.0.0/6); no trigger starts another until an operator resumes them: goldsmith resume base --builds.',
    ],
    'revocation-requested': [
      'critical',
      'Revoke base 1.0.0/3 from prod?',
      'base 1.0.0/3, promoted to prod, now breaks policy: 1 critical finding over 0. A revocation was requested: ' +
        'goldsmith revoke base 1.0.0/3 --reason R carries it out; until then it stays where it is promoted.',
    ],
    'fleet-finding': [
      'warning',
      'base 1.0.0/3: critical finding on an instance of account 444455556666',
      "Inspector found CVE-2027-0042 (libxml2 2.9.1) on i-0123456789abcdef0 in eu-west-1, account 444455556666, launched from base 1.0.0/3: libxml2 2.9.1: not in the image's package inventory as built. It is the instance owner's to fix; base 1.0.0/3 stays where it is promoted.",
    ],
    retired: ['info', 'base 1.0.0/3: retired from prod', 'base 1.0.0/3 was retired: beyond retention.'],
    revoked: [
      'critical',
      'base 1.0.0/3: revoked',
      'base 1.0.0/3 was revoked by operator from dev, prod: CVE-2027-0001. Nobody can launch it any more.',
    ],
    'revocation-scheduled': [
      'warning',
      'base 1.0.0/3: revocation scheduled for 2027-02-03T10:00:00.000Z',
      'base 1.0.0/3 will be revoked at 2027-02-03T10:00:00.000Z (asked by arn:aws:sts::123456789012:assumed-role/ops/alice): CVE-2027-0001. Until then it stays where it is promoted.',
    ],
    'fleet-on-revoked': [
      'critical',
      'base 1.0.0/3 was revoked: account 200000000002 still runs it in eu-west-1',
      "Account 200000000002 ran 12 instances and 1 launch template on base 1.0.0/3 in eu-west-1 when usage was last observed (2027-02-02T03:00:00.000Z). It was revoked: CVE-2027-0001 in openssl. Those instances keep running, but nothing can launch the AMI any more; move to the channel's current version.",
    ],
    'hold-expired': [
      'warning',
      'base 1.0.0/3: still in use after its hold',
      'base 1.0.0/3 left retention but 3 accounts still use it (41 instances: 200000000001, 200000000002, 200000000003); its deletion has waited since 2027-01-03T10:00:00.000Z and its hold ended 2027-02-02T10:00:00.000Z. It stays, deprecated, until nobody uses it, or until an operator runs goldsmith lifecycle release base 1.0.0/3 --reason R.',
    ],
    'version-restored': [
      'warning',
      'base 1.0.0/3: restored',
      'arn:aws:sts::123456789012:assumed-role/ops/alice restored base 1.0.0/3, revoked at 2027-02-02T09:00:00.000Z (CVE-2027-0001 in openssl): false positive: the CVE does not apply. It is no longer revoked and launchable again by the channels it was promoted to; no channel was moved back to it.',
    ],
    'hold-released': [
      'warning',
      'base 1.0.0/3: released for deletion',
      'arn:aws:sts::123456789012:assumed-role/ops/alice released base 1.0.0/3 for deletion although 1 account still use it (2 instances): team notified twice. The next lifecycle sweep deletes it.',
    ],
    'soak-ended-early': [
      'warning',
      'base 1.0.0/3: soak in staging ended early',
      'arn:aws:sts::123456789012:assumed-role/ops/alice ended the soak of base 1.0.0/3 in staging, due to end at 2027-02-03T10:00:00.000Z: hotfix. Every gate after it still applies.',
    ],
    'revocation-cancelled': [
      'info',
      'base 1.0.0/3: revocation at 2027-02-03T10:00:00.000Z cancelled',
      'The revocation of base 1.0.0/3 due at 2027-02-03T10:00:00.000Z was cancelled by arn:aws:sts::123456789012:assumed-role/ops/alice: fixed by 1.0.0/3 instead. It stays where it is promoted.',
    ],
    'rolled-back': [
      'warning',
      'base/prod: rolled back to 1.0.0/2',
      'prod of base now points at 1.0.0/2 instead of 1.0.0/3: CVE-2027-0001.',
    ],
    'drift-found': [
      'warning',
      'pointer base/prod (us-east-1): changed outside Goldsmith',
      "The audit found the pointer base/prod in us-east-1 holding ami-0aaaaaaaaaaaaaaa1 (parameter version 4) where Goldsmith's ledger says ami-0bbbbbbbbbbbbbbb2 (1.0.0/3): put back ami-0bbbbbbbbbbbbbbb2, confirmed at parameter version 5.",
    ],
    'claim-refused': [
      'critical',
      "Refused a recorded decision on base 1.0.0/3 for prod: not Goldsmith's own",
      "Goldsmith refused a recorded decision on base 1.0.0/3 for prod (approve by ops-lead (slack) at 2027-01-14T12:00:00.000Z): no door of Goldsmith signed it: left undecided for an approver. Nothing acted on it; someone wrote it outside Goldsmith's own paths.",
    ],
    'monthly-summary': [
      'info',
      'Golden images, 2027-01: 3 builds, 2 promotions',
      '2027-01: 3 builds, 2 promotions, 1 rejection; 1 approval still waiting, 1 soak running, 1 build in flight; estimated cost 7.25 USD.',
    ],
    'rollout-wave-started': [
      'info',
      'base 1.0.0/3: prod rollout wave 2/3 (wave-1) started',
      'Refreshes of 20 Auto Scaling groups in 8 accounts (us-east-1, eu-west-1) to base 1.0.0/3 started. The next wave starts once each is Successful, after a 60-minute bake.',
    ],
    'rollout-wave-healthy': [
      'info',
      'base 1.0.0/3: prod rollout wave 1/3 (canary) healthy',
      'All 4 groups run 1.0.0/3, healthy through their bake. Wave 2/3 (wave-1) starts now.',
    ],
    'rollout-halted': [
      'critical',
      'base 1.0.0/3: prod rollout halted at wave 2/3 (wave-1)',
      '3 of 20 groups failed: alarm app-5xx went to ALARM in 222222222222 us-east-1. Its refreshes roll back, no later wave starts; prod still points at 1.0.0/3.',
    ],
    'rollout-wave-rolled-back': [
      'warning',
      'base 1.0.0/3: prod rollout wave 1/3 (canary) rolled back',
      '4 groups went back to their previous version: alarm app-5xx fired after the canary was healthy.',
    ],
    'rollout-completed': [
      'info',
      'base 1.0.0/3: prod rollout completed',
      '3 waves, 45 groups refreshed, 2 skipped (each announced).',
    ],
    'rollout-paused': [
      'warning',
      'base 1.0.0/3: prod rollout paused at wave 2/3 (wave-1)',
      'arn:aws:sts::123456789012:assumed-role/ops/alice paused it: peak trading week. Refreshes running go on; no wave starts until `goldsmith rollout resume base prod`.',
    ],
    'rollout-resumed': [
      'info',
      'base 1.0.0/3: prod rollout resumed at wave 2/3 (wave-1)',
      'arn:aws:sts::123456789012:assumed-role/ops/alice resumed it. The next wave starts once this one is healthy.',
    ],
    'rollout-aborted': [
      'warning',
      'base 1.0.0/3: prod rollout aborted at wave 2/3 (wave-1)',
      'arn:aws:sts::123456789012:assumed-role/ops/alice aborted it: the new kernel breaks the agent. Cancelling 6 refreshes still running; no wave starts; refreshed groups keep 1.0.0/3.',
    ],
    'rollout-stopped': [
      'critical',
      'base 1.0.0/3: prod rollout stopped at wave 2/3 (wave-1)',
      "Its execution is ABORTED: its execution is ABORTED while the rollout was running. No wave starts; refreshes running go on, refreshed groups keep 1.0.0/3. See the execution's history.",
    ],
    'rollout-groups-skipped': [
      'warning',
      'base 1.0.0/3: 1000 groups skipped in the prod rollout, wave 1/3 (canary)',
      'Not refreshed: 990 because it runs launch template version $Latest: a refresh can roll back only to a numbered version; 10 because it has no launch template. `goldsmith history base --verbose` names them.',
    ],
    'rollout-account-failed': [
      'warning',
      'base 1.0.0/3: account 222222222222 refused the prod rollout, wave 2/3 (wave-1)',
      'Account 222222222222 (eu-west-1) refused: AccessDenied: User is not authorized to perform: sts:AssumeRole. The other groups go on, then the wave fails. Check its rollout role (docs/deploy.md).',
    ],
    'rollout-groups-unmoved': [
      'warning',
      'base 1.0.0/3: 2 groups moved no instance in the prod rollout, wave 2/3 (wave-1)',
      'Refreshed, but all 6 instances kept their version (5 protected from scale in, 1 in Standby: ignored); first ecs-a in 222222222222 eu-west-1, ecs-b in 222222222222 eu-west-1. The wave goes on.',
    ],
    'rollout-groups-taken-back': [
      'warning',
      'base 1.0.0/3: 2 groups of wave 1/3 (canary) taken back in the halted prod rollout',
      '2 of the 5 groups are back on their previous version (lateAlarmScope account): wave canary alarm app-5xx in ALARM in 222222222222 eu-west-1 after the wave finished.',
    ],
    'rollout-group-skipped': [
      'warning',
      'base 1.0.0/3: group web-asg (222222222222) skipped in the prod rollout',
      'web-asg in 222222222222 (eu-west-1) was not refreshed: its launch template names its AMI by resolve:ssm:, which instance refresh cannot roll back (docs/rollout.md).',
    ],
    'key-grants-high': [
      'warning',
      'AMI key grants in eu-west-1: account 222222222222 holds 6 %',
      "Account 222222222222 holds 3100 of the 41000 grants on the AMI key in eu-west-1, above the catalog's share of the 50000 per key: each attached volume holds one (docs/consumers.md).",
    ],
    'key-grant-revoked': [
      'info',
      'AMI key grant of 444455556666 revoked in eu-west-1',
      'Goldsmith revoked grant a1b2c3 (goldsmith-auto-scaling-1234) of account 444455556666 on the AMI key in eu-west-1: the account left the organization.',
    ],
    'key-grant-kept': [
      'warning',
      'AMI key grant of 444455556666 kept in eu-west-1',
      "Goldsmith kept grant d4e5f6 (goldsmith-auto-scaling-5678) of account 444455556666 on the AMI key in eu-west-1: the member baseline's StackSet has an operation in flight on its stack instance (CURRENT RUNNING), whose deletion retires the grant; revoked from 2027-01-14T21:00:00.000Z if still held.",
    ],
    'alarm-state-changed': [
      // The default: core/notifications/alarm.ts gives ALARM critical, OK info.
      'warning',
      'Alarm prod-goldsmith-Monitoring-DriftFoundAlarm: in ALARM',
      'Goldsmith: the audit found AWS holding otherwise than the ledger. CloudWatch says: Threshold Crossed: 1 out of the last 1 datapoints [1.0 (14/01/27 04:00:00)] was greater than or equal to the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).',
    ],
  };

  for (const event of Object.keys(expected) as NotificationEvent[]) {
    it(`${event}: its severity, title and summary`, () => {
      expect(text(again(SAMPLE_NOTIFICATIONS[event]))).toEqual(expected[event]);
    });
  }
});

describe('announcement: the parts a detail may leave out', () => {
  it('names no component of a failed build that names none, and writes the status in lower case in the title', () => {
    const n = announcement('build-failed', base, { status: 'CANCELLED', reason: 'stopped' }, { at: AT });

    expect([n.title, n.summary]).toEqual([
      'base 1.0.0/3: build cancelled',
      'Build 1.0.0/3 of base ended CANCELLED: stopped. It will not be promoted.',
    ]);
  });

  it('writes one of a thing in the singular, and none as "none"', () => {
    const one = announcement(
      'image-available',
      base,
      { amis: [{ region: 'us-east-1', imageId: 'ami-1' }] },
      { at: AT },
    );
    const none = announcement('image-available', base, { amis: [] }, { at: AT });

    expect(one.summary).toBe('base 1.0.0/3 is available in 1 region (us-east-1); its promotion starts now.');
    expect(none.summary).toBe('base 1.0.0/3 is available in 0 regions (none); its promotion starts now.');
  });

  it('says who decided, and how unless Goldsmith or the timeout did, and nobody when no one is named', () => {
    const rejected = (by: string | undefined, via: 'slack' | 'goldsmith' | 'timeout' | undefined) =>
      announcement(
        'rejected',
        prod,
        { reason: 'no', ...(by === undefined ? {} : { by }), ...(via === undefined ? {} : { via }) },
        { at: AT },
      ).summary;

    expect(rejected('ops-lead', 'goldsmith')).toBe('base 1.0.0/3 was rejected for prod by ops-lead: no.');
    expect(rejected('ops-lead', 'timeout')).toBe('base 1.0.0/3 was rejected for prod by ops-lead: no.');
    expect(rejected('ops-lead', undefined)).toBe('base 1.0.0/3 was rejected for prod by ops-lead: no.');
    expect(rejected('ops-lead', 'slack')).toBe(
      'base 1.0.0/3 was rejected for prod by ops-lead (approver, through Slack): no.',
    );
    expect(rejected(undefined, 'slack')).toBe('base 1.0.0/3 was rejected for prod: no.');
  });

  it('promotes without targets, in one region, to one account in one OU', () => {
    const amis = [{ region: 'us-east-1', imageId: 'ami-1' }];
    const bare = announcement('promoted', prod, { amis, pointer: '/p' }, { at: AT });
    const one = announcement('promoted', prod, { amis, pointer: '/p', targets: { ous: 1, accounts: 1 } }, { at: AT });

    expect(bare.summary).toBe('base 1.0.0/3 is now prod in 1 region; /p points at it.');
    expect(one.summary).toBe('base 1.0.0/3 is now prod in 1 region, launchable by 1 account in 1 OU; /p points at it.');
  });

  it('disables a pipeline after one failed build', () => {
    const n = announcement(
      'pipeline-disabled',
      { image: 'base' },
      { pipelineArn: 'p', consecutiveFailures: 1 },
      { at: AT },
    );

    expect(n.title).toBe('base: pipeline disabled after 1 failed build');
    expect(n.summary).toContain('after 1 consecutive failed scheduled build;');
  });

  it('reports a fleet finding without an id or packages', () => {
    const n = announcement(
      'fleet-finding',
      base,
      { account: '4', resource: 'i-1', region: 'eu-west-1', findingSeverity: 'HIGH', packages: [], reason: 'r' },
      { at: AT },
    );

    expect(n.title).toBe('base 1.0.0/3: high finding on an instance of account 4');
    expect(n.summary.startsWith('Inspector found a finding on i-1 in eu-west-1, account 4,')).toBe(true);
  });

  it('retires without channels', () => {
    expect(announcement('retired', base, { reason: 'r' }, { at: AT }).title).toBe('base 1.0.0/3: retired');
    expect(announcement('retired', base, { reason: 'r', channels: [] }, { at: AT }).title).toBe(
      'base 1.0.0/3: retired',
    );
  });

  it('revokes without naming who, and says how many still ran it', () => {
    const n = announcement(
      'revoked',
      base,
      {
        reason: 'r',
        channels: ['prod'],
        inUse: { accounts: 1, instances: 1, observedAt: '2027-01-01T00:00:00Z' },
      },
      { at: AT },
    );

    expect(n.summary).toBe(
      'base 1.0.0/3 was revoked from prod: r. Nobody can launch it any more. 1 account still ran it (1 instance) when usage was last observed (2027-01-01T00:00:00Z); each is told on its own.',
    );
  });

  it('names the accounts still using a held version, marking that there are more, or none', () => {
    const held = (accounts: number, someAccounts: string[]) =>
      announcement(
        'hold-expired',
        base,
        { heldSince: 's', heldUntil: 'u', accounts, someAccounts, instances: 1 },
        { at: AT },
      ).summary;

    expect(held(3, ['a1', 'a2'])).toContain('but 3 accounts still use it (1 instance: a1, a2, …);');
    expect(held(2, ['a1', 'a2'])).toContain('but 2 accounts still use it (1 instance: a1, a2);');
    expect(held(1, [])).toContain('but 1 account still use it (1 instance);');
  });

  it('ends a soak early, cancels a revocation and rolls back without a reason or a version left', () => {
    expect(announcement('soak-ended-early', prod, { until: 'u', by: 'b' }, { at: AT }).summary).toBe(
      'b ended the soak of base 1.0.0/3 in prod, due to end at u. Every gate after it still applies.',
    );
    expect(announcement('revocation-cancelled', base, { due: 'd', by: 'b' }, { at: AT }).summary).toBe(
      'The revocation of base 1.0.0/3 due at d was cancelled by b. It stays where it is promoted.',
    );
    expect(announcement('rolled-back', prod, { to: '1.0.0/2', reason: 'r' }, { at: AT }).summary).toBe(
      'prod of base now points at 1.0.0/2: r.',
    );
  });

  it('says a roll-forward is one, who moved the channel and why', () => {
    const forward = announcement(
      'rolled-back',
      prod,
      { from: '1.0.0/2', to: '1.0.0/3', reason: 'CHG-7 rollback was the wrong channel', by: 'b', direction: 'forward' },
      { at: AT },
    );
    expect(forward.title).toBe('base/prod: rolled forward to 1.0.0/3');
    expect(forward.summary).toBe(
      'prod of base now points at 1.0.0/3 instead of 1.0.0/2, newer: a roll-forward by b: CHG-7 rollback was the wrong channel.',
    );
  });

  it('sums a quiet month over every image, without soaks, builds in flight or cost', () => {
    const row = { built: 1, failed: 0, promoted: 1, rejected: 0, patchToProdHours: null, cost: 0 };
    const n = announcement(
      'monthly-summary',
      {},
      {
        month: '2027-01',
        images: [
          { image: 'a', ...row },
          { image: 'b', ...row, built: 2, promoted: 3, rejected: 2 },
        ],
        waiting: [],
        soaking: [],
        building: [],
      },
      { at: AT },
    );

    expect(n.title).toBe('Golden images, 2027-01: 3 builds, 4 promotions');
    expect(n.summary).toBe('2027-01: 3 builds, 4 promotions, 2 rejections; 0 approvals still waiting.');
  });

  it('writes the month cost with two decimals', () => {
    const n = announcement(
      'monthly-summary',
      {},
      {
        month: '2027-01',
        images: [],
        waiting: [],
        cost: { currency: 'EUR', builds: 1, storage: 0, pointers: 0, total: 1 },
      },
      { at: AT },
    );

    expect(n.summary).toBe(
      '2027-01: 0 builds, 0 promotions, 0 rejections; 0 approvals still waiting; estimated cost 1.00 EUR.',
    );
  });
});

describe('HOW_TO_DECIDE', () => {
  it('names the image and channel of the CLI command', () => {
    const s: Subject = { image: 'app', channel: 'staging' };

    expect(HOW_TO_DECIDE(s)).toBe(
      'Approvers: open the approve/reject link sent to you alone, press the Slack buttons, or run `goldsmith approve|reject app staging`.',
    );
  });
});

describe('announcement: the envelope', () => {
  const gate = (subject: Subject, key?: string) =>
    announcement('gate-failed', subject, { reason: 'r', failed: ['r'] }, { at: AT, key });

  it('carries the contract version, event, time, detail, default links and the subject it is about', () => {
    const n = gate(prod);

    expect(n).toMatchObject({
      schemaVersion: 2,
      event: 'gate-failed',
      at: AT,
      links: [],
      detail: { reason: 'r', failed: ['r'] },
      image: 'base',
      version: '1.0.0/3',
      channel: 'prod',
    });
    expect(n.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('leaves out the parts of the subject it does not have', () => {
    const n = gate({});

    expect(n).not.toHaveProperty('image');
    expect(n).not.toHaveProperty('version');
    expect(n).not.toHaveProperty('channel');
  });

  it('takes the links and the severity it is given', () => {
    const links = [{ label: 'l', url: 'https://example.com' }];
    const n = announcement('gate-failed', prod, { reason: 'r', failed: [] }, { at: AT, links, severity: 'critical' });

    expect(n.links).toEqual(links);
    expect(n.severity).toBe('critical');
  });

  it('has the same id for the same event, subject and key, another when any of them differs', () => {
    const id = gate(prod, 'k').id;

    expect(gate(prod, 'k').id).toBe(id);
    expect(gate({ ...prod, image: 'app' }, 'k').id).not.toBe(id);
    expect(gate({ ...prod, version: '1.0.0/4' }, 'k').id).not.toBe(id);
    expect(gate({ ...prod, channel: 'dev' }, 'k').id).not.toBe(id);
    expect(gate(prod, 'l').id).not.toBe(id);
    expect(gate(prod).id).not.toBe(id);
    expect(announcement('aborted', prod, { reason: 'r' }, { at: AT, key: 'k' }).id).not.toBe(id);
  });

  it('hashes a missing part of the subject as an empty line', () => {
    expect(gate({}).id).toBe('2ftvSDqCZXPem_ogt7OPml');
    expect(gate({ image: 'base' }).id).toBe('QMl4VaB5HIlSCfAbQw-nXD');
  });

  it('tells a missing part of the subject from the next one moving up', () => {
    expect(gate({ image: 'base', channel: 'prod' }).id).not.toBe(gate({ image: 'base', version: 'prod' }).id);
    expect(gate({ image: 'base', version: 'x' }).id).not.toBe(gate({ image: 'base', version: '', channel: 'x' }).id);
  });

  it('is the first 22 characters of the base64url SHA-256 of event, image, version, channel and key, a line each', () => {
    expect(gate({ image: 'base', version: '1', channel: 'prod' }, 'k').id).toBe('AC-mFaMLyywHxtJ6rUB6df');
  });
});

describe('announcement: the title as an email subject', () => {
  const titled = (reason: string) =>
    announcement('aborted', { image: 'base', version: '1', channel: reason }, { reason: 'r' }, { at: AT }).title;

  it('writes arrows and ellipses in ASCII, other characters as spaces, and collapses and trims white space', () => {
    expect(titled('a→b…c')).toBe('base 1: a->b...c promotion aborted');
    expect(titled('zoë\t\n  x')).toBe('base 1: zo x promotion aborted');
    expect(titled('façade')).toBe('base 1: fa ade promotion aborted');
    expect(announcement('build-skipped', { image: ' base' }, { trigger: 't', reason: 'r' }, { at: AT }).title).toBe(
      'base: build skipped (t)',
    );
    expect(announcement('build-skipped', { image: 'x' }, { trigger: 't ', reason: 'r' }, { at: AT }).title).toBe(
      'x: build skipped (t )',
    );
  });

  it('keeps a title of 99 characters and cuts a longer one to 96 and an ellipsis', () => {
    const fixed = 'base 1: '.length + ' promotion aborted'.length;
    const fits = titled('c'.repeat(99 - fixed));
    const over = titled('c'.repeat(100 - fixed));

    expect(fits).toHaveLength(99);
    expect(fits.endsWith('aborted')).toBe(true);
    expect(over).toBe(`${`base 1: ${'c'.repeat(100 - fixed)} promotion aborted`.slice(0, 96)}...`);
  });

  it('leaves the summary as it is', () => {
    const n = announcement('aborted', prod, { reason: 'zoë → x' }, { at: AT });

    expect(n.summary).toBe('The promotion of base 1.0.0/3 to prod was aborted: zoë → x.');
  });
});
