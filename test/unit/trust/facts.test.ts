import { describe, expect, it } from 'vitest';
import { imagePromotedContradiction, imageRevokedDecision } from '../../../core/trust/facts.js';

const fact = {
  image: 'base',
  version: '1.0.0/3',
  buildVersionArn: 'arn:aws:imagebuilder:us-east-1:123456789012:image/goldsmith-base/1.0.0/3',
  channel: 'dev',
  amis: [{ region: 'us-east-1', imageId: 'ami-0123456789abcdef0' }],
  promotedAt: '2027-02-03T00:00:00Z',
};

describe('imagePromotedContradiction', () => {
  it('accepts a promotion the ledger records with the same AMIs', () => {
    expect(imagePromotedContradiction(fact, { outcome: 'promoted', amis: fact.amis })).toBeUndefined();
  });

  it('refuses a version the ledger never promoted, or recorded otherwise', () => {
    expect(imagePromotedContradiction(fact, undefined)).toContain('the ledger never promoted that version');
    expect(imagePromotedContradiction(fact, { outcome: 'rejected' })).toContain('the ledger records it rejected');
  });

  it('refuses AMIs other than the promoted ones', () => {
    const recorded = { outcome: 'promoted', amis: [{ region: 'us-east-1', imageId: 'ami-0fffffffffffffff0' }] };
    expect(imagePromotedContradiction(fact, recorded)).toContain('differ from the promoted');
  });
});

describe('imageRevokedDecision', () => {
  const revoked = { image: 'base', version: '1.0.0/3', revokedAt: '2027-02-05T10:00:00.000Z' };
  const due = new Date('2027-02-05T10:00:30Z');
  const scheduled = { reason: 'CVE-2027-0001', by: 'arn:aws:sts::1:assumed-role/ops/a', dueAt: revoked.revokedAt };

  it("acts on a recorded revocation with the ledger's reason, requester and time, not the payload's", () => {
    const revocation = {
      reason: 'CVE-2027-0002',
      by: 'on-finding',
      state: 'revoked' as const,
      revokedAt: '2027-02-01T08:00:00.000Z',
    };
    // A fact replayed with another time is carried out at the time the ledger records.
    expect(imageRevokedDecision(revoked, { revocation }, due)).toEqual({
      act: true,
      reason: 'CVE-2027-0002',
      by: 'on-finding',
      at: '2027-02-01T08:00:00.000Z',
    });
  });

  it('refuses a revocation only requested by a finding: it waits for an operator, not for a fact', () => {
    const requested = { reason: 'CVE-2027-0002', state: 'requested' as const };
    expect(imageRevokedDecision(revoked, { revocation: requested }, due)).toEqual({
      act: false,
      contradiction:
        '"Image Revoked" base 1.0.0/3: the ledger records no revocation of that version carried out (one is only requested, waiting for an operator)',
    });
    expect(imageRevokedDecision(revoked, { revocation: requested, scheduled }, due)).toMatchObject({ act: true });
  });

  it('revokes nothing again once an operator restored it, unless a revocation was scheduled after the restore', () => {
    const restored = {
      reason: 'CVE-2027-0002',
      state: 'restored' as const,
      restoredAt: '2027-02-04T10:00:00.000Z',
    };
    expect(imageRevokedDecision(revoked, { revocation: restored }, due)).toEqual({
      act: false,
      contradiction: '"Image Revoked" base 1.0.0/3: an operator restored it since it was revoked',
    });
    const before = { ...scheduled, dueAt: '2027-02-04T09:00:00.000Z' };
    const late = { ...revoked, revokedAt: before.dueAt };
    expect(imageRevokedDecision(late, { revocation: restored, scheduled: before }, due)).toMatchObject({ act: false });
    expect(imageRevokedDecision(revoked, { revocation: restored, scheduled }, due)).toEqual({
      act: true,
      reason: 'CVE-2027-0001',
      by: scheduled.by,
      at: scheduled.dueAt,
    });
  });

  it('refuses a version the ledger records no revocation of, saying so', () => {
    expect(imageRevokedDecision(revoked, {}, due)).toEqual({
      act: false,
      contradiction: '"Image Revoked" base 1.0.0/3: the ledger records no revocation of that version',
    });
  });

  it('acts on a scheduled revocation only at its own due time, once due, and never once cancelled', () => {
    expect(imageRevokedDecision(revoked, { scheduled }, due)).toEqual({
      act: true,
      reason: scheduled.reason,
      by: scheduled.by,
      at: scheduled.dueAt,
    });
    const early = imageRevokedDecision(revoked, { scheduled }, new Date('2027-02-05T09:59:59Z'));
    expect(early).toMatchObject({ act: false, contradiction: expect.stringContaining('not due until') });
    const other = imageRevokedDecision({ ...revoked, revokedAt: '2027-02-05T09:00:00.000Z' }, { scheduled }, due);
    expect(other).toMatchObject({ act: false, contradiction: expect.stringContaining('schedules it for') });
    const cancelled = imageRevokedDecision(
      revoked,
      { scheduled: { ...scheduled, cancelledAt: '2027-02-05T09:00:00Z' } },
      due,
    );
    expect(cancelled).toMatchObject({ act: false, contradiction: expect.stringContaining('was cancelled') });
  });
});
