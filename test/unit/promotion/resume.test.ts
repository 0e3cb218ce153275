import { describe, expect, it } from 'vitest';
import {
  automaticResume,
  MAX_AUTOMATIC_RESUMES,
  outlastedRetryHorizon,
  type PausedPromotion,
  pausedText,
  pauseReason,
  pauseReasonNow,
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
  it('resumes a paused promotion up to three times, then leaves it to an operator, naming the command', () => {
    expect(MAX_AUTOMATIC_RESUMES).toBe(3);
    expect(automaticResume({ ...paused, resumes: 2 })).toEqual({ resume: true });
    expect(automaticResume({ ...paused, resumes: 3 })).toEqual({
      resume: false,
      reason: 'paused again after 3 automatic resumptions: an operator resumes it (goldsmith resume base 1.0.0/4)',
    });
  });

  it('does not resume what is already resumed', () => {
    expect(automaticResume({ ...paused, status: 'resumed' })).toEqual({ resume: false, reason: 'already resumed' });
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
  const reason = pauseReason('ServiceUnavailable: RAM is down', '1h');
  const pause = { channel: 'dev', reason, image: 'base', version: '1.0.0/1' };

  it('says the reconciler resumes it while automatic resumptions are left', () => {
    expect(pausedText({ ...pause, resumes: 2 })).toBe(`promotion paused at dev: ${reason}`);
  });

  it('says it waits for an operator once the automatic resumptions are spent, never "once AWS answers"', () => {
    const text = pausedText({ ...pause, resumes: 3 });
    expect(text).toBe(
      "promotion paused at dev: ServiceUnavailable: RAM is down — still failing after the 1h retry horizon; paused, and waits for an operator (the reconciler's 3 automatic resumptions are spent): goldsmith resume base 1.0.0/1",
    );
    expect(text).not.toContain('once AWS answers');
  });

  it('keeps a reason that already names what to do (a pointer Parameter Store did not take)', () => {
    const own = 'PointerNotTaken: … — paused after 4 attempts; …, then: goldsmith resume base 1.0.0/1';
    expect(pauseReasonNow(own, { image: 'base', version: '1.0.0/1', resumes: 5 })).toBe(own);
  });
});
