import { describe, expect, it } from 'vitest';
import { imageView } from '../../../core/status/image-view.js';

const NOW = new Date('2027-02-01T00:00:00Z');
const amis = (n: number) => [{ region: 'us-east-1', imageId: `ami-0000000000000000${n}` }];
const build = (v: string) => ({ pk: 'IMAGE#base', sk: `BUILD#${v}`, buildVersion: v, status: 'AVAILABLE' });
const items = (paused: boolean, recorded: boolean, status = 'paused') => [
  build('1.0.0/1'),
  build('1.0.0/2'),
  { pk: 'IMAGE#base', sk: 'PROMOTION#1.0.0/1#dev', version: '1.0.0/1', channel: 'dev', outcome: 'promoted' },
  {
    pk: 'IMAGE#base',
    sk: 'POINTER#dev#0001',
    version: '1.0.0/1',
    at: '2027-01-10T00:00:00Z',
    regions: [{ region: 'us-east-1', value: 'ami-00000000000000001' }],
  },
  ...(recorded
    ? [
        {
          pk: 'IMAGE#base',
          sk: 'POINTER#dev#0002',
          version: '1.0.0/2',
          at: '2027-01-20T00:00:00Z',
          regions: [{ region: 'us-east-1', value: 'ami-00000000000000002' }],
        },
      ]
    : []),
  // The ledger's pointer moved first (never backwards); the move is recorded only once Parameter Store holds it.
  { pk: 'IMAGE#base', sk: 'CHANNEL#dev', version: '1.0.0/2', at: '2027-01-20T00:00:00Z', amis: amis(2) },
  ...(paused
    ? [
        {
          pk: 'IMAGE#base',
          sk: 'PAUSED#1.0.0/2',
          version: '1.0.0/2',
          channel: 'dev',
          status,
          pausedAt: '2027-01-20T00:06:00Z',
          ...(status === 'resumed' ? { resumedAt: '2027-01-20T06:00:00Z', resumedBy: 'goldsmith', resumes: 1 } : {}),
          error: 'Goldsmith.PointerNotTaken',
          reason: 'pointer not taken; grant ec2:DescribeImages',
        },
      ]
    : []),
];

describe('imageView: a channel pointer Parameter Store has not confirmed', () => {
  it('shows the last recorded move and the paused one as pending, with its reason', () => {
    const dev = imageView('base', ['dev'], items(true, false), NOW).channels[0];

    expect(dev?.pointer).toEqual({
      version: '1.0.0/1',
      at: '2027-01-10T00:00:00Z',
      amis: { 'us-east-1': 'ami-00000000000000001' },
    });
    expect(dev?.pending).toEqual({
      version: '1.0.0/2',
      since: '2027-01-20T00:06:00Z',
      reason: 'pointer not taken; grant ec2:DescribeImages',
    });
  });

  it('keeps the move pending after a resume until Publish records it, saying it was resumed', () => {
    const dev = imageView('base', ['dev'], items(true, false, 'resumed'), NOW).channels[0];

    expect(dev?.pointer?.version).toBe('1.0.0/1');
    expect(dev?.pending?.version).toBe('1.0.0/2');
    expect(dev?.pending?.reason).toBe(
      'promotion resumed automatically by the reconciler (resumption 1) at 2027-01-20T06:00:00Z; Publish has not confirmed it in every Region yet (paused for: pointer not taken; grant ec2:DescribeImages)',
    );
  });

  it('reads a resumed promotion aborted since as aborted, with when and why, not as still in progress', () => {
    const aborted = {
      pk: 'IMAGE#base',
      sk: 'PROMOTION#1.0.0/2#dev',
      version: '1.0.0/2',
      channel: 'dev',
      outcome: 'aborted',
      at: '2027-01-21T12:00:00Z',
      reason: 'built on revoked parent base 1.0.0/1',
    };
    const view = imageView('base', ['dev'], [...items(true, false, 'resumed'), aborted], NOW);
    const dev = view.channels[0];

    expect(dev?.pointer?.version).toBe('1.0.0/1');
    expect(dev?.pending).toEqual({
      version: '1.0.0/2',
      since: '2027-01-21T12:00:00Z',
      reason: 'built on revoked parent base 1.0.0/1',
      ended: 'aborted',
    });
    expect(view.inFlight).toEqual([]);
  });

  it('shows the ledger pointer when its move was recorded, or when no promotion paused on it', () => {
    for (const [paused, recorded] of [
      [true, true],
      [false, false],
    ] as const) {
      const dev = imageView('base', ['dev'], items(paused, recorded), NOW).channels[0];
      expect(dev?.pointer?.version).toBe('1.0.0/2');
      expect(dev?.pending).toBeUndefined();
    }
  });
});
