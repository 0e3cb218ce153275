import { describe, expect, it } from 'vitest';
import {
  type AttemptRecord,
  archiveActions,
  attemptRunning,
  decideAttempt,
  rolloutStillMoving,
} from '../../../core/promotion/attempts.js';
import type { RolloutGroup, RolloutRecord } from '../../../core/rollout/record.js';

const restored = {
  state: 'restored' as const,
  at: '2027-02-02T00:01:00Z',
  revokedAt: '2027-02-02T00:01:00Z',
  restoredAt: '2027-02-02T02:00:00Z',
};
const ended = { running: false } as const;
const ask = { what: 'base 1.0.0/1', by: 'alice', reason: 'false positive' };
const attemptTwo: AttemptRecord = {
  image: 'base',
  version: '1.0.0/1',
  attempt: 2,
  attempts: [
    {
      attempt: 2,
      forRevokedAt: '2027-02-02T00:01:00Z',
      at: '2027-02-02T02:05:00Z',
      by: 'alice',
      reason: 'false positive',
      executionName: 'base-1-0-0-1-abc-g2',
      archived: 6,
    },
  ],
  executionStarted: 'base-1-0-0-1-abc-g2',
};

describe('attemptRunning', () => {
  const channels = ['dev', 'staging', 'prod'];

  it('is running until every channel promoted it, at the first channel not promoted yet', () => {
    expect(attemptRunning(channels, [], undefined)).toEqual({ running: true, at: 'at dev' });
    expect(attemptRunning(channels, [{ channel: 'dev', outcome: 'promoted' }], undefined)).toEqual({
      running: true,
      at: 'at staging',
    });
    const all = channels.map((channel) => ({ channel, outcome: 'promoted' as const }));
    expect(attemptRunning(channels, all, undefined)).toEqual(ended);
  });

  it('has ended once a channel stopped it, and runs while paused', () => {
    const stopped = [
      { channel: 'dev', outcome: 'promoted' as const },
      { channel: 'staging', outcome: 'aborted' as const },
    ];
    expect(attemptRunning(channels, stopped, undefined)).toEqual(ended);
    expect(attemptRunning(channels, [], { channel: 'dev' })).toEqual({ running: true, at: 'paused at dev' });
  });
});

