import { describe, expect, it } from 'vitest';
import { revocationScheduleName, SCHEDULE_NAME_MAX } from '../../../core/lifecycle/scheduled-revocation.js';

describe('revocationScheduleName: the 64-character limit', () => {
  it('keeps a name of exactly 64 characters whole, and hashes one of 65', () => {
    // `<image>_1.0.0_1` is the image name and 8 more characters.
    const exact = revocationScheduleName('a'.repeat(SCHEDULE_NAME_MAX - 8), '1.0.0/1');
    expect(exact).toBe(`${'a'.repeat(56)}_1.0.0_1`);
    expect(exact).toHaveLength(64);
    const over = revocationScheduleName('a'.repeat(SCHEDULE_NAME_MAX - 7), '1.0.0/1');
    expect(over).toMatch(/^a{51}-[0-9a-f]{12}$/);
  });
});
