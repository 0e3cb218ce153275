import { describe, expect, it } from 'vitest';
import { GoldsmithError } from '../../../core/errors.js';
import {
  FactContradictsLedgerError,
  imagePromotedContradiction,
  imageRevokedDecision,
} from '../../../core/trust/facts.js';

const east = { region: 'us-east-1', imageId: 'ami-0000000000000000e' };
const west = { region: 'us-west-2', imageId: 'ami-0000000000000000f' };
const fact = {
  image: 'base',
  version: '1.0.0/3',
  buildVersionArn: 'arn:aws:imagebuilder:us-east-1:123456789012:image/goldsmith-base/1.0.0/3',
  channel: 'prod',
  amis: [east, west],
  promotedAt: '2027-02-03T00:00:00Z',
};

describe('FactContradictsLedgerError', () => {
  it('is a GoldsmithError that says the fact was refused and why', () => {
    const error = new FactContradictsLedgerError('the ledger never promoted it');
    expect(error).toBeInstanceOf(GoldsmithError);
    expect(error.message).toBe('fact refused: the ledger never promoted it');
    expect(error.reason).toBe('the ledger never promoted it');
    expect(error.name).toBe('FactContradictsLedgerError');
  });
});

describe('imagePromotedContradiction', () => {
  it('names the image, version and channel in each refusal', () => {
    expect(imagePromotedContradiction(fact, undefined)).toBe(
      '"Image Promoted" base 1.0.0/3 to prod: the ledger never promoted that version to that channel',
    );
    expect(imagePromotedContradiction(fact, { outcome: 'timed-out', amis: fact.amis })).toBe(
      '"Image Promoted" base 1.0.0/3 to prod: the ledger records it timed-out',
    );
  });

  it('compares the AMIs as a set: the same ones in another order agree', () => {
    expect(imagePromotedContradiction(fact, { outcome: 'promoted', amis: [west, east] })).toBeUndefined();
  });

  it('accepts a promotion whose recorded outcome lists no AMIs', () => {
    expect(imagePromotedContradiction(fact, { outcome: 'promoted' })).toBeUndefined();
    expect(imagePromotedContradiction(fact, { outcome: 'promoted', amis: undefined })).toBeUndefined();
  });

  it('refuses a missing or an extra AMI, listing both sides sorted', () => {
    expect(imagePromotedContradiction(fact, { outcome: 'promoted', amis: [west] })).toBe(
      '"Image Promoted" base 1.0.0/3 to prod: AMIs us-east-1=ami-0000000000000000e,us-west-2=ami-0000000000000000f differ from the promoted us-west-2=ami-0000000000000000f',
    );
    expect(imagePromotedContradiction({ ...fact, amis: [west, east] }, { outcome: 'promoted', amis: [] })).toBe(
      '"Image Promoted" base 1.0.0/3 to prod: AMIs us-east-1=ami-0000000000000000e,us-west-2=ami-0000000000000000f differ from the promoted ',
    );
  });

  it('refuses an AMI moved to another Region', () => {
    const moved = { region: 'eu-west-1', imageId: east.imageId };
    expect(imagePromotedContradiction(fact, { outcome: 'promoted', amis: [moved, west] })).toContain('differ from');
  });
});

