import { describe, expect, it } from 'vitest';
import { buildingAtEnd, soakingAtEnd, waitingAtEnd } from '../../../core/notifications/month-end.js';
import type { LedgerItem } from '../../../core/status/image-view.js';

const END = Date.parse('2027-02-01T00:00:00Z');
const AT_END = '2027-02-01T00:00:00Z';
const BEFORE = '2027-01-31T23:59:59Z';
const AFTER = '2027-02-01T00:00:01Z';

const approval = (extra: LedgerItem = {}): LedgerItem => ({
  sk: 'APPROVAL#1.0.0/4#prod',
  version: '1.0.0/4',
  channel: 'prod',
  approvers: ['ops-lead'],
  requestedAt: '2027-01-31T06:00:00Z',
  expiresAt: '2027-02-03T06:00:00Z',
  ...extra,
});
const outcome = (version: string, channel: string, at: string): LedgerItem => ({
  sk: `PROMOTION#${version}#${channel}`,
  version,
  channel,
  outcome: 'promoted',
  at,
});
const soak = (extra: LedgerItem = {}): LedgerItem => ({
  sk: 'SOAK#1.0.0/5#staging',
  version: '1.0.0/5',
  channel: 'staging',
  startedAt: '2027-01-30T06:00:00Z',
  until: '2027-02-02T06:00:00Z',
  state: 'soaking',
  ...extra,
});
const paused = (extra: LedgerItem = {}): LedgerItem => ({
  sk: 'PAUSED#1.0.0/5',
  version: '1.0.0/5',
  channel: 'staging',
  pausedAt: '2027-01-30T07:00:00Z',
  ...extra,
});
const build = (status: string, extra: LedgerItem = {}): LedgerItem => ({
  sk: 'BUILD#1.0.0/6',
  buildVersion: '1.0.0/6',
  status,
  requestedAt: '2027-01-31T22:00:00Z',
  updatedAt: '2027-01-31T23:00:00Z',
  ...extra,
});

const waiting = (items: LedgerItem[]) => waitingAtEnd('base', items, END).map((w) => w.version);
const soaking = (items: LedgerItem[]) => soakingAtEnd('base', items, END).map((s) => s.version);
const building = (items: LedgerItem[]) => buildingAtEnd('base', items, END).map((b) => b.version);

describe('waitingAtEnd', () => {
  it('lists an approval open at the end with whom it waits on and since when, in ISO form', () => {
    expect(waitingAtEnd('base', [approval({ requestedAt: '2027-01-31T06:00:00+01:00' })], END)).toStrictEqual([
      { image: 'base', version: '1.0.0/4', channel: 'prod', on: ['ops-lead'], since: '2027-01-31T05:00:00.000Z' },
    ]);
  });

  it('waits on "nobody named" when the approval names no approver or no list', () => {
    expect(waitingAtEnd('base', [approval({ approvers: [] })], END)[0]?.on).toEqual(['nobody named']);
    expect(waitingAtEnd('base', [approval({ approvers: 'ops-lead' })], END)[0]?.on).toEqual(['nobody named']);
  });

  it('counts an approval requested before the end, not at it, and expiring after it, not at it', () => {
    expect(waiting([approval({ requestedAt: BEFORE })])).toEqual(['1.0.0/4']);
    expect(waiting([approval({ requestedAt: AT_END })])).toEqual([]);
    expect(waiting([approval({ expiresAt: AFTER })])).toEqual(['1.0.0/4']);
    expect(waiting([approval({ expiresAt: AT_END })])).toEqual([]);
  });

  it('leaves out an approval decided before the end, not one decided at or after it', () => {
    expect(waiting([approval({ decidedAt: BEFORE })])).toEqual([]);
    expect(waiting([approval({ decidedAt: AT_END })])).toEqual(['1.0.0/4']);
  });

  it('leaves out an approval whose channel recorded an outcome before the end, only for that version and channel', () => {
    expect(waiting([approval(), outcome('1.0.0/4', 'prod', BEFORE)])).toEqual([]);
    expect(waiting([approval(), outcome('1.0.0/4', 'prod', AT_END)])).toEqual(['1.0.0/4']);
    expect(waiting([approval(), outcome('1.0.0/4', 'staging', BEFORE)])).toEqual(['1.0.0/4']);
    expect(waiting([approval(), outcome('1.0.0/3', 'prod', BEFORE)])).toEqual(['1.0.0/4']);
    expect(waiting([approval(), { ...outcome('1.0.0/4', 'prod', BEFORE), sk: 'SOAK#1.0.0/4#prod' }])).toEqual([
      '1.0.0/4',
    ]);
  });

  it('reads only approval items', () => {
    expect(waiting([{ ...approval(), sk: 'SOAK#1.0.0/4#prod' }])).toEqual([]);
  });
});

