import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareDeb, comparePackageVersions, compareRpm, rpmVerCmp } from '../../../core/sbom/version-order.js';

// RPM's own cases (https://github.com/rpm-software-management/rpm/blob/master/tests/rpmvercmp.at), plus the caret's
// (rpm-version(7)): [a, b, rpmvercmp(a, b)].
const RPM_CASES: [string, string, -1 | 0 | 1][] = [
  ['1.0', '1.0', 0],
  ['1.0', '2.0', -1],
  ['2.0.1', '2.0', 1],
  ['2.0.1a', '2.0.1', 1],
  ['5.5p1', '5.5p10', -1],
  ['10xyz', '10.1xyz', -1],
  ['xyz10', 'xyz10.1', -1],
  ['xyz.4', '8', -1],
  ['2', 'xyz.4', 1],
  ['6.0.rc1', '6.0', 1],
  ['10b2', '10a1', 1],
  ['1.0a', '1.0aa', -1],
  ['10.0001', '10.1', 0],
  ['10.0039', '10.0001', 1],
  ['4.999.9', '5.0', -1],
  ['20101122', '20101121', 1],
  ['2.0', '2_0', 0],
  ['a+', 'a_', 0],
  ['_+', '+_', 0],
  ['1.0~rc1', '1.0', -1],
  ['1.0~rc1', '1.0~rc2', -1],
  ['1.0~rc1~git123', '1.0~rc1', -1],
  ['1.0^', '1.0', 1],
  ['1.0^git1', '1.0', 1],
  ['1.0^git1', '1.0.1', -1],
  ['1.0^git1', '1.0^git2', -1],
  ['1.0^git1~pre', '1.0^git1', -1],
  ['1.0~rc1^git1', '1.0~rc1', 1],
  ['1.0~rc1^git1', '1.0', -1],
  ['1.0^git1', '1.0^git1', 0],
];

// Debian Policy 5.6.12 and dpkg's behaviour: [a, b, compare(a, b)].
const DEB_CASES: [string, string, -1 | 0 | 1][] = [
  ['1.0', '1.0-0', 0],
  ['1.0~rc1', '1.0', -1],
  ['1.0~~', '1.0~~a', -1],
  ['1.0~~a', '1.0~', -1],
  ['1.0~', '1.0', -1],
  ['1.0', '1.0a', -1],
  ['1.0a', '1.0+', -1],
  ['1.0+', '1.0.', -1],
  ['2.2~rc-4', '2.2-1', -1],
  ['1:0.4', '10.3', 1],
  ['0:1.2', '1.2', 0],
  ['1.2-3ubuntu1', '1.2-3', 1],
  ['3.0.13-0ubuntu0.22.04.1', '3.0.2-0ubuntu1.10', 1],
  ['1.001', '1.1', 0],
];

describe('rpmVerCmp', () => {
  it.each(RPM_CASES)('orders %s against %s as RPM does (%i)', (a, b, want) => {
    expect(rpmVerCmp(a, b)).toBe(want);
    expect(rpmVerCmp(b, a)).toBe(0 - want);
  });
});

describe('compareRpm', () => {
  it('lets the epoch outweigh the version (openssl 1:3.0.8 against 3.1.0)', () => {
    expect(compareRpm('1:3.0.8-1.amzn2023.0.18', '3.1.0-1.amzn2023.0.1')).toBe(1);
  });

  it('compares the release when the versions are equal (Amazon Linux openssl patch)', () => {
    expect(compareRpm('1:3.0.8-1.amzn2023.0.14', '1:3.0.8-1.amzn2023.0.18')).toBe(-1);
  });

  it('orders kernel builds by their version before their release', () => {
    expect(compareRpm('6.1.112-122.189.amzn2023', '6.1.115-126.197.amzn2023')).toBe(-1);
  });
});

describe('compareDeb', () => {
  it.each(DEB_CASES)('orders %s against %s as dpkg does (%i)', (a, b, want) => {
    expect(compareDeb(a, b)).toBe(want);
    expect(compareDeb(b, a)).toBe(0 - want);
  });

  it('differs from RPM where Debian Policy says a letter sorts before a non-letter', () => {
    expect(compareDeb('1.0a', '1.0+')).toBe(-1);
    expect(comparePackageVersions('1.0a', '1.0+', 'deb')).toBe(-1);
    expect(comparePackageVersions('1.0a', '1.0+', 'rpm')).toBe(1);
  });
});

const label = fc.stringMatching(/^([0-9]{1,2}:)?[0-9a-z.~^+]{1,8}(-[0-9a-z.~^]{1,5})?$/);

describe.each([
  ['rpm', compareRpm],
  ['deb', compareDeb],
] as const)('%s order (properties)', (_name, compare) => {
  it('is antisymmetric and reflexive', () => {
    fc.assert(
      fc.property(label, label, (a, b) => {
        expect(compare(a, a)).toBe(0);
        expect(compare(a, b)).toBe(0 - compare(b, a));
      }),
    );
  });

  it('is transitive, so a sort of versions is well defined', () => {
    fc.assert(
      fc.property(label, label, label, (a, b, c) => {
        if (compare(a, b) <= 0 && compare(b, c) <= 0) expect(compare(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it('puts a pre-release (~) before its release and a higher epoch above all', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9][0-9.]{0,6}$/), fc.stringMatching(/^[a-z0-9]{1,4}$/), (v, pre) => {
        expect(compare(`${v}~${pre}`, v)).toBe(-1);
        expect(compare(`1:${v}`, `${v}.9`)).toBe(1);
      }),
    );
  });
});
