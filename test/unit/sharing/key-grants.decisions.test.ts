import { describe, expect, it } from 'vitest';
import { AUTO_SCALING_GRANT_OPERATIONS } from '../../../core/sharing/key-grants.js';

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
