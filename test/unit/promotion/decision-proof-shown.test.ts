import { describe, expect, it } from 'vitest';
import { confirmationPage } from '../../../core/promotion/approval-page.js';
import { type DecisionClaims, decisionProof, provesDecision } from '../../../core/promotion/decision-proof.js';
import { PATCH_DIGEST, PATCH_REQUEST } from '../../fixtures/sbom-changes.js';

const KEY = 'decision-key-0123456789';
const claims: DecisionClaims = {
  approvalId: 'a1',
  image: 'base',
  version: '1.0.0/3',
  channel: 'prod',
  taskToken: 'token-1',
  decision: 'approve',
  by: 'ops-lead',
  via: 'slack',
  at: '2027-01-14T06:00:00.000Z',
};

describe('the decision proof names the diff the approver was shown', () => {
  it('proves the digest it was made on, and no other', () => {
    const shown = { ...claims, shown: PATCH_DIGEST };
    const proof = decisionProof(shown, KEY);

    expect(provesDecision(shown, proof, [KEY])).toBe(true);
    // The diff as it reads now (content recorded late) is another digest: the proof does not claim it was shown.
    expect(provesDecision({ ...claims, shown: 'b'.repeat(64) }, proof, [KEY])).toBe(false);
    // Nor does it prove a decision on a request that showed no diff.
    expect(provesDecision(claims, proof, [KEY])).toBe(false);
  });

  it('keeps proving a decision made on a request that showed no diff (the proofs already in the ledger)', () => {
    const proof = decisionProof(claims, KEY);

    expect(provesDecision({ ...claims, shown: undefined }, proof, [KEY])).toBe(true);
    expect(provesDecision({ ...claims, shown: PATCH_DIGEST }, proof, [KEY])).toBe(false);
  });
});

describe("the approval link's page shows what the version changes", () => {
  it('the counts against the current version, the top lines and the diff command', () => {
    const changes = PATCH_REQUEST.detail.changes;
    const html = confirmationPage(
      {
        id: 'a1',
        image: 'base',
        version: '1.0.0/3',
        channel: 'prod',
        decision: 'approve',
        by: 'ops-lead',
        expires: Date.UTC(2027, 0, 17, 5) / 1000,
        nonce: 'n0nce-from-the-ledger-000',
      },
      { approvers: ['ops-lead'], changes },
      '?id=a1&sig=x',
    );

    expect(html).toContain('<dt>Changes</dt><dd>against 1.0.0/2: packages 2 upgraded, 1 downgraded');
    expect(html).toContain('<li>fixed CVE-2026-0001 (critical): openssl-libs 3.0.8-1.amzn2023.0.16</li>');
    expect(html).toContain('<li>full diff: goldsmith diff base 1.0.0/2 1.0.0/3 --stage prod</li>');
  });
});
