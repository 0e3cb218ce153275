import { describe, expect, it } from 'vitest';
import { lastPatchTuesday, secondsSincePatchDay } from '../../../core/observability/timing.js';
import { compareBuildVersions, imageView, type LedgerItem } from '../../../core/status/image-view.js';
import { gaugesOf } from '../../../functions/health.js';

const NOW = new Date('2027-02-10T12:00:00Z');
const CHANNELS = ['dev', 'staging', 'prod'];

const build = (version: string, status: string, requestedAt: string, extra: LedgerItem = {}): LedgerItem => ({
  pk: 'IMAGE#base',
  sk: `BUILD#${version}`,
  kind: 'build',
  buildVersion: version,
  status,
  requestedAt,
  updatedAt: requestedAt,
  ...extra,
});
const outcome = (version: string, channel: string, result: string, at: string, reason = ''): LedgerItem => ({
  pk: 'IMAGE#base',
  sk: `PROMOTION#${version}#${channel}`,
  version,
  channel,
  outcome: result,
  at,
  reason,
});
const pointer = (channel: string, version: string, at: string): LedgerItem => ({
  pk: 'IMAGE#base',
  sk: `CHANNEL#${channel}`,
  channel,
  version,
  at,
  amis: [{ region: 'us-east-1', imageId: 'ami-0000000000000000a' }],
});

describe('imageView', () => {
  it('names each channel pointer with its AMIs per region, and how many promotable builds it lags', () => {
    const view = imageView(
      'base',
      CHANNELS,
      [
        build('1.0.0/1', 'AVAILABLE', '2027-01-01T00:00:00Z'),
        build('1.0.0/2', 'AVAILABLE', '2027-02-01T00:00:00Z'),
        outcome('1.0.0/1', 'dev', 'promoted', '2027-01-02T00:00:00Z'),
        pointer('dev', '1.0.0/1', '2027-01-02T00:00:00Z'),
      ],
      NOW,
    );

    expect(view.channels[0]).toMatchObject({
      channel: 'dev',
      pointer: { version: '1.0.0/1', amis: { 'us-east-1': 'ami-0000000000000000a' } },
      lagBuilds: 1,
    });
    expect(view.channels[0]?.ageDays).toBeCloseTo(39.5, 1);
    expect(view.channels[2]).toMatchObject({ channel: 'prod', lagBuilds: 2 });
    expect(view.channels[2]?.pointer).toBeUndefined();
  });

  it('does not count a build a channel before refused as lag', () => {
    const view = imageView(
      'base',
      CHANNELS,
      [
        build('1.0.0/1', 'AVAILABLE', '2027-01-01T00:00:00Z'),
        outcome('1.0.0/1', 'dev', 'rejected', '2027-01-02T00:00:00Z', 'gate: 2 critical findings'),
      ],
      NOW,
    );

    expect(view.channels.map((c) => c.lagBuilds)).toEqual([0, 0, 0]);
    expect(view.lastFailure).toEqual({
      version: '1.0.0/1',
      at: '2027-01-02T00:00:00Z',
      what: 'rejected for dev: gate: 2 critical findings',
    });
  });

  it('shows an open approval with its approvers and how much of its timeout has passed', () => {
    const view = imageView(
      'base',
      CHANNELS,
      [
        build('1.0.0/1', 'AVAILABLE', '2027-02-01T00:00:00Z'),
        outcome('1.0.0/1', 'dev', 'promoted', '2027-02-02T00:00:00Z'),
        outcome('1.0.0/1', 'staging', 'promoted', '2027-02-05T00:00:00Z'),
        {
          sk: 'APPROVAL#1.0.0/1#prod',
          version: '1.0.0/1',
          channel: 'prod',
          approvers: ['ops-lead'],
          requestedAt: '2027-02-09T12:00:00Z',
          expiresAt: '2027-02-12T12:00:00Z',
        },
      ],
      NOW,
    );

    expect(view.channels[2]?.waiting).toMatchObject({ version: '1.0.0/1', approvers: ['ops-lead'] });
    expect(view.channels[2]?.waiting?.fractionOfTimeout).toBeCloseTo(1 / 3, 5);
    expect(view.inFlight).toEqual([
      { version: '1.0.0/1', state: 'promoting', status: 'AVAILABLE', since: '2027-02-01T00:00:00Z' },
    ]);
  });

  it('lists builds still building and the last failed build', () => {
    const view = imageView(
      'base',
      CHANNELS,
      [
        build('1.0.0/1', 'FAILED', '2027-02-01T00:00:00Z', { statusReason: 'component failed' }),
        build('1.0.0/2', 'BUILDING', '2027-02-10T00:00:00Z'),
      ],
      NOW,
    );

    expect(view.inFlight).toEqual([
      { version: '1.0.0/2', state: 'building', status: 'BUILDING', since: '2027-02-10T00:00:00Z' },
    ]);
    expect(view.lastFailure?.what).toBe('build FAILED: component failed');
  });
});

describe('compareBuildVersions', () => {
  it('orders build numbers numerically', () => {
    expect(['1.0.0/10', '1.0.0/9', '1.1.0/1'].sort(compareBuildVersions)).toEqual(['1.0.0/9', '1.0.0/10', '1.1.0/1']);
  });
});

describe('gaugesOf', () => {
  it('reports the longest approval wait as a percentage and the oldest channel age', () => {
    const gauges = gaugesOf([
      {
        image: 'base',
        builds: 1,
        inFlight: [],
        channels: [
          { channel: 'dev', lagBuilds: 0, ageDays: 12 },
          {
            channel: 'prod',
            lagBuilds: 1,
            ageDays: 50,
            waiting: { version: '1', since: '', approvers: [], expiresAt: '', fractionOfTimeout: 0.625 },
          },
        ],
      },
    ]);

    expect(gauges).toMatchObject({ approvalsWaiting: 1, approvalWaitPercent: 62.5, oldestChannelAgeDays: 50 });
    expect(gauges.channels).toHaveLength(2);
  });

  it('reports zeros when nothing waits and no channel exists', () => {
    expect(gaugesOf([])).toMatchObject({ approvalsWaiting: 0, approvalWaitPercent: 0, oldestChannelAgeDays: 0 });
  });
});

describe('secondsSincePatchDay', () => {
  it('counts from the second Tuesday of the month, or of the month before when it is still ahead', () => {
    expect(lastPatchTuesday(new Date('2027-02-10T00:00:00Z')).toISOString()).toBe('2027-02-09T00:00:00.000Z');
    expect(lastPatchTuesday(new Date('2027-02-08T00:00:00Z')).toISOString()).toBe('2027-01-12T00:00:00.000Z');
    expect(secondsSincePatchDay(new Date('2027-02-10T00:00:00Z'))).toBe(86_400);
  });
});
