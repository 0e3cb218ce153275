import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryPrefix } from '../../aws/lifecycle/lifecycle-ledger.js';
import { recordOutcome, recordShareIntent } from '../../aws/promotion/promotion-ledger.js';
import { auditLaunchPermissions } from '../../functions/audit/launch-permissions.js';
import { grantVersionTo } from '../../functions/sharing/version-grants.js';
import { useLocalDynamo } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';
import {
  AMI,
  answerEc2,
  answerOrganizations,
  DEV,
  ec2,
  grantsInForce,
  org,
  ouArn,
  PRD2,
  ROOT,
  STG,
  setWorld,
  startAuditLedger,
  world,
} from './organization-fixture.js';

/**
 * The daily audit and a prod promotion of the same version at the same instant, interleaved deterministically: the
 * audit reads the ledger (dev and staging held), then Share grants prod (its intent first, as share.ts does), then
 * the audit's DescribeImageAttribute answers. The audit must not take back what the promotion has just granted.
 */

const ou = (id: string) => ({ ous: [id], accounts: [], accountTags: {}, exclude: { ous: [], accounts: [] } });
const PLAN = {
  image: 'base',
  channels: [
    { name: 'dev', targets: ou(DEV) },
    { name: 'staging', targets: ou(STG) },
    { name: 'prod', targets: ou(PRD2) },
  ],
};
const VERSION = '1.0.0/1';
const STRANGER = '999999999999';
const NOW = new Date('2027-01-18T03:52:00Z');
const DAY_MS = 24 * 3600 * 1000;

const dynamo = useLocalDynamo();
const sns = mockClient(SNSClient);

const held = () => [...grantsInForce()].sort();

/** What Share does for prod: its intent, then the grants of every channel held plus prod (not yet recorded). */
async function sharesProd(): Promise<void> {
  await recordShareIntent({ image: 'base', version: VERSION, channel: 'prod', at: NOW.toISOString() });
  await grantVersionTo([AMI], PLAN.channels);
}

const outcome = (channel: string, result: 'promoted' | 'aborted') =>
  recordOutcome({
    image: 'base',
    version: VERSION,
    channel,
    outcome: result,
    reason: result,
    by: 'test',
    at: NOW.toISOString(),
    amis: [AMI],
  });

beforeEach(async () => {
  // The catalog's retry horizon (24 hours) says how long a promotion can be in flight.
  await startAuditLedger(dynamo, [VERSION]);
  await outcome('dev', 'promoted');
  await outcome('staging', 'promoted');
  setWorld({
    ous: { [ROOT]: [DEV, STG, PRD2], [DEV]: [], [STG]: [], [PRD2]: [] },
    parents: { '200000000001': DEV, '200000000002': STG, '777788889999': PRD2 },
    inForce: new Map([[AMI.imageId, new Set([ouArn(DEV), ouArn(STG)])]]),
  });
  answerOrganizations();
  answerEc2();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

afterEach(() => {
  for (const m of [ec2, org, sns]) m.reset();
});

const drifts = () => queryPrefix<{ found: string }>('base', 'DRIFT#launch#');
const ALL_THREE = [DEV, PRD2, STG].map(ouArn).sort();

describe('the daily launch-permission audit, racing a promotion of the same version', () => {
  it('leaves in force the prod grants Share made between the audit reading the ledger and reading EC2', async () => {
    world.beforeDescribe = sharesProd;

    const part = await auditLaunchPermissions([PLAN], NOW);

    expect(held()).toEqual(ALL_THREE);
    expect(part.findings).toEqual([]);
    expect(part.failures).toEqual([]);
    expect(await drifts()).toEqual([]);
  });

  it('leaves them in force when the promotion also recorded its outcome before EC2 answered', async () => {
    world.beforeDescribe = async () => {
      await sharesProd();
      await outcome('prod', 'promoted');
    };

    const part = await auditLaunchPermissions([PLAN], NOW);

    expect(held()).toEqual(ALL_THREE);
    expect(part.findings).toEqual([]);
  });

  it("still withdraws an outsider's grant to an account no channel targets, keeping the promotion's", async () => {
    world.beforeDescribe = async () => {
      await sharesProd();
      grantsInForce().add(STRANGER);
    };

    const part = await auditLaunchPermissions([PLAN], NOW);

    expect(held()).toEqual(ALL_THREE);
    expect(part.findings).toEqual([
      expect.objectContaining({
        found: `${AMI.imageId} granted to account ${STRANGER}`,
        action: `put back: withdrew account ${STRANGER}; EC2 confirms it`,
        repaired: true,
      }),
    ]);
  });

  it('withdraws grants of a promotion that began and then was aborted, on the first audit after its outcome', async () => {
    await sharesProd();
    await outcome('prod', 'aborted');

    const part = await auditLaunchPermissions([PLAN], NOW);

    expect(held()).toEqual([DEV, STG].map(ouArn).sort());
    expect(part.findings).toEqual([
      expect.objectContaining({ found: `${AMI.imageId} granted to OU ${PRD2}`, repaired: true }),
    ]);
  });

  it('withdraws the grants of a promotion whose outcome was never recorded, once no execution can still record it', async () => {
    // Share wrote its intent and granted prod; then Publish and RecordOutcome failed for good.
    await sharesProd();
    const inFlight = await auditLaunchPermissions([PLAN], new Date(NOW.getTime() + 5 * DAY_MS));
    expect(held()).toEqual(ALL_THREE);
    expect(inFlight.checked).toBe(0);

    // Six days: Share, Publish and RecordOutcome retrying one after another, each at most 48 hours (24-hour horizon).
    const part = await auditLaunchPermissions([PLAN], new Date(NOW.getTime() + 7 * DAY_MS));

    expect(held()).toEqual([DEV, STG].map(ouArn).sort());
    expect(part.findings).toEqual([
      expect.objectContaining({
        found: `${AMI.imageId} granted to OU ${PRD2}`,
        action: `put back: withdrew OU ${PRD2}; EC2 confirms it`,
        repaired: true,
      }),
    ]);
  });
});
