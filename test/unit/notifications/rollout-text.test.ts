import { describe, expect, it } from 'vitest';
import { announcement } from '../../../core/notifications/announce.js';
import { renderEmail } from '../../../core/notifications/email.js';
import { renderSlack } from '../../../core/notifications/slack.js';

const AT = '2027-01-14T05:00:00.000Z';
const prod = { image: 'base', version: '1.0.0/3', channel: 'prod' };
const ALICE = 'arn:aws:sts::123456789012:assumed-role/ops/alice';

describe('rollout announcements: what happens next, in Slack and mail alike', () => {
  it('the last wave started: the rollout completes after its bake, no next wave', () => {
    const n = announcement(
      'rollout-wave-started',
      prod,
      { wave: 'rest', waveNumber: 3, waves: 3, groups: 1, accounts: 1, regions: ['eu-west-1'], bakeMinutes: 0 },
      { at: AT },
    );
    expect(n.summary).toBe(
      'Refreshes of 1 Auto Scaling group in 1 account (eu-west-1) to base 1.0.0/3 started. ' +
        'The rollout completes once each is Successful, after a 0-minute bake.',
    );
  });

  it('the last wave healthy: says it was the last', () => {
    const n = announcement(
      'rollout-wave-healthy',
      prod,
      { wave: 'rest', waveNumber: 3, waves: 3, groups: 2 },
      { at: AT },
    );
    expect(n.summary).toBe('All 2 groups run 1.0.0/3, healthy through their bake. That was the last wave.');
  });

  it('an abort: the refreshes still running are cancelled, the instances already replaced keep the version', () => {
    const n = announcement(
      'rollout-aborted',
      prod,
      { wave: 'canary', waveNumber: 1, waves: 2, by: ALICE, reason: 'wrong AMI', running: 1 },
      { at: AT },
    );
    expect(n.summary).toBe(
      `${ALICE} aborted it: wrong AMI. Cancelling 1 refresh still running; no wave starts; refreshed groups keep 1.0.0/3.`,
    );
  });

  it('a pause names the command that resumes it; a resumption its reason when given', () => {
    const wave = { wave: 'wave-1', waveNumber: 2, waves: 3, by: ALICE };
    const paused = announcement('rollout-paused', prod, { ...wave, reason: 'freeze' }, { at: AT });
    const resumed = announcement('rollout-resumed', prod, { ...wave, reason: 'freeze over' }, { at: AT });
    expect(paused.summary).toContain('no wave starts until `goldsmith rollout resume base prod`.');
    expect(resumed.summary).toBe(`${ALICE} resumed it: freeze over. The next wave starts once this one is healthy.`);
  });

  it('mail and Slack carry the same title, summary and facts', () => {
    const n = announcement(
      'rollout-group-skipped',
      prod,
      { account: '222222222222', region: 'eu-west-1', group: 'web', reason: 'its group uses $Latest' },
      { at: AT },
    );
    const mail = renderEmail(n);
    const slack = JSON.stringify(renderSlack(n).blocks);
    expect(n.title).toBe('base 1.0.0/3: group web (222222222222) skipped in the prod rollout');
    expect(mail).toContain(
      'Group:    web\nAccount:  222222222222\nRegion:   eu-west-1\nReason:   its group uses $Latest',
    );
    expect(slack).toContain('*Group*\\nweb');
    expect(renderSlack(n).text).toBe(`:fast_forward: ${n.title}`);
  });
});

describe('a halt no failed refresh caused', () => {
  it('does not say the refreshes roll back', () => {
    const n = announcement(
      'rollout-halted',
      prod,
      {
        wave: 'rest',
        waveNumber: 2,
        waves: 2,
        reason: 'wave rest failed: account 200000000002 us-east-1 refused: AccessDenied: denied',
        failedGroups: 0,
        groups: 1,
      },
      { at: '2027-01-05T10:00:00.000Z' },
    );
    expect(n.summary).toBe(
      'wave rest failed: account 200000000002 us-east-1 refused: AccessDenied: denied. Nothing rolls back (no refresh failed; refreshed groups keep 1.0.0/3); no later wave starts.',
    );
  });
});
