import { describe, expect, it } from 'vitest';
import { countFindings, evaluateGate, evaluateSoak, noFindings, policyBreach } from '../../../core/promotion/gate.js';

const passedFacts = { testsEnabled: true, status: 'AVAILABLE' };
const strict = { maxCritical: 0, maxHigh: 0, maxMedium: 10 };

describe('countFindings', () => {
  it('tallies severities case-insensitively and counts unknown ones as other', () => {
    expect(countFindings(['CRITICAL', 'high', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', undefined])).toEqual({
      critical: 1,
      high: 2,
      medium: 1,
      low: 1,
      other: 2,
    });
  });
});

describe('policyBreach', () => {
  it('names the first severity over the maximum', () => {
    expect(policyBreach({ ...noFindings(), high: 3 }, { maxCritical: 0, maxHigh: 2 })).toBe(
      "3 high findings exceed the channel's maximum of 2",
    );
  });

  it('ignores medium findings when the channel sets no maximum for them', () => {
    expect(policyBreach({ ...noFindings(), medium: 500 }, { maxCritical: 0, maxHigh: 0 })).toBeUndefined();
  });

  it('rejects medium findings over an explicit maximum', () => {
    expect(policyBreach({ ...noFindings(), medium: 11 }, strict)).toMatch(/11 medium/);
  });
});

describe('evaluateGate', () => {
  it('passes a tested AVAILABLE build within policy', () => {
    expect(evaluateGate({ ...passedFacts, findings: noFindings() }, strict)).toEqual({ passed: true });
  });

  it('rejects a build whose tests were not enabled', () => {
    const verdict = evaluateGate({ ...passedFacts, testsEnabled: false, findings: noFindings() }, strict);
    expect(verdict).toEqual({ passed: false, reason: 'image tests are not enabled for this build' });
  });

  it('rejects a build that is not AVAILABLE', () => {
    expect(evaluateGate({ ...passedFacts, status: 'DEPRECATED', findings: noFindings() }, strict)).toEqual({
      passed: false,
      reason: 'image is DEPRECATED, not AVAILABLE',
    });
  });

  it('gates each channel with its own policy', () => {
    const findings = { ...noFindings(), high: 3 };
    expect(evaluateGate({ ...passedFacts, findings }, { maxCritical: 0, maxHigh: 5 }).passed).toBe(true);
    expect(evaluateGate({ ...passedFacts, findings }, { maxCritical: 0, maxHigh: 2 }).passed).toBe(false);
  });
});

describe('evaluateSoak', () => {
  it('aborts a revoked build with the revocation reason', () => {
    expect(evaluateSoak({ findings: noFindings(), revoked: { reason: 'CVE-2027-0001' } }, strict)).toEqual({
      passed: false,
      reason: 'revoked during soak: CVE-2027-0001',
    });
  });

  it('aborts when findings grew over the policy during the soak', () => {
    const verdict = evaluateSoak({ findings: { ...noFindings(), critical: 1 } }, strict);
    expect(verdict).toEqual({
      passed: false,
      reason: "new findings during soak: 1 critical finding exceeds the channel's maximum of 0",
    });
  });

  it('lets a quiet soak go on', () => {
    expect(evaluateSoak({ findings: noFindings() }, strict)).toEqual({ passed: true });
  });
});
