import { describe, expect, it } from 'vitest';
import { betweenInstances, MOVING_MINUTES, withMoving } from '../../../core/rollout/moving.js';
import { newRolloutRecord } from '../../../core/rollout/plan.js';
import type { RolloutRecord, ScopeFailure } from '../../../core/rollout/record.js';

/** An account between two member baseline stack instances is waited for, not failed (core/rollout/moving.ts). */
const T0 = '2027-01-03T00:00:00.000Z';
const minutesLater = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const MOVER = '200000000002';
const OTHER = '200000000003';

const refused = (account: string, code = 'AccessDenied'): ScopeFailure => ({
  account,
  region: 'us-east-1',
  group: 'web',
  step: 'read',
  code,
  message: 'not authorized',
  at: T0,
});

function rollout(): RolloutRecord {
  const r = newRolloutRecord({
    image: 'base',
    channel: 'prod',
    version: '1.0.0/3',
    amis: { 'us-east-1': 'ami-1' },
    waves: ['canary', 'rest'],
    now: T0,
  });
  return { ...r, waves: r.waves.map((w) => ({ ...w, state: 'refreshing' as const, startedAt: T0 })) };
}

describe('betweenInstances', () => {
  it('is true only while every listed instance is being deleted or created, and one is listed', () => {
    expect(betweenInstances([{ status: 'CURRENT', detailed: 'RUNNING' }])).toBe(true);
    expect(betweenInstances([{ status: 'OUTDATED', detailed: 'PENDING' }])).toBe(true);
    expect(betweenInstances([{ status: 'OUTDATED', detailed: 'RUNNING' }])).toBe(true);
    expect(betweenInstances([])).toBe(false);
    expect(betweenInstances([{ status: 'CURRENT', detailed: 'SUCCEEDED' }])).toBe(false);
    expect(betweenInstances([{ status: 'OUTDATED', detailed: 'FAILED' }])).toBe(false);
    expect(
      betweenInstances([
        { status: 'CURRENT', detailed: 'RUNNING' },
        { status: 'OUTDATED', detailed: 'FAILED' },
      ]),
    ).toBe(false);
  });
});

describe('withMoving', () => {
  it('keeps a moving account’s credential refusal as moving, since it was first found, and records the others', () => {
    const first = withMoving(rollout(), 1, [refused(MOVER), refused(OTHER)], new Set([MOVER]), T0);
    expect(first.failures.map((f) => f.account)).toEqual([OTHER]);
    expect(first.record.waves[1]?.moving).toEqual([
      { account: MOVER, region: 'us-east-1', since: T0, code: 'AccessDenied', message: 'not authorized' },
    ]);
    const again = withMoving(first.record, 1, [refused(MOVER)], new Set([MOVER]), minutesLater(10));
    expect(again.record.waves[1]?.moving?.[0]?.since).toBe(T0);
    // Another refusal than the credentials' is the account's answer, moving or not.
    expect(withMoving(rollout(), 1, [refused(MOVER, 'ValidationError')], new Set([MOVER]), T0).failures).toHaveLength(
      1,
    );
  });

  it(`records the refusal ${MOVING_MINUTES} minutes after it was first found, and forgets an account read again`, () => {
    const first = withMoving(rollout(), 1, [refused(MOVER)], new Set([MOVER]), T0);
    const late = withMoving(first.record, 1, [refused(MOVER)], new Set([MOVER]), minutesLater(MOVING_MINUTES));
    expect(late.failures.map((f) => f.message)).toEqual([
      `still between member baseline stack instances since ${T0}: not authorized`,
    ]);
    expect(late.record.waves[1]?.moving).toBeUndefined();
    expect(withMoving(first.record, 1, [], new Set(), minutesLater(5)).record.waves[1]?.moving).toBeUndefined();
  });
});
