import { ListRootsCommand } from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { configureClients } from '../../aws/clients/registry.js';
import { recordOutcome } from '../../aws/promotion/promotion-ledger.js';
import { metricNames } from '../../core/observability/metrics.js';
import { metrics } from '../../functions/lib/powertools.js';
import { syncOrganization } from '../../functions/organization-sync.js';
import { type LocalDynamo, startLocalDynamo } from '../../local/dynalite.js';
import {
  AMI,
  answerOrganizations,
  DEV,
  grantsInForce,
  LEAVER,
  moveEvent,
  NEWCOMER,
  org,
  PRD1,
  PRD2,
  ROOT,
  STG,
  slowReadBackOf,
  startOrganization,
  world,
} from './organization-fixture.js';

/**
 * organization-sync against itself and against an organization that no longer has what the catalog names: two
 * Organizations events handled at once (EventBridge invokes the function asynchronously, so two changes seconds apart
 * run side by side), a Share that granted by the tree of a moment before a change, and an OU deleted while a channel
 * still names it (organization-fixture.ts).
 */

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  configureClients({});
  await dynamo?.stop();
});
beforeEach(() => startOrganization(dynamo));

describe('a Share that granted by the tree as it was just before a change', () => {
  it('is brought in line by the next full read, which re-grants every channel only after a change', async () => {
    // LEAVER moves out of prd00001 at noon: the sync withdraws its by-id prod grant.
    world.parents[LEAVER] = DEV;
    answerOrganizations();
    await syncOrganization(moveEvent(LEAVER, '2027-01-02T12:00:00Z'));
    expect(grantsInForce()).not.toContain(LEAVER);
    // A Share that had read the tree before the move grants by it after the sync: LEAVER is back.
    grantsInForce().add(LEAVER);

    const first = await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-09T00:00:00Z' });
    expect(first.regrant.channels).toEqual(['dev', 'staging', 'prod']);
    expect(grantsInForce()).not.toContain(LEAVER);

    // The change was not within the hour before that read, so the next day's read re-grants nothing.
    const next = await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-16T00:00:00Z' });
    expect(next.regrant).toEqual({ channels: [], versions: 0, modifyImageAttribute: 0 });
  });

  it('re-grants on the second full read too when the change came within the hour before the first', async () => {
    world.parents[LEAVER] = DEV;
    answerOrganizations();
    await syncOrganization(moveEvent(LEAVER, '2027-01-08T23:30:00Z'));
    await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-09T00:00:00Z' });
    // The late Share's grant lands after that read.
    grantsInForce().add(LEAVER);

    const second = await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-16T00:00:00Z' });
    expect(second.regrant.versions).toBe(1);
    expect(grantsInForce()).not.toContain(LEAVER);
  });

  it('still re-grants at the next daily read when an event made a full read after the change', async () => {
    world.parents[LEAVER] = DEV;
    answerOrganizations();
    await syncOrganization(moveEvent(LEAVER, '2027-01-02T10:00:00Z'));
    grantsInForce().add(LEAVER); // the late Share
    // An invitation names no account Goldsmith can read back: a full read, which finds nothing new to hold.
    const invited = await syncOrganization({
      source: 'aws.organizations',
      'detail-type': 'AWS API Call via CloudTrail',
      time: '2027-01-02T14:00:00Z',
      detail: { eventName: 'InviteAccountToOrganization', eventSource: 'organizations.amazonaws.com' },
    });
    expect(invited).toMatchObject({ read: 'full', itemsChanged: 0 });

    const daily = await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-09T00:00:00Z' });
    expect(daily.regrant.versions).toBe(1);
    expect(grantsInForce()).not.toContain(LEAVER);
  });

  it('re-grants after a full read that itself found the tree changed (an event lost)', async () => {
    world.parents[LEAVER] = DEV; // the MoveAccount event never arrives
    answerOrganizations();
    const counted = vi.spyOn(metrics, 'addMetric');
    const found = await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-09T00:00:00Z' });
    expect(found.itemsChanged).toBeGreaterThan(0);
    // What no event brought is counted, for the alarm that says events are lost or do not arrive.
    expect(counted).toHaveBeenCalledWith(metricNames.organizationChangesMissed, 'Count', found.itemsChanged);
    counted.mockRestore();
    grantsInForce().add(LEAVER); // a Share that read the tree before that read

    const next = await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-16T00:00:00Z' });
    expect(next.regrant.versions).toBe(1);
    expect(grantsInForce()).not.toContain(LEAVER);
  });
});

