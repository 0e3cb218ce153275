import { describe, expect, it } from 'vitest';
import {
  awaitedParentOf,
  builtOnRevokedHold,
  heldInstead,
  heldOutcomeReason,
  lineageHold,
  rebuiltParentOf,
} from '../../../core/lifecycle/lineage-hold.js';
import { resumeText } from '../../../core/promotion/resume.js';
import { flaggedOf } from '../../../core/status/image-progress.js';

const self = { image: 'hardened', version: '1.0.0/5' };
const parent = { image: 'base', version: '1.0.0/5' };
const grandparent = { image: 'os', version: '2.0.0/1' };

describe('lineageHold', () => {
  it('holds nothing when no ancestor is revoked or flagged', () => {
    expect(lineageHold([self, parent, grandparent])).toBeUndefined();
    expect(lineageHold([])).toBeUndefined();
  });

  it('holds a version revocation flagged, with the flag as the reason', () => {
    expect(lineageHold([{ ...self, flaggedReason: 'built on revoked base 1.0.0/5' }, parent])).toBe(
      'built on revoked base 1.0.0/5',
    );
  });

  it('holds a version whose parent is revoked though the flag never reached it', () => {
    expect(lineageHold([self, { ...parent, revokedReason: 'CVE-2027-0001' }])).toBe('built on revoked base 1.0.0/5');
  });

  it('holds a version, or a descendant of one, whose parent version the record could not tell', () => {
    const unknown = 'parent version unknown: base/staging was withdrawn at 2027-01-08T00:00:00Z';
    expect(lineageHold([{ ...self, parentUnknown: unknown }])).toBe(unknown);
    expect(
      lineageHold([
        { image: 'app', version: '3.0.0/1' },
        { ...self, parentUnknown: unknown },
      ]),
    ).toBe(`built on hardened 1.0.0/5, whose ${unknown}`);
  });

  it('holds a version whose grandparent is revoked, naming the parent it came through', () => {
    expect(lineageHold([self, parent, { ...grandparent, revokedReason: '' }])).toBe(
      'built on revoked os 2.0.0/1 (through base 1.0.0/5)',
    );
  });

  it('holds a version built on a flagged parent', () => {
    expect(lineageHold([self, { ...parent, flaggedReason: 'built on revoked os 2.0.0/1' }])).toBe(
      'built on base 1.0.0/5, itself built on revoked os 2.0.0/1',
    );
  });

  it('does not hold a version for its own revocation (the promotion stops for that as revoked)', () => {
    expect(lineageHold([{ ...self, revokedReason: 'CVE' }, parent])).toBeUndefined();
  });

  it('says what happens instead', () => {
    expect(heldOutcomeReason('built on revoked base 1.0.0/5')).toMatch(
      /^built on revoked base 1\.0\.0\/5: held, .*its rebuild on the rolled-back parent is promoted instead$/,
    );
  });
});