describe('imageRevokedDecision', () => {
  const revoked = { image: 'base', version: '1.0.0/3', revokedAt: '2027-02-05T10:00:00.000Z' };
  const scheduled = { reason: 'CVE-2027-0001', by: 'alice', dueAt: revoked.revokedAt };

  it("acts on a revocation marked revoked without a requester as Goldsmith's", () => {
    const revocation = { reason: 'CVE-2027-0003', state: 'revoked' as const, at: '2027-02-04T00:00:00.000Z' };
    expect(imageRevokedDecision(revoked, { revocation }, new Date(0))).toEqual({
      act: true,
      reason: 'CVE-2027-0003',
      by: 'goldsmith',
      // No revokedAt (an item written before it was): the time the item was recorded, not the fact's.
      at: '2027-02-04T00:00:00.000Z',
    });
  });

  it('says the ledger records no revocation when it holds neither item', () => {
    expect(imageRevokedDecision(revoked, {}, new Date(0))).toEqual({
      act: false,
      contradiction: '"Image Revoked" base 1.0.0/3: the ledger records no revocation of that version',
    });
  });

  it('prefers the revocation marked revoked to a scheduled one, cancelled or not yet due', () => {
    const revocation = { reason: 'now', by: 'bob', state: 'revoked' as const };
    const cancelled = { ...scheduled, cancelledAt: '2027-02-01T00:00:00Z' };
    expect(imageRevokedDecision(revoked, { revocation, scheduled: cancelled }, new Date(0))).toEqual({
      act: true,
      reason: 'now',
      by: 'bob',
      at: revoked.revokedAt,
    });
  });

  it('acts on a scheduled revocation from the very millisecond it is due', () => {
    expect(imageRevokedDecision(revoked, { scheduled }, new Date(revoked.revokedAt))).toEqual({
      act: true,
      reason: 'CVE-2027-0001',
      by: 'alice',
      at: scheduled.dueAt,
    });
    expect(imageRevokedDecision(revoked, { scheduled }, new Date(Date.parse(revoked.revokedAt) - 1))).toEqual({
      act: false,
      contradiction: '"Image Revoked" base 1.0.0/3: its scheduled revocation is not due until 2027-02-05T10:00:00.000Z',
    });
  });

  it('says which due time the ledger holds when the fact names another', () => {
    const other = { ...revoked, revokedAt: '2027-02-05T10:00:00Z' };
    expect(imageRevokedDecision(other, { scheduled }, new Date('2027-03-01T00:00:00Z'))).toEqual({
      act: false,
      contradiction:
        '"Image Revoked" base 1.0.0/3: the ledger schedules it for 2027-02-05T10:00:00.000Z, not 2027-02-05T10:00:00Z',
    });
  });

  it('refuses a cancelled scheduled revocation even when due, saying so', () => {
    const cancelled = { ...scheduled, cancelledAt: '2027-02-05T09:00:00Z' };
    expect(imageRevokedDecision(revoked, { scheduled: cancelled }, new Date('2027-03-01T00:00:00Z'))).toEqual({
      act: false,
      contradiction: '"Image Revoked" base 1.0.0/3: its scheduled revocation was cancelled',
    });
  });

  it("carries out a due scheduled revocation next to a requested one with the schedule's reason", () => {
    const requested = { reason: 'finding', state: 'requested' as const };
    expect(
      imageRevokedDecision(revoked, { revocation: requested, scheduled }, new Date('2027-03-01T00:00:00Z')),
    ).toEqual({ act: true, reason: 'CVE-2027-0001', by: 'alice', at: scheduled.dueAt });
  });
  describe('a revocation at once for a finding a channel revokeOn names (on-finding)', () => {
    const atOnce = {
      reason: "1 new critical finding; dev's revokeOn names critical",
      by: 'goldsmith',
      at: revoked.revokedAt,
    };
    const requested = { reason: 'over policy', state: 'requested' as const, atOnce };

    it("acts on a requested revocation marked atOnce for the fact's time, with what on-finding recorded", () => {
      expect(imageRevokedDecision(revoked, { revocation: requested }, new Date(0))).toEqual({
        act: true,
        reason: atOnce.reason,
        by: 'goldsmith',
        at: atOnce.at,
      });
    });

    it('refuses one whose revokedAt is not the time on-finding recorded', () => {
      const other = { ...revoked, revokedAt: '2027-02-05T11:00:00.000Z' };
      expect(imageRevokedDecision(other, { revocation: requested }, new Date(0))).toEqual({
        act: false,
        contradiction:
          '"Image Revoked" base 1.0.0/3: the ledger records no revocation of that version carried out (one is only requested, waiting for an operator)',
      });
    });

    it('refuses it once an operator restored the version since, and acts on a later finding after the restore', () => {
      const restored = { ...requested, state: 'restored' as const, restoredAt: '2027-02-06T00:00:00.000Z' };
      expect(imageRevokedDecision(revoked, { revocation: restored }, new Date(0))).toEqual({
        act: false,
        contradiction: '"Image Revoked" base 1.0.0/3: an operator restored it since it was revoked',
      });
      const later = { ...revoked, revokedAt: '2027-02-07T00:00:00.000Z' };
      const again = { ...restored, atOnce: { ...atOnce, at: later.revokedAt } };
      expect(imageRevokedDecision(later, { revocation: again }, new Date(0))).toEqual({
        act: true,
        reason: atOnce.reason,
        by: 'goldsmith',
        at: later.revokedAt,
      });
    });
  });
});
