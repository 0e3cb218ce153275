import { describe, expect, it } from 'vitest';
import {
  deprecationTarget,
  MAX_DEPRECATE_AFTER_SECONDS,
  scheduledDeprecation,
} from '../../../core/lifecycle/deprecation.js';
import { amisOf, buildHistories, type LedgerView } from '../../../core/lifecycle/history.js';
import { lineageDepths } from '../../../core/lifecycle/order.js';

describe('lineageDepths', () => {
  it('counts catalog parents up to an image without one', () => {
    expect(lineageDepths({ base: undefined, hardened: 'base', app: 'hardened', tools: undefined })).toEqual({
      base: 0,
      hardened: 1,
      app: 2,
      tools: 0,
    });
  });

  it('treats a parent outside the catalog (an SSM or Docker parent) as none', () => {
    expect(lineageDepths({ child: 'not-in-catalog' })).toEqual({ child: 0 });
  });

  it('cuts a cycle instead of looping, whatever image it starts from', () => {
    expect(lineageDepths({ a: 'b', b: 'a' })).toEqual({ a: 1, b: 0 });
    expect(lineageDepths({ a: 'a' })).toEqual({ a: 0 });
    expect(lineageDepths({ c: 'a', a: 'b', b: 'c' })).toEqual({ c: 2, a: 1, b: 0 });
  });

  it('does not depend on the order images are listed in', () => {
    expect(lineageDepths({ app: 'hardened', hardened: 'base', base: undefined })).toEqual({
      app: 2,
      hardened: 1,
      base: 0,
    });
  });
});

describe('deprecationTarget', () => {
  const now = new Date('2027-03-01T12:00:00Z');

  it('rounds a future time to the nearest minute, as EC2 does', () => {
    expect(deprecationTarget(new Date('2027-04-01T10:20:29.999Z'), now).toISOString()).toBe('2027-04-01T10:20:00.000Z');
    expect(deprecationTarget(new Date('2027-04-01T10:20:30Z'), now).toISOString()).toBe('2027-04-01T10:21:00.000Z');
  });

  it('moves a time not after now to the next whole minute after now', () => {
    expect(deprecationTarget(new Date('2027-01-01T00:00:00Z'), now).toISOString()).toBe('2027-03-01T12:01:00.000Z');
    expect(deprecationTarget(now, now).toISOString()).toBe('2027-03-01T12:01:00.000Z');
    const justAfter = new Date('2027-03-01T12:00:00.001Z');
    expect(deprecationTarget(justAfter, justAfter).toISOString()).toBe('2027-03-01T12:01:00.000Z');
    const late = new Date('2027-03-01T12:00:59.999Z');
    expect(deprecationTarget(late, late).toISOString()).toBe('2027-03-01T12:01:00.000Z');
  });
});

describe('scheduledDeprecation', () => {
  it('is the creation time plus the duration', () => {
    expect(scheduledDeprecation('2027-01-01T00:00:00Z', 90 * 86_400).toISOString()).toBe('2027-04-01T00:00:00.000Z');
  });

  it('refuses a creation time that is not a time, quoting it', () => {
    expect(() => scheduledDeprecation('yesterday', 60)).toThrow('build creation time "yesterday" is not a valid time');
  });

  it('allows at most EC2’s 10 years, in 365-day years', () => {
    expect(MAX_DEPRECATE_AFTER_SECONDS).toBe(315_360_000);
  });
});

