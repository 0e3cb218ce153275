import { describe, expect, it } from 'vitest';
import { outcomesGaugesNeed } from '../../../core/status/gauge-reads.js';
import type { LedgerItem } from '../../../core/status/image-view.js';

const NOW = new Date('2027-06-01T12:00:00Z');

describe('outcomesGaugesNeed', () => {
  it('reads the outcomes of approvals still open and of available builds newer than each pointer in the channels up to it, no more', () => {
    const items: LedgerItem[] = [
      { sk: 'APPROVAL#1.0.0/1#prod', version: '1.0.0/1', channel: 'prod', expiresAt: '2027-06-01T12:00:01Z' },
      { sk: 'APPROVAL#1.0.0/2#staging', version: '1.0.0/2', channel: 'staging', expiresAt: NOW.toISOString() },
      {
        sk: 'APPROVAL#1.0.0/3#prod',
        version: '1.0.0/3',
        channel: 'prod',
        expiresAt: '2027-06-02T00:00:00Z',
        decision: 'approved',
      },
      { sk: 'BUILD#1.0.0/1', buildVersion: '1.0.0/1', status: 'AVAILABLE' },
      { sk: 'BUILD#1.0.0/2', buildVersion: '1.0.0/2', status: 'DELETED', statusesSeen: new Set(['AVAILABLE']) },
      { sk: 'BUILD#1.0.0/3', buildVersion: '1.0.0/3', status: 'FAILED' },
      { sk: 'BUILD#1.0.0/4', buildVersion: '1.0.0/4', status: 'AVAILABLE', statusesSeen: new Set(['BUILDING']) },
      { sk: 'CHANNEL#dev', version: '1.0.0/2' },
      { sk: 'CHANNEL#staging', version: '1.0.0/1' },
    ];

    expect(outcomesGaugesNeed(['dev', 'staging', 'prod'], items, NOW)).toEqual([
      { version: '1.0.0/1', channel: 'prod' },
      { version: '1.0.0/2', channel: 'dev' },
      { version: '1.0.0/2', channel: 'staging' },
      { version: '1.0.0/1', channel: 'dev' },
      { version: '1.0.0/1', channel: 'staging' },
      { version: '1.0.0/2', channel: 'prod' },
    ]);
  });
});
