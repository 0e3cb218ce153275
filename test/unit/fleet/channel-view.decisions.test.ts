import { describe, expect, it } from 'vitest';
import { channelFleet } from '../../../core/fleet/channel-view.js';
import { promotedToProd } from '../../fixtures/fleet-ledger.js';

const AT = '2027-03-10T06:00:00.000Z';
const promoted = (version: string) => promotedToProd(version, AT);
type Use = { instances?: number; launchTemplates?: number };
const usage = (version: string, region: string, accounts: Record<string, Use>) => ({
  pk: 'IMAGE#base',
  sk: `USAGE#${version}#${region}`,
  version,
  region,
  observedAt: AT,
  accounts,
});
// prod promoted 1 to 4 and points at 4: 3 is one behind, 2 older, 1 revoked; 0 was never promoted; 9 is retired.
const STANDING = [
  promoted('1.0.0/1'),
  promoted('1.0.0/2'),
  promoted('1.0.0/3'),
  promoted('1.0.0/4'),
  { pk: 'IMAGE#base', sk: 'CHANNEL#prod', channel: 'prod', version: '1.0.0/4', at: AT },
  { pk: 'IMAGE#base', sk: 'REVOCATION#1.0.0/1', version: '1.0.0/1', state: 'revoked' },
  { pk: 'IMAGE#base', sk: 'BUILD#1.0.0/9', retiredAt: AT },
];
const OU: Record<string, string> = { a1: 'ou-a', a2: 'ou-a', b1: 'ou-b', c1: 'ou-c' };
const ouOf = (account: string) => OU[account];

describe('channelFleet', () => {
  it('names as laggards the accounts on an older, revoked, retired or never-promoted version, sorted, once each', () => {
    const rows = channelFleet(
      'base',
      'prod',
      [
        ...STANDING,
        usage('1.0.0/4', 'r1', { a1: { instances: 1 } }),
        usage('1.0.0/3', 'r1', { a1: { instances: 1 } }),
        usage('1.0.0/2', 'r1', { a2: { instances: 2 } }),
        usage('1.0.0/1', 'r1', { b1: { instances: 3 } }),
        usage('1.0.0/0', 'r1', { c1: { instances: 1 }, a2: { instances: 1 } }),
        usage('1.0.0/9', 'r1', { a1: { instances: 5 } }),
      ],
      undefined,
      ouOf,
    );
    expect(rows).toEqual([
      {
        image: 'base',
        channel: 'prod',
        ou: 'ou-a',
        accounts: 2,
        standings: {
          current: { accounts: 1, instances: 1 },
          'one-behind': { accounts: 1, instances: 1 },
          older: { accounts: 1, instances: 2 },
          'never-promoted': { accounts: 1, instances: 1 },
          retired: { accounts: 1, instances: 5 },
        },
        laggards: ['a1', 'a2'],
      },
      {
        image: 'base',
        channel: 'prod',
        ou: 'ou-b',
        accounts: 1,
        standings: { revoked: { accounts: 1, instances: 3 } },
        laggards: ['b1'],
      },
      {
        image: 'base',
        channel: 'prod',
        ou: 'ou-c',
        accounts: 1,
        standings: { 'never-promoted': { accounts: 1, instances: 1 } },
        laggards: ['c1'],
      },
    ]);
  });

  it('has no laggards in an OU all on the current or the one-behind version', () => {
    const rows = channelFleet(
      'base',
      'prod',
      [...STANDING, usage('1.0.0/4', 'r1', { a1: { instances: 1 } }), usage('1.0.0/3', 'r1', { a2: { instances: 1 } })],
      undefined,
      ouOf,
    );
    expect(rows.map((r) => [r.ou, r.laggards])).toEqual([['ou-a', []]]);
  });

  it('counts an account on a version in two regions once, with the instances of both', () => {
    const [row] = channelFleet(
      'base',
      'prod',
      [...STANDING, usage('1.0.0/4', 'r1', { a1: { instances: 2 } }), usage('1.0.0/4', 'r2', { a1: { instances: 3 } })],
      undefined,
      ouOf,
    );
    expect(row?.standings).toEqual({ current: { accounts: 1, instances: 5 } });
  });

  it('counts an account with launch templates only, with no instances, and leaves out one with neither', () => {
    const rows = channelFleet(
      'base',
      'prod',
      [
        ...STANDING,
        usage('1.0.0/4', 'r1', { a1: { launchTemplates: 2 }, b1: { instances: 0, launchTemplates: 0 }, c1: {} }),
      ],
      undefined,
      ouOf,
    );
    expect(rows).toEqual([
      {
        image: 'base',
        channel: 'prod',
        ou: 'ou-a',
        accounts: 1,
        standings: { current: { accounts: 1, instances: 0 } },
        laggards: [],
      },
    ]);
  });

  it("counts only the channel's accounts when they are known, and the others' OU as unknown otherwise, OUs by name", () => {
    const items = [
      ...STANDING,
      usage('1.0.0/2', 'r1', { x9: { instances: 4 }, b1: { instances: 1 }, a1: { instances: 1 } }),
    ];
    expect(channelFleet('base', 'prod', items, new Set(['a1']), ouOf).map((r) => [r.ou, r.laggards])).toEqual([
      ['ou-a', ['a1']],
    ]);
    expect(channelFleet('base', 'prod', items, undefined, ouOf).map((r) => [r.ou, r.laggards])).toEqual([
      ['ou-a', ['a1']],
      ['ou-b', ['b1']],
      ['unknown', ['x9']],
    ]);
  });

  it('reads usage observations only: not an observation not yet taken, another kind of item, nor one naming no account', () => {
    const rows = channelFleet(
      'base',
      'prod',
      [
        ...STANDING,
        { ...usage('1.0.0/4', 'r1', { a1: { instances: 1 } }), observedAt: undefined },
        { ...usage('1.0.0/4', 'r1', { a2: { instances: 1 } }), sk: 'SNAPSHOT#USAGE#1.0.0/4' },
        { ...usage('1.0.0/4', 'r2', {}), accounts: undefined },
      ],
      undefined,
      ouOf,
    );
    expect(rows).toEqual([]);
  });
});