describe('resumeText', () => {
  it('tells when the reconciler resumes it, that it keeps trying until AWS answers, and what resuming does', () => {
    const pause = { image: 'base', version: '1.0.0/1', channel: 'dev', pausedAt: '2027-01-14T05:01:00.000Z' };
    expect(resumeText({ ...pause, resumes: 1 })).toBe(
      "the reconciler resumes it at its first run from 2027-01-14T11:01:00.000Z (automatic resumption 2; it keeps trying, at most a day apart, until AWS answers), or `goldsmith resume base 1.0.0/1` now: a new execution that skips the channels already decided and repeats dev's steps",
    );
    expect(resumeText({ ...pause, resumes: 7 })).toMatch(
      /^the reconciler resumes it at its first run from 2027-01-15T05:01:00\.000Z \(automatic resumption 8;/,
    );
  });
});

describe('flaggedOf', () => {
  const build = (version: string, extra: Record<string, unknown> = {}) => ({
    sk: `BUILD#${version}`,
    buildVersion: version,
    ...extra,
  });
  const flag = { flaggedAt: '2027-01-04T20:00:00.000Z', flaggedReason: 'built on revoked base 1.0.0/2' };

  it('lists flagged versions, with where their promotion stopped', () => {
    const outcomes = [
      {
        version: '1.0.0/2',
        channel: 'staging',
        outcome: 'aborted',
        at: '2027-01-05T08:00:00Z',
        reason: `${flag.flaggedReason}: held`,
      },
    ];
    expect(flaggedOf([build('1.0.0/1'), build('1.0.0/2', flag)], outcomes, new Map(), new Set())).toEqual([
      {
        version: '1.0.0/2',
        at: flag.flaggedAt,
        reason: flag.flaggedReason,
        stopped: { channel: 'staging', at: '2027-01-05T08:00:00Z' },
      },
    ]);
  });

  it('leaves out flagged versions since revoked or deleted, and says nothing stopped yet', () => {
    const builds = [build('1.0.0/2', flag), build('1.0.0/3', { ...flag, deletedAt: 'x' }), build('1.0.0/4', flag)];
    expect(flaggedOf(builds, [], new Map([['1.0.0/2', {}]]), new Set())).toEqual([
      { version: '1.0.0/4', at: flag.flaggedAt, reason: flag.flaggedReason },
    ]);
  });
});

describe('awaitedParentOf', () => {
  const revoked = { ...parent, revokedReason: 'CVE-2027-0001' };

  it('names the parent channel a revocation left empty, which the held lineage followed', () => {
    const chain = [
      { ...self, follows: 'staging' },
      { ...revoked, withdrawn: ['staging'] },
    ];
    expect(awaitedParentOf(chain)).toEqual({ image: 'base', channel: 'staging' });
    expect(heldOutcomeReason('built on revoked base 1.0.0/5', awaitedParentOf(chain))).toMatch(
      /held until a new base version is built and promoted to staging .*; the build made on that one is promoted instead$/,
    );
  });

  it('waits on the revoked grandparent when the parent in between followed the channel it left empty', () => {
    const chain = [
      { ...self, follows: 'prod' },
      { ...parent, follows: 'dev' },
      { ...grandparent, revokedReason: '', withdrawn: ['dev'] },
    ];
    expect(awaitedParentOf(chain)).toEqual({ image: 'os', channel: 'dev' });
  });

  it('waits on nothing when the channel followed was rolled back (the rebuild was asked for)', () => {
    expect(
      awaitedParentOf([
        { ...self, follows: 'prod' },
        { ...revoked, withdrawn: ['dev'] },
      ]),
    ).toBeUndefined();
    expect(awaitedParentOf([{ ...self, follows: 'prod' }, revoked])).toBeUndefined();
    expect(awaitedParentOf([self, parent])).toBeUndefined();
  });
});

describe('a grandchild held for a revoked grandparent', () => {
  const app = { image: 'app', version: '1.0.0/5', follows: 'staging' };
  const hardened = { image: 'hardened', version: '1.0.0/5', follows: 'prod' };
  const base = { image: 'base', version: '1.0.0/5', revokedReason: 'CVE-2027-0001' };

  it('waits for the rebuild of the image it was built on, promoted to the channel it follows, not for the rolled-back parent', () => {
    const chain = [app, hardened, base];
    expect(rebuiltParentOf(chain)).toEqual({ image: 'hardened', channel: 'staging' });
    expect(
      heldOutcomeReason('built on revoked base 1.0.0/5 (through hardened 1.0.0/5)', undefined, rebuiltParentOf(chain)),
    ).toBe(
      'built on revoked base 1.0.0/5 (through hardened 1.0.0/5): held, it passes no further gate, soak check or approval; ' +
        'held until hardened is rebuilt on the rolled-back parent and promoted to staging; its rebuild on that one is promoted instead',
    );
  });

  it('waits for a new grandparent version, then its parent built on it, when the revocation left the channel empty', () => {
    const chain = [app, hardened, { ...base, withdrawn: ['prod'] }];
    expect(heldInstead(awaitedParentOf(chain), rebuiltParentOf(chain))).toBe(
      'held until a new base version is built and promoted to prod (no earlier one is left there to rebuild on), ' +
        'then hardened is built on it and promoted to staging; the build made on that one is promoted instead',
    );
  });

  it('is no grandchild when its own parent is the revoked version', () => {
    expect(rebuiltParentOf([hardened, base])).toBeUndefined();
    expect(rebuiltParentOf([app, hardened])).toBeUndefined();
  });
});

describe('builtOnRevokedHold', () => {
  it('is a hold a revocation explains, which the version itself does not record yet', () => {
    const revoked = { ...parent, revokedReason: 'CVE' };
    expect(builtOnRevokedHold([self, revoked])).toBe(true);
    expect(builtOnRevokedHold([self, { ...parent, flaggedReason: 'built on revoked os 2.0.0/1' }])).toBe(true);
    expect(builtOnRevokedHold([self, parent, { ...grandparent, revokedReason: '' }])).toBe(true);
  });

  it('is not a parent version the record could not tell, nor no hold at all', () => {
    expect(builtOnRevokedHold([{ ...self, parentUnknown: 'parent version unknown' }])).toBe(false);
    expect(
      builtOnRevokedHold([self, { ...parent, parentUnknown: 'unknown' }, { ...grandparent, revokedReason: '' }]),
    ).toBe(false);
    expect(builtOnRevokedHold([self, parent])).toBe(false);
  });
});
