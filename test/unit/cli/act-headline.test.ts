import { describe, expect, it } from 'vitest';
import { answerText, headline } from '../../../cli/operator/answer-text.js';

describe('headline of an operator answer', () => {
  it('says when a revocation was scheduled for', () => {
    expect(headline({ scheduledFor: '2027-01-05T09:00:00.000Z', alreadyScheduled: false })).toBe(
      'scheduled for 2027-01-05T09:00:00.000Z',
    );
  });

  it('says a repeat was already scheduled', () => {
    expect(headline({ scheduledFor: '2027-01-05T09:00:00.000Z', alreadyScheduled: true })).toBe(
      'already scheduled for 2027-01-05T09:00:00.000Z',
    );
  });

  it('says which revocation was cancelled, and when a repeat finds it cancelled already', () => {
    expect(headline({ cancelled: '2027-01-05T09:00:00.000Z', alreadyCancelled: false })).toBe(
      'cancelled: the revocation due at 2027-01-05T09:00:00.000Z',
    );
    expect(headline({ cancelled: '2027-01-05T09:00:00.000Z', alreadyCancelled: true })).toBe(
      'already cancelled: the revocation due at 2027-01-05T09:00:00.000Z',
    );
  });

  it('says whose revocation stands when a version was already revoked, and that the new reason was not kept', () => {
    const note = "already revoked by ops at 2027-01-05T09:00:00.000Z: CVE-1; this request's reason was not recorded";
    expect(headline({ version: '1.0.0/2', alreadyRevoked: true, note })).toBe(note);
  });

  it('says done for an action carried out now', () => {
    expect(headline({ version: '1.0.0/2', alreadyRevoked: false })).toBe('done');
  });
});