describe('soakingAtEnd', () => {
  it('lists a soak begun before the end and due after it, with when it is due in ISO form', () => {
    expect(soakingAtEnd('base', [soak({ until: '2027-02-02T07:00:00+01:00' })], END)).toStrictEqual([
      { image: 'base', version: '1.0.0/5', channel: 'staging', until: '2027-02-02T06:00:00.000Z' },
    ]);
  });

  it('counts a soak begun before the end, not at it, and due at or after the end', () => {
    expect(soaking([soak({ startedAt: BEFORE })])).toEqual(['1.0.0/5']);
    expect(soaking([soak({ startedAt: AT_END })])).toEqual([]);
    expect(soaking([soak({ startedAt: '' })])).toEqual([]);
    expect(soaking([soak({ until: AT_END })])).toEqual(['1.0.0/5']);
    expect(soaking([soak({ until: BEFORE })])).toEqual([]);
  });

  it('reads only soak items', () => {
    expect(soaking([{ ...soak(), sk: 'APPROVAL#1.0.0/5#staging' }])).toEqual([]);
  });

  it('leaves out a soak ended early before the end, not one ended early at it', () => {
    expect(soaking([soak({ state: 'ended-early', endedAt: BEFORE })])).toEqual([]);
    expect(soaking([soak({ state: 'ended-early', endedAt: AT_END })])).toEqual(['1.0.0/5']);
    expect(soaking([soak({ state: 'soaking', endedAt: BEFORE })])).toEqual(['1.0.0/5']);
  });

  it('leaves out a soak whose channel recorded an outcome before the end, only for that version and channel', () => {
    expect(soaking([soak(), outcome('1.0.0/5', 'staging', BEFORE)])).toEqual([]);
    expect(soaking([soak(), outcome('1.0.0/5', 'staging', AT_END)])).toEqual(['1.0.0/5']);
    expect(soaking([soak(), outcome('1.0.0/5', 'prod', BEFORE)])).toEqual(['1.0.0/5']);
  });

  it('leaves out a soak whose promotion paused there since it began and was not resumed before the end', () => {
    expect(soaking([soak(), paused()])).toEqual([]);
    expect(soaking([soak(), paused({ pausedAt: '2027-01-30T06:00:00Z' })])).toEqual([]);
    expect(soaking([soak(), paused({ resumedAt: AT_END })])).toEqual([]);
  });

  it('keeps a soak whose pause came before it began, at or after the end, was resumed, or was on another channel', () => {
    expect(soaking([soak(), paused({ pausedAt: '2027-01-30T05:59:59Z' })])).toEqual(['1.0.0/5']);
    expect(soaking([soak(), paused({ pausedAt: AT_END })])).toEqual(['1.0.0/5']);
    expect(soaking([soak(), paused({ pausedAt: '' })])).toEqual(['1.0.0/5']);
    expect(soaking([soak(), paused({ resumedAt: BEFORE })])).toEqual(['1.0.0/5']);
    expect(soaking([soak(), paused({ channel: 'prod' })])).toEqual(['1.0.0/5']);
    expect(soaking([soak(), paused({ sk: 'PAUSED#1.0.0/4' })])).toEqual(['1.0.0/5']);
  });
});

describe('buildingAtEnd', () => {
  it('lists a build requested before the end that had not finished, since when in ISO form', () => {
    expect(buildingAtEnd('base', [build('BUILDING')], END)).toStrictEqual([
      { image: 'base', version: '1.0.0/6', since: '2027-01-31T22:00:00.000Z' },
    ]);
    expect(building([build('BUILDING', { requestedAt: AT_END })])).toEqual([]);
    expect(building([{ ...build('BUILDING'), sk: 'SOAK#1.0.0/6' }])).toEqual([]);
  });

  it('takes each finishing status for finished at its last update, before the end but not at it', () => {
    for (const status of ['AVAILABLE', 'FAILED', 'CANCELLED', 'DISABLED']) {
      expect(building([build(status)])).toEqual([]);
      expect(building([build(status, { updatedAt: AT_END })])).toEqual(['1.0.0/6']);
    }
  });

  it('takes a deprecated or deleted build for finished long before, whenever it was updated', () => {
    expect(building([build('DEPRECATED', { updatedAt: AFTER })])).toEqual([]);
    expect(building([build('DELETED', { updatedAt: AFTER })])).toEqual([]);
  });

  it('prefers the cost record finishing time to the last update', () => {
    expect(building([build('AVAILABLE', { updatedAt: AFTER, cost: { finishedAt: BEFORE } })])).toEqual([]);
    expect(building([build('AVAILABLE', { cost: { finishedAt: AT_END } })])).toEqual(['1.0.0/6']);
    expect(building([build('DELETED', { cost: { finishedAt: AT_END } })])).toEqual(['1.0.0/6']);
    expect(building([build('AVAILABLE', { updatedAt: AFTER, cost: { finishedAt: 5 } })])).toEqual(['1.0.0/6']);
  });

  it('reads a finishing status from the statuses seen, as a set or a list, when the latest one is not', () => {
    expect(building([build('BUILDING', { statusesSeen: new Set(['BUILDING', 'FAILED']) })])).toEqual([]);
    expect(building([build('BUILDING', { statusesSeen: ['BUILDING', 'AVAILABLE'] })])).toEqual([]);
    expect(building([build('BUILDING', { statusesSeen: ['BUILDING', 'TESTING'] })])).toEqual(['1.0.0/6']);
    expect(building([build('BUILDING', { statusesSeen: 'AVAILABLE' })])).toEqual(['1.0.0/6']);
  });

  it('takes a build that saw DEPRECATED for finished, at its last update when its latest status is another', () => {
    expect(building([build('BUILDING', { statusesSeen: ['DEPRECATED'] })])).toEqual([]);
    expect(building([build('BUILDING', { statusesSeen: ['DELETED'], updatedAt: AT_END })])).toEqual(['1.0.0/6']);
  });
});
