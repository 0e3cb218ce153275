import { describe, expect, it } from 'vitest';
import { recordOutcome, recordShareIntent } from '../../aws/promotion/promotion-ledger.js';
import { syncOrganization } from '../../functions/organization-sync.js';
import {
  AMI,
  answerOrganizations,
  DEV,
  grantsInForce,
  LEAVER,
  moveEvent,
  ouArn,
  PRD2,
  STG,
  useStartedOrganization,
  world,
} from './organization-fixture.js';

/**
 * The organization re-grant and a promotion of the same version to staging at the same time (organization-fixture.ts:
 * 1.0.0/3 of base is in prod). LEAVER moves out of prd00001, so the re-grant sets 1.0.0/3's launch permissions to
 * what its channels reach; meanwhile Share writes its intent for staging and grants the staging OU, and records its
 * decision (`SHARE#`) only after that. The re-grant must not take the staging grant back.
 */

useStartedOrganization();

const VERSION = '1.0.0/3';
const DAY_MS = 24 * 3600 * 1000;

/** What Share does for staging up to its first grant: its intent, then the grant of the staging OU. */
async function sharesStaging(at = new Date()): Promise<void> {
  await recordShareIntent({ image: 'base', version: VERSION, channel: 'staging', at: at.toISOString() });
  grantsInForce().add(ouArn(STG));
}

const leaverMoves = async () => {
  world.parents[LEAVER] = DEV;
  answerOrganizations();
  return syncOrganization(moveEvent(LEAVER, '2027-01-02T12:00:00Z'));
};

describe('the organization re-grant, racing a promotion of the same version', () => {
  it('keeps the grants Share made between the re-grant reading the ledger and reading EC2', async () => {
    world.beforeDescribe = () => sharesStaging();

    const synced = await leaverMoves();

    expect(synced.regrant.versions).toBe(1);
    expect(grantsInForce()).not.toContain(LEAVER);
    expect(grantsInForce()).toContain(ouArn(STG));
    expect(grantsInForce()).toContain(ouArn(PRD2));
  });

  it('keeps the grants of a Share begun before the re-grant whose decision is not recorded yet', async () => {
    await sharesStaging();

    await leaverMoves();

    expect([...grantsInForce()].sort()).toEqual([ouArn(PRD2), ouArn(STG)].sort());
  });

  it('does not grant a channel whose Share has begun but not granted yet: that is the Share to do', async () => {
    await recordShareIntent({ image: 'base', version: VERSION, channel: 'staging', at: new Date().toISOString() });

    await leaverMoves();

    expect([...grantsInForce()]).toEqual([ouArn(PRD2)]);
  });

  it('withdraws them once the promotion has been in flight longer than any execution runs, its outcome never recorded', async () => {
    await sharesStaging(new Date(Date.now() - 7 * DAY_MS));

    await leaverMoves();

    expect([...grantsInForce()]).toEqual([ouArn(PRD2)]);
  });

  it('withdraws the grants of a promotion that began and then was aborted', async () => {
    await sharesStaging();
    await recordOutcome({
      image: 'base',
      version: VERSION,
      channel: 'staging',
      outcome: 'aborted',
      reason: 'a finding over policy',
      by: 'goldsmith',
      at: new Date().toISOString(),
      amis: [AMI],
    });

    await leaverMoves();

    expect([...grantsInForce()]).toEqual([ouArn(PRD2)]);
  });
});