describe('decideAttempt', () => {
  it('starts the attempt after the current one, for the revocation the restore took back', () => {
    expect(decideAttempt({ ...ask, revocation: restored, record: undefined, running: ended })).toEqual({
      start: true,
      attempt: 2,
      forRevokedAt: '2027-02-02T00:01:00Z',
    });
    const again = { ...restored, revokedAt: '2027-03-01T00:00:00Z' };
    expect(decideAttempt({ ...ask, revocation: again, record: attemptTwo, running: ended })).toMatchObject({
      start: true,
      attempt: 3,
    });
  });

  it('refuses a version never revoked or still revoked', () => {
    expect(decideAttempt({ ...ask, revocation: undefined, record: undefined, running: ended })).toMatchObject({
      status: 409,
      refusal: 'base 1.0.0/1 was never revoked: it is where its gates put it. Nothing changed.',
    });
    const revoked = { ...restored, state: 'revoked' as const };
    expect(decideAttempt({ ...ask, revocation: revoked, record: attemptTwo, running: ended })).toMatchObject({
      status: 409,
      refusal: expect.stringContaining('still revoked: restore it first'),
    });
  });

  it('answers the same request with its attempt, refuses another while an attempt runs or once it ran', () => {
    const running = { running: true, at: 'at prod' } as const;
    expect(decideAttempt({ ...ask, revocation: restored, record: attemptTwo, running })).toEqual({
      start: false,
      repeat: attemptTwo.attempts[0],
    });
    expect(decideAttempt({ ...ask, by: 'bob', revocation: restored, record: attemptTwo, running })).toMatchObject({
      refusal: "attempt 2 of base 1.0.0/1's promotion is still running (at prod): nothing started. Nothing changed.",
    });
    expect(decideAttempt({ ...ask, by: 'bob', revocation: restored, record: undefined, running })).toMatchObject({
      refusal: expect.stringMatching(/^attempt 1 of base 1\.0\.0\/1's promotion is still running/),
    });
    expect(
      decideAttempt({ ...ask, by: 'bob', revocation: restored, record: attemptTwo, running: ended }),
    ).toMatchObject({
      refusal: expect.stringContaining('went through its gates again since its restore (attempt 2'),
    });
  });

  it("answers any request with this restore's attempt while Step Functions has not confirmed its start", () => {
    const unconfirmed = { ...attemptTwo, executionStarted: undefined };
    const running = { running: true, at: 'at dev' } as const;
    expect(decideAttempt({ ...ask, by: 'bob', revocation: restored, record: unconfirmed, running })).toEqual({
      start: false,
      repeat: attemptTwo.attempts[0],
    });
  });

  it('starts a new attempt for a later restore when the attempt an earlier restore recorded never started', () => {
    // Attempt 2 was archived for the restore of 02-02, its StartExecution failed and no one asked again; the version
    // was revoked on 03-01 and restored since. Its outcomes are empty, so it reads as running "at dev": it never ran.
    const stranded = { ...attemptTwo, executionStarted: undefined };
    const again = { ...restored, revokedAt: '2027-03-01T00:00:00Z' };
    const running = { running: true, at: 'at dev' } as const;
    expect(decideAttempt({ ...ask, revocation: again, record: stranded, running })).toEqual({
      start: true,
      attempt: 3,
      forRevokedAt: '2027-03-01T00:00:00Z',
    });
    // An attempt that did start still holds a later restore back while it runs.
    expect(decideAttempt({ ...ask, revocation: again, record: attemptTwo, running })).toMatchObject({
      refusal: expect.stringContaining('is still running'),
    });
  });

  it('counts one action for the attempt record and two per archived item', () => {
    expect(archiveActions(0)).toBe(1);
    expect(archiveActions(49)).toBe(99);
  });
});

describe('rolloutStillMoving', () => {
  const AT = '2027-02-01T00:00:00.000Z';
  const group = (status: string, back?: RolloutGroup['back']): RolloutGroup => ({
    account: '300000000001',
    region: 'us-east-1',
    group: 'web',
    launchTemplateId: 'lt-web',
    fromVersion: 1,
    fromImageId: 'ami-before',
    toVersion: 2,
    refreshId: 'r-1',
    status,
    ...(back && { back }),
  });
  const rollout = (extra: Partial<RolloutRecord>): RolloutRecord => ({
    image: 'base',
    channel: 'prod',
    version: '1.0.0/1',
    amis: { 'us-east-1': 'ami-revoked' },
    state: 'completed',
    startedAt: AT,
    updatedAt: AT,
    currentWave: 0,
    waves: [{ name: 'canary', state: 'healthy', groups: [group('Successful')] }],
    skippedGroups: [],
    ...extra,
  });
  const back = { version: '1.0.0/0', amis: { 'us-east-1': 'ami-before' } };

  it('lets an attempt start once every rollout of the version ended with its groups where they go', () => {
    expect(rolloutStillMoving('base 1.0.0/1', [])).toBeUndefined();
    const settled = { ...back, settledAt: AT };
    expect(rolloutStillMoving('base 1.0.0/1', [rollout({ state: 'superseded', replacement: settled })])).toBe(
      undefined,
    );
    const takenBack = { from: 'completed' as const, at: AT };
    expect(
      rolloutStillMoving('base 1.0.0/1', [rollout({ state: 'superseded', takenBack, replacement: settled })]),
    ).toBeUndefined();
  });

  it('refuses while a rollout runs, or its groups are still on their way back after the revocation', () => {
    expect(rolloutStillMoving('base 1.0.0/1', [rollout({ state: 'running', openWork: 'rollout' })])).toBe(
      "base 1.0.0/1's rollout to prod (running) still moves groups: a new attempt starts once it ended. Nothing changed.",
    );
    // Superseded while it ran: its own execution moves the groups back, and has not recorded them all back.
    const movingBack = rollout({
      state: 'superseded',
      replacement: back,
      waves: [
        {
          name: 'canary',
          state: 'superseded',
          groups: [group('Successful', { version: 3, refreshId: 'r-2', status: 'InProgress' })],
        },
      ],
    });
    expect(rolloutStillMoving('base 1.0.0/1', [movingBack])).toMatch(/rollout to prod \(superseded\) still moves/);
    // An ended rollout whose take-back execution is open work.
    const takingBack = rollout({
      state: 'superseded',
      takenBack: { from: 'completed', at: AT },
      openWork: 'rollout-take-back',
    });
    expect(rolloutStillMoving('base 1.0.0/1', [takingBack])).toMatch(/still moves groups/);
  });
});
