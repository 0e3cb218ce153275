import { describe, expect, it } from 'vitest';
import { buildsAfterPass, versionsBuiltOn } from '../../../core/lifecycle/descendant-holds.js';

const child = (version: string, parent: string | undefined, deletedAt?: string) => ({
  sk: `BUILD#${version}`,
  ...(parent && { parent: { image: 'base', buildVersion: parent } }),
  ...(deletedAt && { deletedAt }),
});

describe("retention's lineage hold from a child image's builds", () => {
  it('holds the parent versions live child builds were built on, not those of deleted ones or other images', () => {
    const builds = [
      child('2.0.0/1', '1.0.0/1'),
      child('2.0.0/2', '1.0.0/2', '2027-02-01T00:00:00Z'),
      { sk: 'BUILD#2.0.0/3', parent: { image: 'other', buildVersion: '1.0.0/3' } },
      child('2.0.0/4', undefined),
      { sk: 'BUILD#2.0.0/5', parent: null },
    ];
    expect([...versionsBuiltOn('base', builds)]).toEqual(['1.0.0/1']);
  });

  it("marks deleted the builds the child's own pass deleted, so they hold nothing in its parent's pass", () => {
    const builds = [child('2.0.0/1', '1.0.0/1'), child('2.0.0/2', '1.0.0/2')];
    const after = buildsAfterPass(builds, ['2.0.0/1'], '2027-03-01T10:00:00Z');
    expect(after.map((b) => b.deletedAt)).toEqual(['2027-03-01T10:00:00Z', undefined]);
    expect([...versionsBuiltOn('base', after)]).toEqual(['1.0.0/2']);
  });

  it('keeps the deletion time a build already had', () => {
    const after = buildsAfterPass(
      [child('2.0.0/1', '1.0.0/1', '2027-01-01T00:00:00Z')],
      ['2.0.0/1'],
      '2027-03-01T10:00:00Z',
    );
    expect(after[0]?.deletedAt).toBe('2027-01-01T00:00:00Z');
  });
});
