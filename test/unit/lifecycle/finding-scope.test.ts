import { describe, expect, it } from 'vitest';
import {
  builtWith,
  decodeInventory,
  encodeInventory,
  type InstanceFindingFacts,
  safePackages,
  scopeOfInstanceFinding,
  splitInventory,
} from '../../../core/lifecycle/finding-scope.js';

const FACTORY = '111122223333';
const MEMBER = '444455556666';
const inventory = decodeInventory(
  encodeInventory([
    { name: 'openssl', version: '1:3.0.8-1.amzn2023.0.18' },
    { name: 'snapd', version: '2.63-0ubuntu1' },
    { name: 'zlib', version: '1.2.11' },
  ]),
);

const facts = (over: Partial<InstanceFindingFacts> = {}): InstanceFindingFacts => ({
  factoryAccount: FACTORY,
  eventAccount: FACTORY,
  resourceAccount: MEMBER,
  inOrganization: true,
  type: 'PACKAGE_VULNERABILITY',
  vulnerablePackages: [{ name: 'openssl', version: '3.0.8', release: '1.amzn2023.0.18', epoch: 1 }],
  inventory,
  ...over,
});

describe('builtWith', () => {
  it('matches a package at the version the image was built with, however the version is split', () => {
    expect(builtWith(inventory, { name: 'openssl', version: '3.0.8', release: '1.amzn2023.0.18' })).toBe(true);
    expect(builtWith(inventory, { name: 'openssl', version: '1:3.0.8', release: '1.amzn2023.0.18' })).toBe(true);
    expect(builtWith(inventory, { name: 'snapd', version: '2.63', release: '0ubuntu1' })).toBe(true);
    expect(builtWith(inventory, { name: 'zlib', version: '1.2.11' })).toBe(true);
  });

  it("does not take a team's own build of the same upstream version for the image's package", () => {
    // A member's instance reports its packages itself: `2.63` with no revision is not the image's `2.63-0ubuntu1`,
    // nor `1.2.11-3.el9` the image's `1.2.11`.
    expect(builtWith(inventory, { name: 'snapd', version: '2.63' })).toBe(false);
    expect(builtWith(inventory, { name: 'zlib', version: '1.2.11', release: '3.el9' })).toBe(false);
    expect(builtWith(inventory, { name: 'openssl', version: '3.0.8' })).toBe(false);
  });

  it('does not match another version or release of the package, nor a package the image lacks', () => {
    expect(builtWith(inventory, { name: 'openssl', version: '1.1.1k' })).toBe(false);
    expect(builtWith(inventory, { name: 'openssl', version: '3.0.8', release: '1.amzn2023.0.2' })).toBe(false);
    expect(builtWith(inventory, { name: 'snapd', version: '2.6' })).toBe(false);
    expect(builtWith(inventory, { name: 'libxml2', version: '2.9.1' })).toBe(false);
  });

  it("never matches a language package to the image's operating-system package of the same name and version", () => {
    expect(builtWith(inventory, { name: 'zlib', version: '1.2.11', packageManager: 'OS' })).toBe(true);
    expect(builtWith(inventory, { name: 'zlib', version: '1.2.11', packageManager: 'NPM' })).toBe(false);
    expect(builtWith(inventory, { name: 'zlib', version: '1.2.11', packageManager: 'PIP' })).toBe(false);
  });
});

describe('scopeOfInstanceFinding', () => {
  it("counts a package of the image as built, on a member account's instance", () => {
    expect(scopeOfInstanceFinding(facts())).toMatchObject({ scope: 'image' });
  });

  it("leaves a package installed later, or a network finding, to the instance's owner", () => {
    const later = facts({ vulnerablePackages: [{ name: 'libxml2', version: '2.9.1' }] });
    expect(scopeOfInstanceFinding(later)).toEqual({
      scope: 'fleet',
      reason: "libxml2 2.9.1: not in the image's package inventory as built",
    });
    expect(scopeOfInstanceFinding(facts({ type: 'NETWORK_REACHABILITY' }))).toMatchObject({ scope: 'fleet' });
  });

  it('refuses an account outside the organization and an event from a third account', () => {
    expect(scopeOfInstanceFinding(facts({ inOrganization: false }))).toMatchObject({ scope: 'refused' });
    expect(scopeOfInstanceFinding(facts({ eventAccount: '999900001111' }))).toMatchObject({ scope: 'refused' });
    // The member's own copy of the event, and the factory's own instances, are accepted.
    expect(scopeOfInstanceFinding(facts({ eventAccount: MEMBER }))).toMatchObject({ scope: 'image' });
    expect(scopeOfInstanceFinding(facts({ resourceAccount: FACTORY, inOrganization: false }))).toMatchObject({
      scope: 'image',
    });
  });
});

describe('inventory encoding', () => {
  it('round-trips, deduplicated and sorted', () => {
    const text = encodeInventory([
      { name: 'b', version: '2' },
      { name: 'a', version: '1' },
      { name: 'a', version: '1' },
      { name: 'a', version: '0.9' },
    ]);
    expect(text).toBe('a\t0.9\na\t1\nb\t2');
    expect([...decodeInventory(text)]).toEqual([
      ['a', ['0.9', '1']],
      ['b', ['2']],
    ]);
  });

  it('leaves out a package whose name or version holds a TAB, a line end or another control character', () => {
    const packages = [
      { name: 'zz\nopenssl', version: '9:99' },
      { name: 'curl', version: '8.5.0\topenssl' },
      { name: 'bash\u0000', version: '5.2' },
      { name: 'zlib', version: '1.2\u2028openssl\t1' },
      { name: 'glibc', version: '2.34-\u0085' },
      { name: 'openssl', version: '1:3.0.8-1.amzn2023.0.18' },
    ];
    const text = encodeInventory(packages);

    expect(text).toBe('openssl\t1:3.0.8-1.amzn2023.0.18');
    expect([...decodeInventory(text)]).toEqual([['openssl', ['1:3.0.8-1.amzn2023.0.18']]]);
    expect(safePackages(packages)).toEqual({ kept: [packages[5]], skipped: 5 });
  });

  it('splits into parts no larger than asked, at line ends, losing nothing', () => {
    const packages = Array.from({ length: 5000 }, (_, i) => ({ name: `package-${i}`, version: `1.${i}-1.amzn2023` }));
    const text = encodeInventory(packages);
    const parts = splitInventory(text, 10_000);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(Buffer.byteLength(p, 'utf8')).toBeLessThanOrEqual(10_000);
    expect(parts.join('\n')).toBe(text);
  });
});
