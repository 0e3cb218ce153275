import { describe, expect, it } from 'vitest';
import {
  formerlySharedVersions,
  retiredSharedVersions,
  retiredUserGrants,
  retiredUsers,
} from '../../../core/sharing/retired-shared.js';

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';

describe('retiredUsers', () => {
  it('keeps only the users that a channel of the version still reaches, sorted', () => {
    expect(retiredUsers({ users: [C, A, B], reached: [A, C, '444444444444'] })).toEqual([A, C]);
  });

  it('keeps nobody once its users left the organization or every channel target', () => {
    expect(retiredUsers({ users: [A, B], reached: [C] })).toEqual([]);
    expect(retiredUsers({ users: [], reached: [A, B, C] })).toEqual([]);
  });
});

describe('retiredUserGrants', () => {
  it('grants by account id only: never an OU or the organization a new account would inherit it through', () => {
    expect(retiredUserGrants({ users: [B, A, A], reached: [A, B] })).toEqual([{ UserId: A }, { UserId: B }]);
  });
});

describe('retiredSharedVersions', () => {
  const builds = [
    { version: '1.0.0/1', retiredAt: '2027-01-02T00:00:00Z' },
    { version: '1.0.0/2', retiredAt: '2027-01-03T00:00:00Z', deletedAt: '2027-02-03T00:00:00Z' },
    { version: '1.0.0/3', retiredAt: '2027-01-04T00:00:00Z' },
    { version: '1.0.0/4', retiredAt: '2027-01-05T00:00:00Z' },
    { version: '1.0.0/5', retiredAt: '2027-01-06T00:00:00Z' },
    { version: '1.0.0/6' },
  ];

  it('is the retired versions still in use, neither deleted, revoked nor released by an operator', () => {
    const inUse = new Set(['1.0.0/1', '1.0.0/2', '1.0.0/3', '1.0.0/4', '1.0.0/6']);
    expect(retiredSharedVersions(builds, inUse, new Set(['1.0.0/3']), new Set(['1.0.0/4']))).toEqual(['1.0.0/1']);
  });

  it('is none when nobody uses a retired version any more', () => {
    expect(retiredSharedVersions(builds, new Set(), new Set(), new Set())).toEqual([]);
  });
});

describe('formerlySharedVersions', () => {
  const builds = [
    { version: '1.0.0/1', retiredAt: '2027-01-02T00:00:00Z' },
    { version: '1.0.0/2', retiredAt: '2027-01-03T00:00:00Z', deletedAt: '2027-02-03T00:00:00Z' },
    { version: '1.0.0/3', retiredAt: '2027-01-04T00:00:00Z' },
    { version: '1.0.0/4', retiredAt: '2027-01-05T00:00:00Z' },
    { version: '1.0.0/5' },
  ];
  const held = new Set(['1.0.0/1', '1.0.0/2', '1.0.0/3', '1.0.0/4', '1.0.0/5']);

  it('is the retired versions once held for their users that are kept shared no more: launchable by nobody', () => {
    expect(formerlySharedVersions(builds, new Set(['1.0.0/3']), held, new Set())).toEqual(['1.0.0/1', '1.0.0/4']);
  });

  it('leaves out a version never held for users, a deleted one, a revoked one and one never retired', () => {
    expect(formerlySharedVersions(builds, new Set(), new Set(['1.0.0/2', '1.0.0/5']), new Set())).toEqual([]);
    expect(formerlySharedVersions(builds, new Set(['1.0.0/3']), held, new Set(['1.0.0/1']))).toEqual(['1.0.0/4']);
  });
});
