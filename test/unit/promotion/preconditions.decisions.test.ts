import { describe, expect, it } from 'vitest';
import { classifyError } from '../../../core/errors/classify.js';
import { GoldsmithError } from '../../../core/errors.js';
import { PreconditionsUnmetError, unmetPrevious } from '../../../core/promotion/preconditions.js';

describe('PreconditionsUnmetError: what a refused step reports', () => {
  it('names the step and every unmet precondition, in order, separated by semicolons', () => {
    const err = new PreconditionsUnmetError('Share', ['staging was not promoted', 'Gate has not passed 1.0.0/3']);
    expect(err.message).toBe('Share refused: staging was not promoted; Gate has not passed 1.0.0/3');
  });

  it('carries the error name Step Functions and the attack tests match on', () => {
    const err = new PreconditionsUnmetError('Publish', ['no approver has approved 1.0.0/3 for prod']);
    expect(err.name).toBe('PreconditionsUnmet');
    expect(err).toBeInstanceOf(GoldsmithError);
  });

  it('is a decision, never retried', () => {
    expect(classifyError(new PreconditionsUnmetError('SoakCheck', ['no prod soak was started']))).toBe('permanent');
  });
});

describe('unmetPrevious', () => {
  it('asks nothing of a first channel, and a promotion of the channel before a later one', () => {
    expect(unmetPrevious({}, {})).toEqual([]);
    expect(unmetPrevious({ previous: { outcome: 'promoted' } }, { after: 'staging' })).toEqual([]);
  });

  it('refuses a later channel whose channel before was rejected, expired or never decided', () => {
    expect(unmetPrevious({ previous: { outcome: 'rejected' } }, { after: 'staging' })).toEqual([
      'staging was not promoted',
    ]);
    expect(unmetPrevious({ previous: { outcome: 'expired' } }, { after: 'staging' })).toEqual([
      'staging was not promoted',
    ]);
    expect(unmetPrevious({}, { after: 'staging' })).toEqual(['staging was not promoted']);
  });
});