describe('organization-sync side by side with itself', () => {
  it('an account moved out of prod while another moves in loses its by-id launch permission, whichever run ends last', async () => {
    // The admin moves LEAVER out of prd00001 (prod must stop granting it by id) and NEWCOMER into prd00001, seconds apart.
    world.parents[LEAVER] = DEV;
    world.parents[NEWCOMER] = PRD1;
    answerOrganizations();
    const releaseNewcomer = slowReadBackOf(NEWCOMER);
    // Both invocations start (EventBridge invokes them concurrently); NEWCOMER's read back is a little slower.
    const second = syncOrganization(moveEvent(NEWCOMER, '2027-01-02T12:00:01Z'));
    const first = syncOrganization(moveEvent(LEAVER, '2027-01-02T12:00:00Z'));
    await first;
    expect(grantsInForce()).not.toContain(LEAVER); // withdrawn by the first
    releaseNewcomer();
    // The run that lost re-grants every channel from the tree held then, not only the one its own change alters.
    expect((await second).regrant.channels).toEqual(['dev', 'staging', 'prod']);
    // Right once both runs end, not only after the next full read.
    expect(grantsInForce()).not.toContain(LEAVER);
    expect(grantsInForce()).toContain(NEWCOMER);
  });

  it('the account moved into prod keeps its launch permission when the run that moved the other ends last', async () => {
    world.parents[LEAVER] = DEV;
    world.parents[NEWCOMER] = PRD1;
    answerOrganizations();
    // This time LEAVER's read back is the slow one.
    const release = slowReadBackOf(LEAVER);
    const slow = syncOrganization(moveEvent(LEAVER, '2027-01-02T12:00:00Z'));
    await syncOrganization(moveEvent(NEWCOMER, '2027-01-02T12:00:01Z'));
    expect(grantsInForce()).toContain(NEWCOMER);
    release();
    await slow;
    // Right once both runs end, not only after the next full read.
    expect(grantsInForce()).toContain(NEWCOMER);
    expect(grantsInForce()).not.toContain(LEAVER);
  });
});

const ouEvent = (eventName: string, ou: string, time: string) => ({
  source: 'aws.organizations' as const,
  'detail-type': 'AWS API Call via CloudTrail' as const,
  time,
  detail: { eventName, eventSource: 'organizations.amazonaws.com', requestParameters: { organizationalUnitId: ou } },
});

/**
 * The organization's admin empties and deletes the staging OU while the catalog's `staging` channel still names it: the
 * re-grant leaves the deleted OU out (it reaches no account) instead of failing, so the tree is held and the daily
 * full read still catches a lost event.
 */
it('an OU deleted while a channel names it stops neither the sync nor the full read', async () => {
  await recordOutcome({
    image: 'base',
    version: '1.0.0/3',
    channel: 'staging',
    outcome: 'promoted',
    reason: 'passed every gate',
    by: 'goldsmith',
    at: '2027-01-01T00:00:00Z',
    amis: [AMI],
  });
  // Staging is emptied and deleted.
  world.parents[NEWCOMER] = DEV;
  world.ous[ROOT] = [DEV, PRD1, PRD2];
  delete world.ous[STG];
  answerOrganizations();
  await syncOrganization(moveEvent(NEWCOMER, '2027-01-02T11:00:00Z'));
  const deleted = await syncOrganization(ouEvent('DeleteOrganizationalUnit', STG, '2027-01-02T11:01:00Z'));
  expect(deleted.itemsChanged).toBeGreaterThan(0);
  // Later: LEAVER moved out of prd00001 (prod must stop granting it by id); CloudTrail loses that event, which the
  // full read (every `organizationFullReadEvery`) exists to catch.
  world.parents[LEAVER] = DEV;
  answerOrganizations();
  const daily = await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-09T00:00:00Z' }).then(
    () => 'ok',
    (e: Error) => e.message,
  );
  expect(daily).toBe('ok');
  expect(grantsInForce()).not.toContain(LEAVER);
});

describe('the daily tick between full reads (organizationFullReadEvery, 7 days by default)', () => {
  // The fixture's full read was the tick of 2027-01-02.
  it('reads nothing from Organizations while the last full read is younger than the period', async () => {
    org.resetHistory();
    const send = vi.spyOn(documentClient(), 'send');
    const tick = await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-05T00:00:00Z' });
    const ledgerReads = send.mock.calls.map(([command]) => command.constructor.name);
    send.mockRestore();
    expect(tick).toMatchObject({ read: 'none', itemsChanged: 0 });
    expect(org.commandCalls(ListRootsCommand)).toHaveLength(0);
    // Nothing to do, which the held STATE item alone says: the held OU and account items are not read.
    expect(ledgerReads).toEqual(['GetCommand']);
    const due = await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-09T00:00:00Z' });
    expect(due.read).toBe('full');
    expect(org.commandCalls(ListRootsCommand)).toHaveLength(1);
  });

  it('re-grants every channel from the held tree the day after a change, so a late Share is undone within a day', async () => {
    world.parents[LEAVER] = DEV;
    answerOrganizations();
    await syncOrganization(moveEvent(LEAVER, '2027-01-03T12:00:00Z'));
    grantsInForce().add(LEAVER); // a Share that read the tree before the move
    org.resetHistory();
    const tick = await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-04T00:00:00Z' });
    expect(tick.read).toBe('nodes');
    expect(tick.regrant.channels).toEqual(['dev', 'staging', 'prod']);
    expect(grantsInForce()).not.toContain(LEAVER);
    expect(org.commandCalls(ListRootsCommand)).toHaveLength(0);
    // The tick after that one has no change to answer for.
    const quiet = await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-06T00:00:00Z' });
    expect(quiet.read).toBe('none');
  });
});
