import { describe, expect, it } from 'vitest';
import { imagePromotedContradiction } from '../../../core/trust/facts.js';

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
