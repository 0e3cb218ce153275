import { describe, expect, it } from 'vitest';
import { checkPackageRelease, holdsAtLeast, packageClaimOf } from '../../../core/triggers/package-release.js';

describe('packageClaimOf', () => {
  it("reads the package and version a package build's dedupe key claimed", () => {
    expect(packageClaimOf('package:base:openssl@3.0.16', 'base')).toEqual({ name: 'openssl', version: '3.0.16' });
    expect(packageClaimOf('package:base:@acme/agent@2.1.0', 'base')).toEqual({ name: '@acme/agent', version: '2.1.0' });
  });

  it('finds no claim in another kind of key or another image', () => {
    expect(packageClaimOf('patch:base:2027-02', 'base')).toBeUndefined();
    expect(packageClaimOf('package:child:openssl@3.0.16', 'base')).toBeUndefined();
    expect(packageClaimOf('package:base:openssl', 'base')).toBeUndefined();
  });
});

describe('holdsAtLeast', () => {
  it('compares versions numerically, segment by segment', () => {
    expect(holdsAtLeast('3.0.16', '3.0.8')).toBe(true);
    expect(holdsAtLeast('3.0.8', '3.0.16')).toBe(false);
    expect(holdsAtLeast('3.0.16', '3.0.16')).toBe(true);
    expect(holdsAtLeast('3.0', '3.0.1')).toBe(false);
  });

  it('ignores the epoch and release an announcement does not state', () => {
    expect(holdsAtLeast('1:3.0.16-1.amzn2023.0.1', '3.0.16')).toBe(true);
    expect(holdsAtLeast('1:3.0.8-1.amzn2023.0.18', '3.0.16')).toBe(false);
  });

  it('compares the release and epoch an announcement states', () => {
    expect(holdsAtLeast('3.0.16-1.amzn2023.0.1', '3.0.16-2.amzn2023')).toBe(false);
    expect(holdsAtLeast('3.0.16-2.amzn2023', '3.0.16-1.amzn2023.0.1')).toBe(true);
    expect(holdsAtLeast('2:1.0', '1:9.9')).toBe(true);
    expect(holdsAtLeast('9.9', '1:1.0')).toBe(false);
  });
});

describe('checkPackageRelease', () => {
  const inventory = new Map([
    ['openssl', ['1:3.0.8-1.amzn2023.0.18']],
    ['kernel', ['6.1.100-1', '6.1.112-1']],
  ]);

  it('is held when any listed version of the package is at or above the announced one', () => {
    expect(checkPackageRelease(inventory, 'kernel', '6.1.110')).toEqual({ held: true, version: '6.1.112-1' });
  });

  it('is not held when the build holds an older version, and says which', () => {
    expect(checkPackageRelease(inventory, 'openssl', '3.0.99')).toEqual({
      held: false,
      holds: ['1:3.0.8-1.amzn2023.0.18'],
    });
  });

  it('is not held when the build does not have the package at all', () => {
    expect(checkPackageRelease(inventory, 'nginx', '1.26.0')).toEqual({ held: false, holds: [] });
  });
});
