import { describe, expect, it } from 'vitest';
import {
  automaticResume,
  outlastedRetryHorizon,
  type PausedPromotion,
  pausedText,
  pauseReason,
  resumeDelayMs,
} from '../../../core/promotion/resume.js';

const paused: PausedPromotion = {
  image: 'base',
  version: '1.0.0/4',
  buildVersionArn: 'arn:aws:imagebuilder:us-east-1:123456789012:image/base/1.0.0/4',
  channel: 'staging',
  error: 'ThrottlingException',
  reason: 'x',
  status: 'paused',
  pausedAt: '2027-01-01T00:00:00Z',
  resumes: 0,
};

describe('outlastedRetryHorizon', () => {
  it('is true for a transient error name reaching a Catch, false for a decision', () => {
    expect(outlastedRetryHorizon({ Error: 'ThrottlingException', Cause: '{}' })).toBe(true);
    expect(outlastedRetryHorizon({ Error: 'Goldsmith.Transient' })).toBe(true);
    expect(outlastedRetryHorizon({ Error: 'Lambda.ServiceException' })).toBe(true);
    expect(outlastedRetryHorizon({ Error: 'GateRejected' })).toBe(false);
    expect(outlastedRetryHorizon({ Error: 'States.Timeout' })).toBe(false);
  });

  it('is true for a pointer Parameter Store did not take within Publish’s retries: the promotion pauses', () => {
    expect(outlastedRetryHorizon({ Error: 'Goldsmith.PointerNotTaken', Cause: '{}' })).toBe(true);
  });
});

describe('automaticResume', () => {
  it('resumes at the first run after a first pause, then waits 6, 12 and 24 hours, and a day ever after', () => {
    expect([0, 1, 2, 3, 4, 20].map(resumeDelayMs)).toEqual([0, 6, 12, 24, 24, 24].map((h) => h * 3_600_000));
    expect(automaticResume(paused, new Date('2027-01-01T00:00:00Z'))).toEqual({ resume: true });
    const third = { ...paused, resumes: 2 };
    expect(automaticResume(third, new Date('2027-01-01T11:59:59Z'))).toEqual({
      resume: false,
      reason: 'resumed by itself from 2027-01-01T12:00:00.000Z (automatic resumption 3)',
      from: '2027-01-01T12:00:00.000Z',
    });
    expect(automaticResume(third, new Date('2027-01-01T12:00:00Z'))).toEqual({ resume: true });
  });

  it('never leaves a pause to an operator, however many times it paused before', () => {
    expect(automaticResume({ ...paused, resumes: 50 }, new Date('2027-01-02T00:00:00Z'))).toEqual({ resume: true });
  });

  it('does not resume what is already resumed', () => {
    expect(automaticResume({ ...paused, status: 'resumed' }, new Date('2027-01-02T00:00:00Z'))).toEqual({
      resume: false,
      reason: 'already resumed',
    });
  });
});

describe('pauseReason', () => {
  it('says what failed, for how long, and what happens next', () => {
    expect(pauseReason('ThrottlingException: slow down', '6h')).toBe(
      'ThrottlingException: slow down — still failing after the 6h retry horizon; paused, and resumed from this step once AWS answers',
    );
  });
});

describe('pausedText', () => {
  it('says where it paused and why, as recorded: the reconciler resumes it once AWS answers', () => {
    const reason = pauseReason('ServiceUnavailable: RAM is down', '1h');
    expect(pausedText({ channel: 'dev', reason })).toBe(
      'promotion paused at dev: ServiceUnavailable: RAM is down — still failing after the 1h retry horizon; paused, and resumed from this step once AWS answers',
    );
  });
});
