import type { FindingCounts, VulnerabilityPolicy } from './types.js';

/** What the gate knows about a build. */
export interface GateFacts {
  /** `imageTestsConfiguration.imageTestsEnabled` from GetImage. */
  testsEnabled: boolean;
  /** The image's current Image Builder status. */
  status: string;
  findings: FindingCounts;
}

/** A gate's verdict: passed, or the first reason it did not. */
export type GateVerdict = { passed: true } | { passed: false; reason: string };

/** An empty tally, the start of `countFindings`. */
export function noFindings(): FindingCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, other: 0 };
}

/** Tallies findings by Inspector severity (`CRITICAL`, `HIGH`, `MEDIUM`, `LOW`; anything else counts as other). */
export function countFindings(severities: Iterable<string | undefined>): FindingCounts {
  const counts = noFindings();
  for (const severity of severities) {
    switch (severity?.toUpperCase()) {
      case 'CRITICAL':
        counts.critical += 1;
        break;
      case 'HIGH':
        counts.high += 1;
        break;
      case 'MEDIUM':
        counts.medium += 1;
        break;
      case 'LOW':
        counts.low += 1;
        break;
      default:
        counts.other += 1;
    }
  }
  return counts;
}

/** "1 critical finding exceeds …", "3 high findings exceed …". */
const exceeds = (count: number, severity: string, max: number): string =>
  `${count} ${severity} ${count === 1 ? 'finding exceeds' : 'findings exceed'} the channel's maximum of ${max}`;

/** The first way `findings` break `policy`, or undefined when they are within it (no `maxMedium`: any number). */
export function policyBreach(findings: FindingCounts, policy: VulnerabilityPolicy): string | undefined {
  if (findings.critical > policy.maxCritical) return exceeds(findings.critical, 'critical', policy.maxCritical);
  if (findings.high > policy.maxHigh) return exceeds(findings.high, 'high', policy.maxHigh);
  if (policy.maxMedium !== undefined && findings.medium > policy.maxMedium) {
    return exceeds(findings.medium, 'medium', policy.maxMedium);
  }
  return undefined;
}

/**
 * Whether a build may enter a channel: its tests ran and passed, and its findings are within the channel's policy.
 * Image Builder runs the enabled tests before a build can become AVAILABLE and fails the build when one fails, so
 * "tests enabled and AVAILABLE" is the proof — not the TESTING event, which, like any event, may never arrive.
 */
export function evaluateGate(facts: GateFacts, policy: VulnerabilityPolicy): GateVerdict {
  if (!facts.testsEnabled) return { passed: false, reason: 'image tests are not enabled for this build' };
  if (facts.status !== 'AVAILABLE') return { passed: false, reason: `image is ${facts.status}, not AVAILABLE` };
  const breach = policyBreach(facts.findings, policy);
  return breach ? { passed: false, reason: breach } : { passed: true };
}

/** What a soak re-check knows: the findings now, and whether the build was revoked meanwhile. */
export interface SoakFacts {
  findings: FindingCounts;
  revoked?: { reason: string } | undefined;
}

/** Whether a soaking build may go on: not revoked, and its findings (which may have grown) still within policy. */
export function evaluateSoak(facts: SoakFacts, policy: VulnerabilityPolicy): GateVerdict {
  if (facts.revoked) return { passed: false, reason: `revoked during soak: ${facts.revoked.reason}` };
  const breach = policyBreach(facts.findings, policy);
  return breach ? { passed: false, reason: `new findings during soak: ${breach}` } : { passed: true };
}
