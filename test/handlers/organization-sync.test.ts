import { ModifyImageAttributeCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configureClients } from '../../aws/clients/registry.js';
import { syncOrganization } from '../../functions/organization-sync.js';
import { type LocalDynamo, startLocalDynamo } from '../../local/dynalite.js';
import {
  answerEc2,
  answerOrganizations,
  DEV,
  ec2,
  grantsInForce,
  LEAVER,
  moveEvent,
  NEWCOMER,
  PRD1,
  startOrganization,
  world,
} from './organization-fixture.js';

/**
 * organization-sync's re-grant after an organization change (functions/organization-sync.ts): an account moved out of
 * prd00001 (where prod grants by account id, because of the exclusion of 111122223333) loses prod's launch permission
 * even when the re-grant fails once, and when two events carry the same second (organization-fixture.ts).
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

describe('organization-sync re-grants what an organization change alters', () => {
  it('a re-grant that fails once is done by the retried event: the new tree is held only after it succeeded', async () => {
    // The organization's admin moves 444455556666 out of prod (into dev): prod must stop granting it by id.
    world.parents[LEAVER] = DEV;
    answerOrganizations();
    world.failDescribe = true; // one transient EC2 failure during the re-grant
    answerEc2();
    await expect(syncOrganization(moveEvent(LEAVER, '2027-01-02T10:00:00Z'))).rejects.toThrow();
    expect(grantsInForce()).toContain(LEAVER);

    world.failDescribe = false;
    answerEc2();
    const retry = await syncOrganization(moveEvent(LEAVER, '2027-01-02T10:00:00Z'));
    expect(retry.regrant.versions).toBe(1);
    expect(grantsInForce()).not.toContain(LEAVER);
    // Once held, the same event again changes nothing and re-grants nothing.
    const again = await syncOrganization(moveEvent(LEAVER, '2027-01-02T10:00:00Z'));
    expect(again).toMatchObject({ itemsChanged: 0, regrant: { versions: 0 } });
  });

  it('two events in the same second: the second re-grant reads the tree the first wrote', async () => {
    world.parents[NEWCOMER] = PRD1;
    answerOrganizations();
    const first = await syncOrganization(moveEvent(NEWCOMER, '2027-01-02T12:00:00Z'));
    expect(first.regrant.versions).toBe(1);
    expect(grantsInForce()).toContain(NEWCOMER);
    world.parents[LEAVER] = DEV;
    answerOrganizations();
    await syncOrganization(moveEvent(LEAVER, '2027-01-02T12:00:00Z'));
    expect(grantsInForce()).not.toContain(LEAVER);
    expect(grantsInForce()).toContain(NEWCOMER);
  });

  it('a full read with nothing changed re-grants nothing and makes no EC2 write', async () => {
    const daily = await syncOrganization({ organization: 'full-read', scheduledTime: '2027-01-09T00:00:00Z' });
    expect(daily).toMatchObject({ read: 'full', itemsChanged: 0, regrant: { versions: 0 } });
    expect(ec2.commandCalls(ModifyImageAttributeCommand)).toHaveLength(0);
  });

  it('a re-grant made and then failed before the tree was held is not made again by the retried event', async () => {
    world.parents[LEAVER] = DEV;
    answerOrganizations();
    // The launch permission is removed, and the function times out before its answer: the new tree is not held.
    world.loseModifyAnswer = true;
    await expect(syncOrganization(moveEvent(LEAVER, '2027-01-02T10:00:00Z'))).rejects.toThrow(/timed out/);
    expect(grantsInForce()).not.toContain(LEAVER);
    expect(ec2.commandCalls(ModifyImageAttributeCommand)).toHaveLength(1);

    const retry = await syncOrganization(moveEvent(LEAVER, '2027-01-02T10:00:00Z'));

    // The retry reads the grants in force, finds its own change made, and holds the tree: no second grant call.
    expect(retry).toMatchObject({ read: 'nodes', regrant: { modifyImageAttribute: 0 } });
    expect(retry.itemsChanged).toBeGreaterThan(0);
    expect(ec2.commandCalls(ModifyImageAttributeCommand)).toHaveLength(1);
    expect(grantsInForce()).not.toContain(LEAVER);
    const again = await syncOrganization(moveEvent(LEAVER, '2027-01-02T10:00:00Z'));
    expect(again).toMatchObject({ itemsChanged: 0, regrant: { versions: 0 } });
  });
});
