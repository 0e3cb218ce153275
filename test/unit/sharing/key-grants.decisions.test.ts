import { describe, expect, it } from 'vitest';
import type { Catalog, TargetsSpec } from '../../../core/config/schema.js';
import { AUTO_SCALING_GRANT_OPERATIONS, autoScalingGrantees } from '../../../core/sharing/key-grants.js';

describe('AUTO_SCALING_GRANT_OPERATIONS', () => {
  it('is the operations of AWS’s example grant for the Auto Scaling service-linked role, in its order', () => {
    expect(AUTO_SCALING_GRANT_OPERATIONS).toEqual([
      'Encrypt',
      'Decrypt',
      'ReEncryptFrom',
      'ReEncryptTo',
      'GenerateDataKey',
      'GenerateDataKeyWithoutPlaintext',
      'DescribeKey',
      'CreateGrant',
    ]);
  });
});

describe('autoScalingGrantees: who the AMI key lets grant it to their Auto Scaling role', () => {
  const channel = (targets: Partial<Pick<TargetsSpec, 'organization' | 'ous' | 'accounts' | 'accountTags'>>) => ({
    targets: { organization: false, ous: [], accounts: [], accountTags: {}, ...targets },
  });
  const of = (...channels: ReturnType<typeof channel>[]) =>
    autoScalingGrantees({ channels } as unknown as Pick<Catalog, 'channels'>);

  it('is every OU and named account the channels target, each once, sorted', () => {
    expect(
      of(channel({ ous: ['ou-b', 'ou-a'] }), channel({ ous: ['ou-a'], accounts: ['200000000002', '200000000001'] })),
    ).toEqual({ ous: ['ou-a', 'ou-b'], accounts: ['200000000001', '200000000002'] });
  });

  it('is the whole organization (undefined) when a channel targets it, or selects accounts by tag', () => {
    expect(of(channel({ ous: ['ou-a'] }), channel({ organization: true }))).toBeUndefined();
    expect(of(channel({ ous: ['ou-a'] }), channel({ accountTags: { team: 'web' } }))).toBeUndefined();
  });
});
