import { describe, expect, it } from 'vitest';
import {
  type BreakerState,
  breakerOf,
  breakerSkipReason,
  buildsPausedOf,
  decideBreaker,
  failuresInARow,
} from '../../../core/triggers/breaker.js';
import type { Change } from '../../../core/triggers/change.js';
import { decideBuilds } from '../../../core/triggers/decide.js';
import { triggerCatalog } from './fixtures.js';

const builds = (...statuses: [string, string][]) => statuses.map(([version, status]) => ({ version, status }));

const tripped: BreakerState = {
  state: 'tripped',
  trippedAt: '2027-01-10T00:00:00.000Z',
  trippedBy: '1.0.0/12',
  failedBuilds: ['1.0.0/10', '1.0.0/11', '1.0.0/12'],
  threshold: 3,
};

describe('failuresInARow', () => {
  it('counts the failed builds since the last success, in build order rather than string order', () => {
    // '1.0.0/10' sorts before '1.0.0/9' as a string: the success 9 is older than the failures 10 and 11.
    const history = builds(['1.0.0/10', 'FAILED'], ['1.0.0/9', 'AVAILABLE'], ['1.0.0/11', 'FAILED']);

    expect(failuresInARow(history)).toEqual(['1.0.0/10', '1.0.0/11']);
  });

  it('resets on a success: a build that succeeds after failures leaves none in a row', () => {
    expect(failuresInARow(builds(['1.0.0/1', 'FAILED'], ['1.0.0/2', 'FAILED'], ['1.0.0/3', 'AVAILABLE']))).toEqual([]);
  });

  it('neither counts nor breaks on cancelled or unfinished builds; a deprecated success still ends the run', () => {
    const history = builds(
      ['1.0.0/1', 'DEPRECATED'],
      ['1.0.0/2', 'FAILED'],
      ['1.0.0/3', 'CANCELLED'],
      ['1.0.0/4', 'FAILED'],
      ['1.0.0/5', 'BUILDING'],
    );

    expect(failuresInARow(history)).toEqual(['1.0.0/2', '1.0.0/4']);
  });

  it('counts only builds after the one an operator resumed past', () => {
    const history = builds(['1.0.0/1', 'FAILED'], ['1.0.0/2', 'FAILED'], ['1.0.0/3', 'FAILED']);

    expect(failuresInARow(history, '1.0.0/2')).toEqual(['1.0.0/3']);
  });
});

describe('decideBreaker', () => {
  const three = builds(['1.0.0/1', 'AVAILABLE'], ['1.0.0/2', 'FAILED'], ['1.0.0/3', 'FAILED'], ['1.0.0/4', 'FAILED']);

  it('trips on the Nth failed build in a row, naming it and the run', () => {
    expect(decideBreaker(three, 3, undefined)).toEqual({
      trip: true,
      trippedBy: '1.0.0/4',
      failedBuilds: ['1.0.0/2', '1.0.0/3', '1.0.0/4'],
    });
  });

  it('does not trip below the threshold', () => {
    expect(decideBreaker(three, 4, undefined)).toMatchObject({ trip: false, failures: 3 });
  });

  it('does not trip again while tripped: a re-delivered failure decides nothing new', () => {
    expect(decideBreaker(three, 3, { ...tripped, trippedBy: '1.0.0/4' })).toMatchObject({ trip: false });
  });

  it('after a resume, counts afresh from the build it resumed past', () => {
    const resumed: BreakerState = { ...tripped, state: 'resumed', trippedBy: '1.0.0/4', resumedAfter: '1.0.0/4' };
    const later = [...three, ...builds(['1.0.0/5', 'FAILED'], ['1.0.0/6', 'FAILED'])];

    expect(decideBreaker(later, 3, resumed)).toMatchObject({ trip: false, failures: 2 });
    expect(decideBreaker([...later, ...builds(['1.0.0/7', 'FAILED'])], 3, resumed)).toMatchObject({
      trip: true,
      trippedBy: '1.0.0/7',
    });
  });
});

describe('breakerOf and breakerSkipReason', () => {
  it('reads a ledger item back and says why builds are paused and how to resume them', () => {
    const state = breakerOf({ pk: 'IMAGE#base', sk: 'BREAKER', ...tripped });

    expect(state).toEqual(tripped);
    expect(breakerSkipReason('base', state)).toBe(
      'builds paused: the last 3 builds failed in a row (1.0.0/10, 1.0.0/11, 1.0.0/12; paused 2027-01-10T00:00:00.000Z); an operator resumes them with goldsmith resume base --builds',
    );
  });

  it('lets builds start when there is no breaker or it was resumed', () => {
    expect(breakerSkipReason('base', breakerOf(undefined))).toBeUndefined();
    expect(breakerSkipReason('base', { ...tripped, state: 'resumed' })).toBeUndefined();
  });
});

describe('decideBuilds with a tripped breaker', () => {
  const catalog = triggerCatalog();
  const openssl: Change = {
    kind: 'package',
    name: 'openssl',
    version: '3.0.16',
    source: 'codeartifact',
    observedAt: '2027-02-03T10:00:00Z',
  };
  const decide = (change: Change, breakers: Map<string, BreakerState>) =>
    decideBuilds({ change, catalog, running: new Map(), markers: new Map(), breakers });

  it('refuses every path to a paused image, a manual request included, with the reason', () => {
    const manual: Change = {
      kind: 'manual',
      image: 'tools',
      requestId: 'r-1',
      requestedBy: 'arn:aws:iam::111122223333:role/ops',
      requestedAt: '2027-02-03T10:00:00Z',
    };
    const [decision] = decide(manual, new Map([['tools', tripped]]));

    expect(decision).toMatchObject({ image: 'tools', outcome: 'skip' });
    expect(decision?.reason).toMatch(/^builds paused: .* goldsmith resume tools --builds$/);
  });

  it('lets a child build now instead of waiting for a paused parent that will not build', () => {
    const decisions = decide(openssl, new Map([['base', tripped]]));

    expect(decisions.map((d) => `${d.image}:${d.outcome}`)).toEqual(['base:skip', 'hardened:start', 'app:skip']);
    expect(decisions[2]?.reason).toMatch(/^waits for hardened/);
  });

  it('builds a resumed image as if it had never tripped', () => {
    const decisions = decide(openssl, new Map([['base', { ...tripped, state: 'resumed' as const }]]));

    expect(decisions.map((d) => `${d.image}:${d.outcome}`)).toEqual(['base:start', 'hardened:skip', 'app:skip']);
  });
});

describe('buildsPausedOf', () => {
  it("reads the image's BREAKER item among its ledger items: paused while tripped, not once resumed", () => {
    const item = { sk: 'BREAKER', ...tripped };

    expect(buildsPausedOf('base', [{ sk: 'BUILD#1.0.0/12', status: 'FAILED' }, item])).toEqual({
      since: tripped.trippedAt,
      failedBuilds: tripped.failedBuilds,
      resume: 'goldsmith resume base --builds',
    });
    expect(buildsPausedOf('base', [{ ...item, state: 'resumed' }])).toBeUndefined();
  });
});
