import { describe, expect, it } from 'vitest';
import { descendantRevocations } from '../../../core/lifecycle/revocation.js';

describe('descendantRevocations', () => {
  it('names every live child version built on the revoked version, with the parent in the reason', () => {
    const on = (buildVersion: string) => ({ image: 'base', buildVersion });
    expect(
      descendantRevocations({
        image: 'base',
        version: '1.0.0/2',
        reason: 'CVE-2027-0001',
        children: [
          {
            image: 'hardened',
            builds: [
              { version: '1.0.0/6', parent: on('1.0.0/1') },
              { version: '1.0.0/7', parent: on('1.0.0/2') },
              { version: '1.0.0/8', parent: on('1.0.0/2'), deletedAt: '2027-03-01T00:00:00Z' },
              { version: '1.0.0/9', parent: null },
            ],
          },
          { image: 'tools', builds: [{ version: '2.0.0/1', parent: on('1.0.0/2') }] },
        ],
      }),
    ).toEqual([
      { image: 'hardened', version: '1.0.0/7', reason: 'parent base 1.0.0/2 revoked: CVE-2027-0001' },
      { image: 'tools', version: '2.0.0/1', reason: 'parent base 1.0.0/2 revoked: CVE-2027-0001' },
    ]);
  });

  it('names nothing when no child was built on it', () => {
    expect(descendantRevocations({ image: 'base', version: '1.0.0/2', reason: 'x', children: [] })).toEqual([]);
  });
});