describe('buildHistories', () => {
  const view = (v: Partial<LedgerView>): LedgerView => ({ builds: [], outcomes: [], revocations: [], ...v });

  it('lists each promotion with its channel and time, and leaves a promoted build unsettled', () => {
    expect(
      buildHistories(
        view({
          builds: [{ version: '1.0.0/1', status: 'AVAILABLE' }],
          outcomes: [
            { version: '1.0.0/1', channel: 'dev', outcome: 'promoted', at: '2027-01-01T00:00:00Z' },
            { version: '1.0.0/1', channel: 'prod', outcome: 'rejected', at: '2027-01-02T00:00:00Z' },
            { version: '1.0.0/2', channel: 'dev', outcome: 'promoted', at: '2027-01-03T00:00:00Z' },
          ],
        }),
        'dev',
      ),
    ).toEqual([{ version: '1.0.0/1', promotions: [{ channel: 'dev', at: '2027-01-01T00:00:00Z' }] }]);
  });

  it('settles a failed or cancelled build when it was last updated, else when it was requested', () => {
    expect(
      buildHistories(
        view({
          builds: [
            {
              version: '1.0.0/1',
              status: 'FAILED',
              updatedAt: '2027-01-02T00:00:00Z',
              requestedAt: '2027-01-01T00:00:00Z',
            },
            { version: '1.0.0/2', status: 'CANCELLED', requestedAt: '2027-01-03T00:00:00Z' },
            { version: '1.0.0/3', status: 'BUILDING', updatedAt: '2027-01-04T00:00:00Z' },
            { version: '1.0.0/4', updatedAt: '2027-01-04T00:00:00Z' },
          ],
        }),
        'dev',
      ),
    ).toEqual([
      { version: '1.0.0/1', promotions: [], settledAt: '2027-01-02T00:00:00Z' },
      { version: '1.0.0/2', promotions: [], settledAt: '2027-01-03T00:00:00Z' },
      { version: '1.0.0/3', promotions: [] },
      { version: '1.0.0/4', promotions: [] },
    ]);
  });

  it('settles an unpromoted build when its first channel decided, else when any channel did', () => {
    const outcomes = [
      { version: '1.0.0/1', channel: 'staging', outcome: 'expired' as const, at: '2027-01-05T00:00:00Z' },
      { version: '1.0.0/1', channel: 'dev', outcome: 'rejected' as const, at: '2027-01-06T00:00:00Z' },
      { version: '1.0.0/2', channel: 'staging', outcome: 'aborted' as const, at: '2027-01-07T00:00:00Z' },
    ];
    const builds = [{ version: '1.0.0/1' }, { version: '1.0.0/2' }];
    expect(buildHistories(view({ builds, outcomes }), 'dev').map((b) => b.settledAt)).toEqual([
      '2027-01-06T00:00:00Z',
      '2027-01-07T00:00:00Z',
    ]);
    expect(buildHistories(view({ builds, outcomes }), undefined).map((b) => b.settledAt)).toEqual([
      '2027-01-05T00:00:00Z',
      '2027-01-07T00:00:00Z',
    ]);
  });

  it('carries a revocation only once it is revoked, and retirement and deletion as recorded', () => {
    const histories = buildHistories(
      view({
        builds: [
          { version: '1.0.0/1', retiredAt: '2027-02-01T00:00:00Z', deletedAt: '2027-03-01T00:00:00Z' },
          { version: '1.0.0/2' },
          { version: '1.0.0/3' },
        ],
        outcomes: ['1.0.0/1', '1.0.0/2', '1.0.0/3'].map((version) => ({
          version,
          channel: 'dev',
          outcome: 'promoted' as const,
          at: '2027-01-01T00:00:00Z',
        })),
        revocations: [
          { version: '1.0.0/2', state: 'revoked', revokedAt: '2027-01-10T00:00:00Z' },
          { version: '1.0.0/3', state: 'requested', revokedAt: '2027-01-10T00:00:00Z' },
          { version: '1.0.0/1', state: 'revoked' },
        ],
      }),
      'dev',
    );
    const promotions = [{ channel: 'dev', at: '2027-01-01T00:00:00Z' }];
    expect(histories).toEqual([
      { version: '1.0.0/1', promotions, retiredAt: '2027-02-01T00:00:00Z', deletedAt: '2027-03-01T00:00:00Z' },
      { version: '1.0.0/2', promotions, revokedAt: '2027-01-10T00:00:00Z' },
      { version: '1.0.0/3', promotions },
    ]);
  });
});

describe('amisOf', () => {
  it('reads the AMIs from the first promotion record of the version that has some', () => {
    const amis = [{ region: 'us-east-1', imageId: 'ami-0123456789abcdef0' }];
    const v: LedgerView = {
      builds: [],
      revocations: [],
      outcomes: [
        { version: '1.0.0/2', channel: 'dev', outcome: 'promoted', at: 'x', amis: [{ region: 'x', imageId: 'y' }] },
        { version: '1.0.0/1', channel: 'dev', outcome: 'rejected', at: 'x' },
        { version: '1.0.0/1', channel: 'dev', outcome: 'rejected', at: 'x', amis: [] },
        { version: '1.0.0/1', channel: 'prod', outcome: 'promoted', at: 'x', amis },
      ],
    };
    expect(amisOf(v, '1.0.0/1')).toBe(amis);
    expect(amisOf(v, '1.0.0/3')).toBeUndefined();
  });
});
