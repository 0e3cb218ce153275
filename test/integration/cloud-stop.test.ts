import { describe, expect, it } from 'vitest';
import { invokeOperatorUrl } from '../../local/trust/operator-url.js';
import { al2023Image, OPENSSL_RELEASES, OPS_LEAD_APPROVAL, orgCatalog, prodChannel } from '../scenarios/helpers.js';
import { ACCOUNT, APPROVER, OPERATOR, startWithOneBuildWaiting } from './operator-helpers.js';

const catalog = orgCatalog(
  { base: al2023Image({ regions: ['us-east-1'], triggers: OPENSSL_RELEASES }) },
  [prodChannel({ approval: OPS_LEAD_APPROVAL })],
  {
    access: {
      ci: [`arn:aws:iam::${ACCOUNT}:role/ci-release`],
      operators: [OPERATOR],
      approvers: { 'ops-lead': [APPROVER] },
    },
  },
);

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
