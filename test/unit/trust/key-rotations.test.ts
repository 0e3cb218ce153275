import { describe, expect, it } from 'vitest';
import {
  type KeyRotationRecord,
  keysLine,
  linkLifetimeSeconds,
  secondRotationWarning,
} from '../../../core/trust/key-rotations.js';

const rotation = (at: string, by = 'arn:aws:sts::123456789012:assumed-role/goldsmith-prod-operators/alice') =>
  ({ at, by, keys: [{ name: 'goldsmith/prod/approval-links', versionId: 'v' }] }) satisfies KeyRotationRecord;

describe("the signing keys' rotations", () => {
  it('names the last rotation in status, or that there was none', () => {
    expect(keysLine([])).toBe('signing keys: never rotated since the deploy made them');
    expect(keysLine([rotation('2027-01-03T00:00:00.000Z'), rotation('2027-01-09T00:00:00.000Z', 'bob')])).toBe(
      'signing keys: last rotated 2027-01-09T00:00:00.000Z by bob (goldsmith history --factory lists every rotation)',
    );
  });

  it("takes the links' lifetime from the longest approval timeout, and warns only within it", () => {
    const lifetime = linkLifetimeSeconds({
      channels: [
        { approval: { approvers: ['a'], timeout: '3d' } },
        { approval: { approvers: ['a'], timeout: '1w' } },
        {},
      ] as never,
    });
    expect(lifetime).toBe(7 * 86_400);
    const previous = rotation('2027-01-01T00:00:00.000Z');
    expect(secondRotationWarning(previous, new Date('2027-01-03T00:00:00Z'), lifetime)).toBe(
      "the signing keys were last rotated 2d ago (2027-01-01T00:00:00.000Z, by arn:aws:sts::123456789012:assumed-role/goldsmith-prod-operators/alice), within the approval links' lifetime (1w): links sent before 2027-01-01T00:00:00.000Z stop working now",
    );
    expect(secondRotationWarning(previous, new Date('2027-01-08T00:00:00Z'), lifetime)).toBeUndefined();
    expect(secondRotationWarning(undefined, new Date('2027-01-03T00:00:00Z'), lifetime)).toBeUndefined();
    // No channel asks for an approval: no link to break.
    expect(secondRotationWarning(previous, new Date('2027-01-01T01:00:00Z'), 0)).toBeUndefined();
  });
});
