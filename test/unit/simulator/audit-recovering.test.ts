import { describe, expect, it } from 'vitest';
import { imagePk } from '../../../core/ledger/keys.js';
import { consistencyText, pausedChannels } from '../../../local/simulator/audit-recovering.js';

const pause = (resumes: number, status = 'paused') => ({
  pk: imagePk('base'),
  sk: 'PAUSED#1.0.0/2',
  kind: 'paused',
  image: 'base',
  version: '1.0.0/2',
  channel: 'dev',
  error: 'ServiceUnavailable',
  reason: 'SSM is down',
  status,
  pausedAt: '2027-01-14T05:00:00.000Z',
  resumes,
});

describe('pausedChannels: a promotion paused before its record', () => {
  it('is recovering while the reconciler resumes it by itself', () => {
    const [paused] = pausedChannels([pause(1)]).get('base@1.0.0/2') ?? [];
    expect(paused).toMatchObject({ channel: 'dev', recovering: true });
    expect(paused?.why).toContain('the reconciler resumes it');
  });

  it('is still recovering however often it paused, and says when the reconciler resumes it next', () => {
    const [paused] = pausedChannels([pause(7)]).get('base@1.0.0/2') ?? [];
    expect(paused?.recovering).toBe(true);
    // Daily after the third resumption: a day after its latest pause.
    expect(paused?.why).toContain('the reconciler resumes it from 2027-01-15T05:00:00.000Z');
  });

  it('is not recovering once the resumed promotion was aborted (its parent revoked): it is over', () => {
    const aborted = {
      pk: imagePk('base'),
      sk: 'PROMOTION#1.0.0/2#dev',
      version: '1.0.0/2',
      channel: 'dev',
      outcome: 'aborted',
      at: '2027-01-18T12:00:00.000Z',
      reason: 'built on revoked parent',
    };
    expect(pausedChannels([pause(1, 'resumed'), aborted]).size).toBe(0);
  });

  it('is over once Publish recorded the channel move', () => {
    const moved = { pk: imagePk('base'), sk: 'POINTER#dev#2027-01-14T07:00:00.000Z', version: '1.0.0/2' };
    expect(pausedChannels([pause(1, 'resumed'), moved]).size).toBe(0);
  });
});

describe('consistencyText', () => {
  it('keeps a run that is only recovering ok, and says so apart from one that is broken', () => {
    expect(consistencyText({ ok: true, problems: [], recovering: [] })).toBe('ok');
    expect(consistencyText({ ok: true, problems: [], recovering: ['x'] })).toBe(
      'ok, 1 recovering by itself (documented, not broken)',
    );
    expect(consistencyText({ ok: false, problems: ['a', 'b'], recovering: ['x'] })).toBe(
      '2 problem(s); 1 recovering by itself (documented, not broken)',
    );
  });
});
