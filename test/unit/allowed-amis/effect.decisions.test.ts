import { describe, expect, it } from 'vitest';
import { imageEffect } from '../../../core/allowed-amis/effect.js';

const NOW = new Date('2027-03-10T00:00:00.000Z');
const build = (version: string, extra: Record<string, unknown> = {}) => ({
  sk: `BUILD#${version}`,
  buildVersion: version,
  status: 'AVAILABLE',
  requestedAt: '2027-01-01T00:00:00.000Z',
  ...extra,
});
const effect = (items: Record<string, unknown>[], options: Partial<Parameters<typeof imageEffect>[2]> = {}) =>
  imageEffect('base', items, { graceDays: 0, now: NOW, channels: ['dev', 'staging', 'prod'], ...options });

describe('imageEffect: decisions', () => {
  it('reads revocations acted on, unreleased holds and pointers from their own items only', () => {
    const e = effect([
      build('1.0.0/1'),
      build('1.0.0/2', { retiredAt: '2027-02-01T00:00:00.000Z' }),
      build('1.0.0/3'),
      { sk: 'REVOCATION#1.0.0/1', version: '1.0.0/1', state: 'requested', at: '2027-02-01T00:00:00.000Z' },
      { sk: 'PAUSED#1.0.0/3', version: '1.0.0/3', state: 'revoked', at: '2027-02-01T00:00:00.000Z' },
      { sk: 'HOLD#1.0.0/2', accounts: ['200000000001'], releasedAt: '2027-02-02T00:00:00.000Z' },
      { sk: 'SOAK#1.0.0/2', accounts: ['200000000001'] },
      { sk: 'POINTER#1.0.0/3', version: '1.0.0/3' },
      { sk: 'CHANNEL#dev' },
    ]);
    expect(e.versions.map((v) => [v.version, v.standing, v.channels, v.heldFor])).toEqual([
      ['1.0.0/3', 'kept', [], undefined],
      ['1.0.0/2', 'retired', [], undefined],
      ['1.0.0/1', 'kept', [], undefined],
    ]);
    expect(e.warnings).toEqual([]);
  });

  it('dates a revocation by revokedAt, else by its time, and counts only available, undeleted builds', () => {
    const e = effect([
      build('1.0.0/1'),
      build('1.0.0/2'),
      build('1.0.0/3', { status: 'FAILED' }),
      build('1.0.0/4', { deletedAt: '2027-02-01T00:00:00.000Z' }),
      { sk: 'OUTOFCYCLE#1.0.0/5', status: 'AVAILABLE' },
      {
        sk: 'REVOCATION#1.0.0/1',
        version: '1.0.0/1',
        state: 'revoked',
        at: '2027-02-01T00:00:00.000Z',
        revokedAt: '2027-02-03T00:00:00.000Z',
      },
      { sk: 'REVOCATION#1.0.0/2', version: '1.0.0/2', state: 'revoked', at: '2027-02-05T00:00:00.000Z' },
    ]);
    expect(e.versions.map((v) => [v.version, v.deprecatedAt])).toEqual([
      ['1.0.0/2', '2027-02-05T00:00:00.000Z'],
      ['1.0.0/1', '2027-02-03T00:00:00.000Z'],
    ]);
  });

  it('takes the version from the sort key when the item names none', () => {
    const e = effect([{ sk: 'BUILD#1.0.0/7', status: 'AVAILABLE' }]);
    expect(e.versions.map((v) => v.version)).toEqual(['1.0.0/7']);
  });

  it('blocks from the instant deprecation plus the grace is reached, not before', () => {
    const at = (retiredAt: string) => effect([build('1.0.0/1', { retiredAt })], { graceDays: 1 }).versions[0];
    expect(at('2027-03-09T00:00:00.000Z')).toMatchObject({ blocked: true, blockedFrom: NOW.toISOString() });
    expect(at('2027-03-09T00:00:00.001Z')?.blocked).toBe(false);
    expect(effect([build('1.0.0/1')]).versions[0]).toMatchObject({ deprecatedAt: undefined, blocked: false });
  });

  it('lists a pointer’s channels in catalog order and warns only for a kept version a channel names', () => {
    const e = effect(
      [
        build('1.0.0/1', { requestedAt: '2027-01-01T00:00:00.000Z' }),
        build('1.0.0/2', { requestedAt: '2027-03-01T00:00:00.000Z' }),
        { sk: 'CHANNEL#prod', version: '1.0.0/1' },
        { sk: 'CHANNEL#dev', version: '1.0.0/1' },
      ],
      { deprecateAfter: '30d' },
    );
    expect(e.versions.find((v) => v.version === '1.0.0/1')?.channels).toEqual(['dev', 'prod']);
    expect(e.warnings).toEqual([
      'base 1.0.0/1 is named by dev, prod but retention.deprecateAfter (30d) deprecates it about 2027-01-31: from 2027-01-31 it no longer launches unless a newer version is promoted first',
    ]);
  });

  it('gives no deprecateAfter warning for a retired or revoked version a channel still names', () => {
    const named = (extra: Record<string, unknown>[]) =>
      effect([build('1.0.0/1'), { sk: 'CHANNEL#prod', version: '1.0.0/1' }, ...extra], { deprecateAfter: '30d' })
        .warnings;
    expect(named([])).toHaveLength(1);
    const retired = effect(
      [build('1.0.0/1', { retiredAt: '2027-02-01T00:00:00.000Z' }), { sk: 'CHANNEL#prod', version: '1.0.0/1' }],
      { deprecateAfter: '30d' },
    );
    expect(retired.versions[0]?.standing).toBe('retired');
    expect(retired.warnings).toEqual([]);
  });

  it('warns about a retired version held for its users, only while someone is held for', () => {
    const held = (accounts: string[]) =>
      effect([build('1.0.0/1', { retiredAt: '2027-03-01T00:00:00.000Z' }), { sk: 'HOLD#1.0.0/1', accounts }], {
        graceDays: 30,
      });
    expect(held(['200000000001', '200000000002']).warnings).toEqual([
      'base 1.0.0/1 is retired but held for 2 account(s) still using it: from 2027-03-31 their Auto Scaling groups and launch templates can no longer launch it (deprecatedGraceDays 30)',
    ]);
    expect(held([]).warnings).toEqual([]);
    expect(held([]).versions[0]?.heldFor).toBe(0);
    const kept = effect([build('1.0.0/1'), { sk: 'HOLD#1.0.0/1', accounts: ['200000000001'] }]);
    expect(kept.versions[0]?.heldFor).toBeUndefined();
    expect(kept.warnings).toEqual([]);
  });
});
