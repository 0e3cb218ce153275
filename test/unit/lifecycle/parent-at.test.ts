import { describe, expect, it } from 'vitest';
import { lineageRecorded, parentVersionAt } from '../../../core/lifecycle/parent-at.js';

// base/staging: 1.0.0/1 published, then 1.0.0/2, which a revocation rolled back to 1.0.0/1, then withdrawn.
const CHANGES = [
  { at: '2027-01-02T07:00:00Z', version: '1.0.0/1' },
  { at: '2027-01-04T07:00:00Z', version: '1.0.0/2' },
  { at: '2027-01-05T12:00:00Z', version: '1.0.0/1' },
  { at: '2027-01-08T00:00:00Z', version: null },
];
const at = (createdAt: string | undefined) => parentVersionAt('base/staging', CHANGES, createdAt, '1.0.0/1');

describe('parentVersionAt', () => {
  it('names the version the pointer named when the build was created, not the one it names now', () => {
    expect(at('2027-01-04T20:00:00Z')).toEqual({ version: '1.0.0/2' });
    expect(at('2027-01-05T13:00:00Z')).toEqual({ version: '1.0.0/1' });
  });

  it('counts a change made at the very time the build was created', () => {
    expect(at('2027-01-04T07:00:00Z')).toEqual({ version: '1.0.0/2' });
  });

  it('is unknown, saying why, before the first recorded move, after a withdrawal, or without a creation time', () => {
    expect(at('2027-01-01T00:00:00Z')).toEqual({
      unknown: 'parent version unknown: no move of base/staging is recorded before 2027-01-01T00:00:00Z',
    });
    expect(at('2027-01-09T00:00:00Z')).toEqual({
      unknown:
        'parent version unknown: base/staging was withdrawn at 2027-01-08T00:00:00Z, before 2027-01-09T00:00:00Z',
    });
    expect(at(undefined)).toEqual({ unknown: "parent version unknown: the build's creation time is not known" });
  });

  it('takes the pointer as it is now when no change of it is recorded at all, and is unknown when there is none', () => {
    expect(parentVersionAt('base/staging', [], '2027-01-04T20:00:00Z', '1.0.0/1')).toEqual({ version: '1.0.0/1' });
    expect(parentVersionAt('base/staging', [], '2027-01-04T20:00:00Z', undefined)).toEqual({
      unknown: 'parent version unknown: base/staging names no version',
    });
  });
});

describe('lineageRecorded', () => {
  it('is true once the build item holds a parent, an unknown one, or null for an image without one', () => {
    expect(lineageRecorded({ parent: { image: 'base', channel: 'staging', buildVersion: '1.0.0/2' } })).toBe(true);
    expect(lineageRecorded({ parent: { image: 'base', channel: 'staging', unknown: 'parent version unknown' } })).toBe(
      true,
    );
    expect(lineageRecorded({ parent: null })).toBe(true);
  });

  it('is false for an item written without its lineage yet', () => {
    expect(lineageRecorded({ status: 'PENDING' })).toBe(false);
    expect(lineageRecorded({})).toBe(false);
  });
});
