import { describe, expect, it } from 'vitest';
import { headline } from '../../../cli/act.js';

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
