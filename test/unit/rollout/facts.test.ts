import { describe, expect, it } from 'vitest';
import { type RolloutFacts, RolloutRefusedError, rolloutAmis } from '../../../core/rollout/facts.js';

const at = { image: 'base', channel: 'prod', version: '1.0.0/2' };
const published: RolloutFacts = {
  buildAmis: [{ region: 'us-east-1', imageId: 'ami-2' }],
  pointerMove: { regions: [{ region: 'us-east-1', value: 'ami-2' }] },
  current: { version: '1.0.0/2' },
};

describe('rolloutAmis and a revocation of the version', () => {
  it('refuses a version revoked, or whose revocation is requested', () => {
    expect(() => rolloutAmis(at, { ...published, revocation: { state: 'revoked' } })).toThrow(
      'rollout of base 1.0.0/2 to prod refused: the version is revoked (revoked)',
    );
    expect(() => rolloutAmis(at, { ...published, revocation: {} })).toThrow(RolloutRefusedError);
  });

  it('rolls out a version an operator restored, once a later promotion attempt published it again', () => {
    expect(rolloutAmis(at, { ...published, revocation: { state: 'restored' }, attempt: 2 })).toEqual({
      'us-east-1': 'ami-2',
    });
    // Restored, but not published again: the pointer still names the version it went back to.
    expect(() =>
      rolloutAmis(at, { ...published, revocation: { state: 'restored' }, current: { version: '1.0.0/1' } }),
    ).toThrow(/the prod pointer names 1\.0\.0\/1 now/);
  });
});
