import { describe, expect, it } from 'vitest';
import {
  type AncestorStanding,
  parentStandingText,
  rejectedAncestorHold,
} from '../../../core/promotion/rejected-parent.js';

const osBase = (standing: Partial<AncestorStanding>): AncestorStanding => ({
  image: 'os-base',
  version: '1.0.0/2',
  ...standing,
});
const rejected = { decision: 'reject', by: 'sec-oncall', reason: 'CHG-2001: wait for the kernel fix' } as const;

describe('rejectedAncestorHold', () => {
  it('holds a version whose parent an approver rejected for the channel, naming the parent, who and why', () => {
    expect(rejectedAncestorHold([osBase({ ...rejected, outcome: 'rejected' })], 'prod')).toBe(
      'held: built on os-base 1.0.0/2, rejected for prod by sec-oncall: CHG-2001: wait for the kernel fix',
    );
  });

  it('holds through a farther ancestor, naming the parent it came through', () => {
    const parent = { image: 'os-cis', version: '1.0.0/4', decision: 'approve', outcome: 'promoted' } as const;
    expect(rejectedAncestorHold([parent, osBase(rejected)], 'prod')).toBe(
      'held: built on os-base 1.0.0/2, rejected for prod by sec-oncall: CHG-2001: wait for the kernel fix (through os-cis 1.0.0/4)',
    );
  });

  it('does not hold once a later promotion of the parent version reached the channel after all', () => {
    expect(rejectedAncestorHold([osBase({ ...rejected, outcome: 'promoted' })], 'prod')).toBeUndefined();
  });

  it('does not hold for an approval that expired, a gate that rejected, or a parent not yet decided', () => {
    expect(rejectedAncestorHold([osBase({ outcome: 'expired' })], 'prod')).toBeUndefined();
    expect(rejectedAncestorHold([osBase({ outcome: 'rejected' })], 'prod')).toBeUndefined();
    expect(rejectedAncestorHold([osBase({})], 'prod')).toBeUndefined();
    expect(rejectedAncestorHold([], 'prod')).toBeUndefined();
  });

  it('says who rejected when the record names nobody, and no reason when none was given', () => {
    expect(rejectedAncestorHold([osBase({ decision: 'reject' })], 'prod')).toBe(
      'held: built on os-base 1.0.0/2, rejected for prod by an approver',
    );
  });
});

describe('parentStandingText', () => {
  it('says how the parent stands at the channel the approver is asked about', () => {
    expect(parentStandingText(osBase({ outcome: 'promoted' }), 'prod')).toBe('promoted to prod');
    expect(parentStandingText(osBase(rejected), 'prod')).toBe(
      'rejected for prod by sec-oncall: CHG-2001: wait for the kernel fix',
    );
    expect(parentStandingText(osBase({ outcome: 'expired' }), 'prod')).toBe('expired at prod');
    expect(parentStandingText(osBase({}), 'prod')).toBe('not yet promoted to prod');
  });
});
