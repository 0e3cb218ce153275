import { describe, expect, it } from 'vitest';
import { invokeOperatorUrl } from '../../local/trust/operator-url.js';
import { OPS_LEAD_APPROVAL, prodChannel } from '../scenarios/helpers.js';
import { APPROVER, operatorCatalog, startWithOneBuildWaiting } from './operator-helpers.js';

const catalog = operatorCatalog(['us-east-1'], [prodChannel({ approval: OPS_LEAD_APPROVAL })], {
  'ops-lead': [APPROVER],
});

describe("a local cloud's stop", () => {
  it('waits for the work it set going to finish or wait on the clock: none goes on after it', async () => {
    const cloud = await startWithOneBuildWaiting(catalog);
    let status: number;
    try {
      // The approval sets the promotion's execution going, in real time, with no clock run after it.
      const reply = await invokeOperatorUrl(cloud, {
        as: APPROVER,
        body: { action: 'approve', image: 'base', channel: 'prod' },
      });
      status = reply.status;
    } finally {
      await cloud.stop();
    }

    expect(status).toBe(200);
    expect(cloud.clock.busyLabels()).toEqual([]);
  }, 120_000);
});
