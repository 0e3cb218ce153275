import { describe, expect, it } from 'vitest';
import type { BuildHistory } from '../../../core/lifecycle/retention.js';
import { descendantRevocations, planRevocation, planRollback } from '../../../core/lifecycle/revocation.js';

const promoted = (version: string, channels: string[], extra: Partial<BuildHistory> = {}): BuildHistory => ({
  version,
  promotions: channels.map((channel, i) => ({ channel, at: `2027-0${version.slice(-1)}-0${i + 1}T00:00:00Z` })),
  ...extra,
});

describe('planRevocation', () => {
  const builds = [
    promoted('1.0.0/1', ['dev', 'staging', 'prod']),
    promoted('1.0.0/2', ['dev', 'staging']),
    promoted('1.0.0/3', ['dev', 'staging', 'prod']),
  ];

  it('rolls back every pointer that names the version, each to its own channel’s previous version', () => {
    const plan = planRevocation({
      version: '1.0.0/3',
      builds,
      pointers: { dev: '1.0.0/3', staging: '1.0.0/3', prod: '1.0.0/3' },
      children: [],
    });
    expect(plan.moves).toEqual([
      { channel: 'dev', action: 'roll-back', to: '1.0.0/2' },
      { channel: 'staging', action: 'roll-back', to: '1.0.0/2' },
      { channel: 'prod', action: 'roll-back', to: '1.0.0/1' },
    ]);
  });

  it('leaves pointers that name another version alone', () => {
    const plan = planRevocation({
      version: '1.0.0/2',
      builds,
      pointers: { dev: '1.0.0/3', staging: '1.0.0/2', prod: '1.0.0/1' },
      children: [{ image: 'hardened', channel: 'prod' }],
    });
    expect(plan).toEqual({ moves: [{ channel: 'staging', action: 'roll-back', to: '1.0.0/1' }], rebuild: [] });
  });

  it('withdraws a pointer with no earlier launchable version, saying why', () => {
    const plan = planRevocation({
      version: '1.0.0/3',
      builds: [promoted('1.0.0/1', ['dev'], { revokedAt: '2027-01-05T00:00:00Z' }), ...builds.slice(1)],
      pointers: { prod: '1.0.0/3' },
      children: [],
    });
    expect(plan.moves).toEqual([
      { channel: 'prod', action: 'withdraw', reason: 'no earlier launchable version was promoted to prod' },
    ]);
  });

  it('does not revoke the other builds it looks at: an earlier version stays a rollback target', () => {
    const plan = planRevocation({ version: '1.0.0/3', builds, pointers: { prod: '1.0.0/3' }, children: [] });
    expect(plan.moves).toEqual([{ channel: 'prod', action: 'roll-back', to: '1.0.0/1' }]);
  });

  it('rebuilds each child following a rolled-back channel once, and none following a withdrawn one', () => {
    const plan = planRevocation({
      version: '1.0.0/3',
      builds: [promoted('1.0.0/2', ['dev', 'staging']), promoted('1.0.0/3', ['dev', 'staging', 'prod'])],
      pointers: { dev: '1.0.0/3', staging: '1.0.0/3', prod: '1.0.0/3' },
      children: [
        { image: 'hardened', channel: 'dev' },
        { image: 'hardened', channel: 'staging' },
        { image: 'tools', channel: 'staging' },
        { image: 'edge', channel: 'prod' },
      ],
    });
    expect(plan.moves.map((m) => `${m.channel}:${m.action}`)).toEqual([
      'dev:roll-back',
      'staging:roll-back',
      'prod:withdraw',
    ]);
    expect(plan.rebuild).toEqual(['hardened', 'tools']);
  });

  it('plans nothing when no pointer names the version', () => {
    expect(
      planRevocation({ version: '1.0.0/2', builds, pointers: {}, children: [{ image: 'x', channel: 'dev' }] }),
    ).toEqual({ moves: [], rebuild: [] });
  });
});