describe('what an acting command prints without --json', () => {
  it('says a revocation whose --at was within the clock skew before now was carried out now', () => {
    const atTakenAsNow =
      '--at 2027-02-05T11:57:00Z is 3 minutes in the past, within the clock skew allowed (5 minutes): revoked now';
    const text = answerText('revoke', {
      image: 'base',
      version: '1.0.0/2',
      alreadyRevoked: false,
      atTakenAsNow,
      moves: [{ channel: 'prod', action: 'roll-back', to: '1.0.0/1' }],
    });
    expect(text).toBe(
      `revoke: revoked base 1.0.0/2 everywhere (its launch permissions withdrawn)\n  ${atTakenAsNow}\n  prod rolled back to 1.0.0/1\n`,
    );
  });

  it('says who approved what, and that the promotion goes on, in two lines and no JSON', () => {
    const text = answerText('approve', {
      image: 'web-runtime',
      version: '1.0.0/1',
      channel: 'prod',
      by: 'ops-lead',
      delivered: true,
    });
    expect(text).toBe(
      'approve: approved web-runtime 1.0.0/1 for prod as ops-lead\n  its promotion goes on into prod (goldsmith status shows the pointer once it moves)\n',
    );
  });

  it('says a rejection stops the promotion, with its reason', () => {
    const text = answerText('reject', {
      image: 'base',
      version: '1.0.0/2',
      channel: 'prod',
      by: 'ops-lead',
      reason: 'CHG-7 not approved',
      delivered: true,
    });
    expect(text).toBe(
      'reject: rejected base 1.0.0/2 for prod as ops-lead: CHG-7 not approved\n  its promotion stops at prod; versions of images built on it stop there too\n',
    );
  });

  it('names the version a manual build started', () => {
    const text = answerText('build', {
      image: 'hardened',
      decisions: [
        {
          image: 'hardened',
          outcome: 'start',
          reason: 'manual',
          buildVersionArn: 'arn:aws:imagebuilder:us-east-1:1:image/hardened/1.0.0/2',
        },
      ],
    });
    expect(text).toMatch(/^build: started hardened 1\.0\.0\/2; /);
  });

  it('says what a revocation did to each channel and which children it rebuilds', () => {
    const text = answerText('revoke', {
      image: 'base',
      version: '1.0.0/2',
      alreadyRevoked: false,
      moves: [
        { channel: 'prod', action: 'roll-back', to: '1.0.0/1' },
        { channel: 'dev', action: 'withdraw', reason: 'none earlier' },
      ],
      rebuild: ['hardened'],
    });
    expect(text).toBe(
      'revoke: revoked base 1.0.0/2 everywhere (its launch permissions withdrawn)\n' +
        '  prod rolled back to 1.0.0/1, dev withdrawn; rebuilding hardened on the rolled-back parent\n',
    );
  });

  it("says a container image's revocation and restore in its own terms: no launch permission, no AMI", () => {
    const revoked = answerText('revoke', {
      image: 'web-runtime',
      version: '1.0.0/1',
      alreadyRevoked: false,
      amis: 0,
      moves: [{ channel: 'dev', action: 'withdraw', reason: 'none earlier' }],
    });
    expect(revoked).toBe(
      "revoke: revoked web-runtime 1.0.0/1 everywhere (a container image: its channels' pointers moved off it)\n" +
        '  dev withdrawn\n',
    );
    const restored = answerText('restore', {
      image: 'web-runtime',
      version: '1.0.0/1',
      revokedAt: '2027-01-05T09:00:00.000Z',
      amis: 0,
      channels: [],
    });
    expect(restored.split('\n')[0]).toBe(
      'restore: restored web-runtime 1.0.0/1 (revoked at 2027-01-05T09:00:00.000Z): no longer revoked (a container image: no AMI to undeprecate)',
    );
  });

  it('tells a restore: who may launch it again, that no channel names it, and a repeat as a repeat', () => {
    const restored = { image: 'base', version: '1.0.0/2', revokedAt: '2027-01-05T09:00:00.000Z', channels: ['dev'] };
    expect(answerText('restore', restored)).toBe(
      'restore: restored base 1.0.0/2 (revoked at 2027-01-05T09:00:00.000Z): no longer revoked, its AMIs no longer deprecated by the revocation\n' +
        '  launchable again by the accounts of dev; no channel moved back to it\n' +
        "  goldsmith rollback base CHANNEL --to 1.0.0/2 --reason R puts a channel whose gates it passed (dev) back on it; goldsmith promote base 1.0.0/2 --through-gates --reason R takes it through every channel's gates again\n",
    );
    expect(answerText('restore', { ...restored, channels: [] })).toContain('shared with nobody');
    expect(answerText('restore', { ...restored, flagsCleared: ['hardened 1.0.0/2'] })).toContain(
      '\n  flag "built on revoked base 1.0.0/2" cleared on hardened 1.0.0/2\n',
    );
    const again = { ...restored, alreadyRestored: true, note: 'already restored by alice at 2027-01-06T09:00:00.000Z' };
    expect(answerText('restore', again)).toBe(
      'restore: base 1.0.0/2 already restored by alice at 2027-01-06T09:00:00.000Z\n',
    );
  });

  it.each([
    ['promote', { image: 'base', version: '1.0.0/2', channel: 'staging', soakEndedEarly: true }],
    ['rollback', { outcome: 'rolled-back', image: 'base', channel: 'prod', from: '1.0.0/2', to: '1.0.0/1' }],
    ['revoke', { image: 'base', version: '1.0.0/2', scheduledFor: '2027-01-05T09:00:00.000Z' }],
    ['cancel-revocation', { image: 'base', version: '1.0.0/2', cancelled: '2027-01-05T09:00:00.000Z' }],
    ['resume', { image: 'base', version: '1.0.0/2', channel: 'prod', resumes: 1 }],
    ['resume-builds', { image: 'base', pausedAt: '2027-01-05T09:00:00.000Z', failedBuilds: ['1.0.0/2'] }],
    ['release', { image: 'base', version: '1.0.0/1', releasedAt: '2027-01-05T09:00:00.000Z', accounts: 2 }],
  ])('%s prints at most two lines naming the image, and no JSON', (action, result) => {
    const lines = answerText(action, result).trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(lines[0]).toContain('base');
    expect(lines.join('\n')).not.toMatch(/[{}"]/);
  });

  it('says which attempt a promotion through the gates started, and that a repeat started nothing', () => {
    const result = {
      image: 'base',
      version: '1.0.0/2',
      attempt: 2,
      channels: ['dev', 'prod'],
      by: 'ops',
      startedAt: '2027-02-02T02:00:00.000Z',
    };
    expect(answerText('promote-through-gates', { ...result, alreadyStarted: false }).split('\n')[0]).toBe(
      'promote --through-gates: attempt 2 of base 1.0.0/2 started through dev → prod',
    );
    expect(answerText('promote-through-gates', { ...result, alreadyStarted: true }).split('\n')[0]).toBe(
      'promote --through-gates: attempt 2 of base 1.0.0/2 was started by ops at 2027-02-02T02:00:00.000Z; nothing new started',
    );
  });
});
