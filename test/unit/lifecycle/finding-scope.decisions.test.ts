import { describe, expect, it } from 'vitest';
import {
  builtWith,
  decodeInventory,
  type InstanceFindingFacts,
  scopeOfInstanceFinding,
  splitInventory,
} from '../../../core/lifecycle/finding-scope.js';

const FACTORY = '111122223333';
const MEMBER = '444455556666';
const OUTSIDER = '999900001111';

const inventory = new Map<string, string[]>([
  ['openssl', ['1:3.0.8-1.amzn2023.0.18']],
  ['kernel', ['6.1.10-1.amzn2023', '6.1.12-2.amzn2023']],
  ['bind-libs', ['32:9.16.23-1.el9']],
  ['odd', ['1.0-build12:3']],
]);

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

describe('builtWith: the inventory side of the match', () => {
  it('matches a package the image holds at several versions when any one of them is the vulnerable one', () => {
    expect(builtWith(inventory, { name: 'kernel', version: '6.1.12', release: '2.amzn2023' })).toBe(true);
    expect(builtWith(inventory, { name: 'kernel', version: '6.1.10', release: '1.amzn2023' })).toBe(true);
    expect(builtWith(inventory, { name: 'kernel', version: '6.1.11', release: '1.amzn2023' })).toBe(false);
  });

  it('drops an epoch of several digits', () => {
    expect(builtWith(inventory, { name: 'bind-libs', version: '9.16.23', release: '1.el9', epoch: 32 })).toBe(true);
  });

  it('drops only a leading epoch: digits and a colon inside the version are part of it', () => {
    expect(builtWith(inventory, { name: 'odd', version: '1.0-build3' })).toBe(false);
    expect(builtWith(inventory, { name: 'odd', version: '1.0-build12:3' })).toBe(true);
  });
});

describe('scopeOfInstanceFinding: the reason recorded and announced', () => {
  it('names the packages built into the image', () => {
    const two = facts({
      vulnerablePackages: [
        { name: 'openssl', version: '3.0.8', release: '1.amzn2023.0.18' },
        { name: 'libxml2', version: '2.9.1' },
        { name: 'kernel', version: '6.1.12', release: '2.amzn2023' },
      ],
    });
    expect(scopeOfInstanceFinding(two)).toEqual({
      scope: 'image',
      reason: 'openssl 3.0.8, kernel 6.1.12 built into the image',
    });
  });

  it('names every package of a fleet finding, or says none was named', () => {
    const later = facts({
      vulnerablePackages: [
        { name: 'libxml2', version: '2.9.1' },
        { name: 'curl', version: '8.0.1' },
      ],
    });
    expect(scopeOfInstanceFinding(later)).toEqual({
      scope: 'fleet',
      reason: "libxml2 2.9.1, curl 8.0.1: not in the image's package inventory as built",
    });
    expect(scopeOfInstanceFinding(facts({ vulnerablePackages: [] }))).toEqual({
      scope: 'fleet',
      reason: "no package named: not in the image's package inventory as built",
    });
  });

  it("names a configuration finding's type", () => {
    expect(scopeOfInstanceFinding(facts({ type: 'NETWORK_REACHABILITY' }))).toEqual({
      scope: 'fleet',
      reason: "a NETWORK_REACHABILITY finding is about the instance's configuration, not the image",
    });
  });

  it('names the account a refused finding came from', () => {
    expect(scopeOfInstanceFinding(facts({ eventAccount: OUTSIDER }))).toEqual({
      scope: 'refused',
      reason: `delivered from account ${OUTSIDER}, neither the factory's nor the instance owner's (${MEMBER})`,
    });
    expect(scopeOfInstanceFinding(facts({ inOrganization: false }))).toEqual({
      scope: 'refused',
      reason: `account ${MEMBER} is not an active account of the organization`,
    });
  });
});

describe('decodeInventory: lines it cannot read', () => {
  it('reads nothing from an empty text', () => {
    expect([...decodeInventory('')]).toEqual([]);
  });

  it('skips a line without a tab or without a name', () => {
    expect([...decodeInventory('zlib\t1.2.11\nno-tab-here\n\t3.0.8')]).toEqual([['zlib', ['1.2.11']]]);
  });
});

describe('splitInventory: where the parts end', () => {
  it('keeps an empty inventory as one empty part', () => {
    expect(splitInventory('', 100)).toEqual(['']);
  });

  it('fills a part up to exactly the limit, counting the line ends between lines', () => {
    // "ab\ncd" is 5 bytes: it fits in 5, not in 4.
    expect(splitInventory('ab\ncd', 5)).toEqual(['ab\ncd']);
    expect(splitInventory('ab\ncd', 4)).toEqual(['ab', 'cd']);
    expect(splitInventory('ab\ncd\nef', 5)).toEqual(['ab\ncd', 'ef']);
    expect(splitInventory('a\nb\nc\nd', 3)).toEqual(['a\nb', 'c\nd']);
  });

  it('cuts a line longer than the limit, counting UTF-8 bytes, and keeps one exactly at the limit whole', () => {
    expect(splitInventory('abcdef\ngh', 4)).toEqual(['abcd', 'gh']);
    expect(splitInventory('abcd\nef', 4)).toEqual(['abcd', 'ef']);
    // "é" is 2 bytes: "éé" is 4, so 3 bytes hold one.
    expect(splitInventory('éé', 3)).toEqual(['é']);
  });
});
