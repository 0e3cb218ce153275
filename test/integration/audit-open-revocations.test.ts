import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRevocation } from '../../aws/lifecycle/promotion-findings.js';
import { getScheduledRevocation } from '../../aws/lifecycle/scheduled-revocations.js';
import type { LocalCloud } from '../../local/simulator/cloud.js';
import { invokeOperatorUrl } from '../../local/trust/operator-url.js';
import { AUDIT_HOLDINGS_INPUT } from '../../stacks/promotion/audit-holdings.js';
import { functionArnOf, OPERATOR, startTwoVersionsPromoted } from './operator-helpers.js';

/**
 * The audit of what AWS holds reads the open scheduled revocations of every image in one Query of the ledger's open-work
 * index on each of its runs (the daily full pass still reads each image's). A revocation whose schedule was deleted
 * outside Goldsmith is carried out on the first run an hour after its time, full pass or not, and leaves the index
 * once the audit finds its version revoked; a cancelled one leaves it at once.
 */

const DUE = '2027-02-05T09:00:00.000Z';
let cloud: LocalCloud;
const operator = (body: Record<string, unknown>) =>
  cloud.clock.runUntilSettled(cloud.clock.track(() => invokeOperatorUrl(cloud, { as: OPERATOR, body })));

beforeAll(async () => {
  // One image, two channels: 1.0.0/1 and 1.0.0/2 promoted to both; now 2027-02-03 09:00.
  cloud = await startTwoVersionsPromoted();
  await operator({ action: 'revoke', image: 'base', version: '1.0.0/2', reason: 'CVE-2027-0042', at: DUE });
}, 180_000);

afterAll(() => cloud?.stop());

/** The audit's run at `at`, as its schedule invokes it (the simulator arms that schedule; this cloud does not). */
async function reconcileAt(at: string): Promise<void> {
  await cloud.clock.run(at);
  cloud.invoker.deliverAsync(
    functionArnOf(cloud, 'functions/audit-holdings.handler'),
    AUDIT_HOLDINGS_INPUT,
    'audit-holdings',
  );
  // The run, then the revocation it hands to on-lifecycle-request (which waits for Parameter Store's validation).
  await cloud.clock.run(new Date(Date.parse(at) + 30 * 60_000).toISOString());
}

describe("the audit's open scheduled revocations", () => {
  it('marks a scheduled revocation open in the ledger', async () => {
    expect(await getScheduledRevocation('base', '1.0.0/2')).toMatchObject({
      dueAt: DUE,
      openWork: 'scheduled-revocation',
    });
  });

  it('carries out one whose schedule was deleted on the 12:00 run, which is not the full pass, then closes it', async () => {
    const [schedule] = cloud.scheduler.list();
    if (!schedule) throw new Error('no schedule');
    cloud.scheduler.handle({
      service: 'scheduler',
      action: 'DeleteSchedule',
      input: { Name: schedule.Name, GroupName: schedule.GroupName },
      body: undefined,
      region: 'us-east-1',
      accountId: '000000000000',
    });
    // The full pass is the run before 06:00 (UTC); 09:00 + the hour's grace is first met by the 12:00 run.
    await reconcileAt('2027-02-05T12:00:00Z');
    expect(await getRevocation('base', '1.0.0/2')).toMatchObject({ state: 'revoked' });

    await reconcileAt('2027-02-05T18:00:00Z');
    const scheduled = await getScheduledRevocation('base', '1.0.0/2');
    expect(scheduled).toMatchObject({ dueAt: DUE });
    expect(scheduled?.openWork).toBeUndefined();
  });

  it('takes a cancelled one out of the index in the same write', async () => {
    const later = '2027-02-20T09:00:00.000Z';
    await operator({
      action: 'revoke',
      image: 'base',
      version: '1.0.0/1',
      reason: 'superseded soon',
      at: later,
      withdraw: true,
    });
    expect(await getScheduledRevocation('base', '1.0.0/1')).toMatchObject({ openWork: 'scheduled-revocation' });
    await operator({ action: 'cancel-revocation', image: 'base', version: '1.0.0/1', reason: 'not needed' });
    const cancelled = await getScheduledRevocation('base', '1.0.0/1');
    expect(cancelled).toMatchObject({ cancelledBy: expect.any(String) });
    expect(cancelled?.openWork).toBeUndefined();
  });
});