describe('planRollback', () => {
  const builds = [
    promoted('1.0.0/1', ['prod']),
    promoted('1.0.0/2', ['prod'], { retiredAt: '2027-03-01T00:00:00Z' }),
    promoted('1.0.0/3', ['prod']),
    promoted('1.0.0/4', ['prod']),
  ];

  it('refuses when the channel names no version', () => {
    expect(planRollback({ channel: 'prod', builds, current: undefined })).toEqual({
      refused: 'prod names no version: nothing to roll back',
    });
    expect(planRollback({ channel: 'prod', builds, current: '' })).toEqual({
      refused: 'prod names no version: nothing to roll back',
    });
  });

  it('goes to the newest earlier launchable version when none is asked for', () => {
    expect(planRollback({ channel: 'prod', builds, current: '1.0.0/4' })).toEqual({
      to: '1.0.0/3',
      direction: 'back',
    });
  });

  it('goes to the requested version when it qualifies', () => {
    expect(planRollback({ channel: 'prod', builds, current: '1.0.0/4', requested: '1.0.0/1' })).toEqual({
      to: '1.0.0/1',
      direction: 'back',
    });
  });

  it('goes forward to a newer version the channel promoted and that is still launchable: a mistaken rollback taken back', () => {
    expect(planRollback({ channel: 'prod', builds, current: '1.0.0/1', requested: '1.0.0/4' })).toEqual({
      to: '1.0.0/4',
      direction: 'forward',
    });
    expect(planRollback({ channel: 'prod', builds, current: '1.0.0/1', requested: '1.0.0/3' })).toEqual({
      to: '1.0.0/3',
      direction: 'forward',
    });
  });

  it('refuses a requested version that is retired, current, unknown, revoked or never promoted there, saying which', () => {
    const refused = (requested: string, why: string, current = '1.0.0/4') =>
      expect(planRollback({ image: 'base', channel: 'prod', builds: others, current, requested })).toEqual({
        refused: `${requested} is not a launchable version promoted to prod: ${why}`,
      });
    const others = [
      ...builds,
      promoted('1.0.0/5', ['dev']),
      promoted('1.0.0/6', ['prod'], { revokedAt: '2027-06-01' }),
    ];
    refused('1.0.0/2', 'retention retired it at 2027-03-01T00:00:00Z (no longer launchable)');
    refused('1.0.0/4', 'prod names it already');
    refused('1.0.0/9', 'no such build of the image');
    refused('1.0.0/6', 'it is revoked (since 2027-06-01); goldsmith restore takes a revocation back', '1.0.0/1');
    refused(
      '1.0.0/5',
      "it was never promoted to prod: it reaches prod only through a promotion that passes prod's gates " +
        '(goldsmith history base shows where its promotion stands)',
    );
  });

  it('names promote --through-gates only for a restored version the channel never promoted', () => {
    const restored = [...builds, promoted('1.0.0/5', ['dev'])];
    expect(
      planRollback({
        image: 'base',
        channel: 'prod',
        builds: restored,
        current: '1.0.0/3',
        requested: '1.0.0/5',
        restored: new Set(['1.0.0/5']),
      }),
    ).toEqual({
      refused:
        "1.0.0/5 is not a launchable version promoted to prod: it was never promoted to prod; a restored version goes through every channel's gates again with goldsmith promote base 1.0.0/5 --through-gates --reason R",
    });
  });

  it('refuses when nothing earlier qualifies', () => {
    expect(planRollback({ channel: 'prod', builds, current: '1.0.0/1' })).toEqual({
      refused: 'no earlier launchable version was promoted to prod',
    });
    expect(planRollback({ channel: 'prod', builds, current: '1.0.0/1', requested: undefined })).toEqual({
      refused: 'no earlier launchable version was promoted to prod',
    });
  });
});

describe('descendantRevocations', () => {
  it('ignores children built on the same version number of another image, or with no recorded parent version', () => {
    expect(
      descendantRevocations({
        image: 'base',
        version: '1.0.0/2',
        reason: 'CVE',
        children: [
          {
            image: 'hardened',
            builds: [
              { version: '1.0.0/1', parent: { image: 'other', buildVersion: '1.0.0/2' } },
              { version: '1.0.0/2', parent: { image: 'base' } },
              { version: '1.0.0/3' },
              { version: '1.0.0/4', parent: { image: 'base', buildVersion: '1.0.0/2' } },
            ],
          },
        ],
      }),
    ).toEqual([{ image: 'hardened', version: '1.0.0/4', reason: 'parent base 1.0.0/2 revoked: CVE' }]);
  });
});
