import { describe, expect, it } from 'vitest';
import { findingOutcomeText, respondToFindings } from '../../../core/lifecycle/finding-response.js';
import type { FindingCounts, VulnerabilityPolicy } from '../../../core/promotion/types.js';

const none: FindingCounts = { critical: 0, high: 0, medium: 0, low: 0, other: 0 };
const dev: VulnerabilityPolicy = { maxCritical: 0, maxHigh: 5 };
const prod: VulnerabilityPolicy = { maxCritical: 0, maxHigh: 0, maxMedium: 3, revokeOn: ['critical'] };
const channels = [
  { name: 'dev', policy: dev },
  { name: 'prod', policy: prod },
];

/** A version promoted to dev and prod, named by both pointers. */
/** Unless `arrived` says otherwise, every finding counted has just arrived. */
const input = (over: Partial<Parameters<typeof respondToFindings>[0]> = {}) => ({
  version: '1.0.0/3',
  counts: none,
  promotedTo: ['dev', 'prod'],
  channels,
  pointers: { dev: '1.0.0/3', prod: '1.0.0/3' },
  ...over,
  arrived: over.arrived ?? over.counts ?? none,
});

describe('respondToFindings', () => {
  it('does nothing about findings within every promoted channel’s policy', () => {
    expect(respondToFindings(input({ counts: { ...none, high: 0, medium: 3, low: 40 } }))).toEqual({
      breached: [],
      revokedOn: [],
      channels: [],
      reason: undefined,
      rebuild: false,
      revoke: false,
    });
  });

  it('names the breached channels in catalog order, with the first breach in words, and rebuilds a live version', () => {
    expect(respondToFindings(input({ counts: { ...none, high: 7 } }))).toEqual({
      breached: ['dev', 'prod'],
      revokedOn: [],
      channels: ['dev', 'prod'],
      reason: "7 high findings exceed the channel's maximum of 5",
      rebuild: true,
      revoke: false,
    });
    expect(respondToFindings(input({ counts: { ...none, high: 2 } }))).toEqual({
      breached: ['prod'],
      revokedOn: [],
      channels: ['prod'],
      reason: "2 high findings exceed the channel's maximum of 0",
      rebuild: true,
      revoke: false,
    });
  });

  it('counts only channels the version was promoted to', () => {
    const stagedOnly = input({ promotedTo: ['dev'], counts: { ...none, high: 2 }, pointers: { dev: '1.0.0/3' } });
    expect(respondToFindings(stagedOnly)).toMatchObject({
      breached: [],
      reason: undefined,
      rebuild: false,
      revoke: false,
    });
  });

  it('rebuilds only when a breached channel’s pointer names the version', () => {
    const superseded = input({ counts: { ...none, high: 2 }, pointers: { dev: '1.0.0/3', prod: '1.0.0/4' } });
    expect(respondToFindings(superseded)).toMatchObject({ breached: ['prod'], rebuild: false });
    // dev names the version but its policy is not broken: no rebuild for it.
    const devLive = input({ counts: { ...none, high: 2 }, pointers: { dev: '1.0.0/3' } });
    expect(respondToFindings(devLive)).toMatchObject({ breached: ['prod'], rebuild: false });
  });

  it('revokes when a promoted channel’s revokeOn names the severity of a new finding, and says revokeOn did it', () => {
    expect(respondToFindings(input({ counts: { ...none, critical: 1 } }))).toEqual({
      breached: ['dev', 'prod'],
      revokedOn: ['prod'],
      channels: ['dev', 'prod'],
      reason: "1 new critical finding; prod's revokeOn names critical",
      rebuild: true,
      revoke: true,
    });
  });

  it('does not revoke for a severity revokeOn does not name, nor for a channel with no revokeOn', () => {
    expect(respondToFindings(input({ counts: { ...none, medium: 4 } }))).toMatchObject({
      breached: ['prod'],
      revoke: false,
    });
    const noRevokeOn = [{ name: 'prod', policy: { maxCritical: 0, maxHigh: 0 } }];
    expect(respondToFindings(input({ channels: noRevokeOn, counts: { ...none, critical: 2 } }))).toMatchObject({
      breached: ['prod'],
      revoke: false,
    });
  });

  it('revokes for a new finding revokeOn names even when the channel’s maximum allows it, and rebuilds it if live', () => {
    const lenient = [{ name: 'prod', policy: { maxCritical: 1, maxHigh: 0, revokeOn: ['critical' as const] } }];
    expect(respondToFindings(input({ channels: lenient, counts: { ...none, critical: 1 } }))).toEqual({
      breached: [],
      revokedOn: ['prod'],
      channels: ['prod'],
      reason: "1 new critical finding; prod's revokeOn names critical",
      rebuild: true,
      revoke: true,
    });
  });

  it('does not revoke for an old finding of that severity when the one arriving is of another', () => {
    const lenient = [
      { name: 'prod', policy: { maxCritical: 1, maxHigh: 0, maxMedium: 9, revokeOn: ['critical' as const] } },
    ];
    const olderCritical = input({
      channels: lenient,
      counts: { ...none, critical: 1, medium: 1 },
      arrived: { ...none, medium: 1 },
    });
    expect(respondToFindings(olderCritical)).toMatchObject({ revokedOn: [], reason: undefined, revoke: false });
  });
});

describe('findingOutcomeText', () => {
  it('tells what was done: revoked, a revocation requested, a rebuild asked, or nothing', () => {
    const revoke = respondToFindings(input({ counts: { ...none, critical: 1 } }));
    const subject = { image: 'base', version: '1.0.0/3' };
    expect(findingOutcomeText(revoke, true, subject)).toBe('revoked (prod: revokeOn), rebuild asked');
    const breach = respondToFindings(input({ counts: { ...none, high: 2 }, pointers: {} }));
    // A request waits for a person: the line names the command that carries it out.
    expect(findingOutcomeText(breach, false, subject)).toBe(
      'revocation requested (prod): goldsmith revoke base 1.0.0/3 --reason R carries the revocation out',
    );
    const named = respondToFindings(input({ counts: { ...none, high: 2 } }));
    expect(findingOutcomeText(named, false, subject)).toBe(
      'revocation requested (prod), rebuild asked: goldsmith revoke base 1.0.0/3 --reason R carries the revocation out',
    );
    // Over a revocation recorded before, no request is recorded: the line says how that one stands.
    expect(findingOutcomeText(named, false, subject, 'requested')).toBe(
      'revocation requested already (prod), rebuild asked: goldsmith revoke base 1.0.0/3 --reason R carries the revocation out',
    );
    expect(findingOutcomeText(breach, false, subject, 'revoked')).toBe('revoked already, nothing requested');
    expect(findingOutcomeText(breach, false, subject, 'restored')).toBe(
      'no revocation requested (prod): it was restored after a revocation: goldsmith revoke base 1.0.0/3 --reason R revokes it again',
    );
    expect(findingOutcomeText(respondToFindings(input()), false, subject)).toBe('within policy, nothing done');
    expect(findingOutcomeText(undefined, false, subject)).toBe('not promoted to any channel: recorded, nothing done');
  });
});
