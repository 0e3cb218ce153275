import { ModifyImageAttributeCommand } from '@aws-sdk/client-ec2';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetImageCommand } from '@aws-sdk/client-imagebuilder';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { PromotionPlan } from '../../core/promotion/types.js';
import { revokeVersion } from '../../functions/lifecycle/revoke.js';
import {
  amisOf,
  baseOnDevAndStaging,
  conditionFailed,
  DEV_GRANT,
  NOW,
  promoted,
  useLifecycleWorld,
} from './lifecycle-fixtures.js';
import { plans } from './promotion-fixtures.js';

const { ddb, ec2, bus, sns, imagebuilder } = useLifecycleWorld(world);
const HARDENED_ARN = (v: string) =>
  `arn:aws:imagebuilder:us-east-1:111122223333:image/goldsmith-hardened-77aa01bc/${v}`;
const REASON = 'parent base 1.0.0/2 revoked: CVE-2027-0001';
/** base revokes its descendants (`revocation.descendants: 'revoke'`); the rest of the example catalog as is. */
const cascading: Record<string, PromotionPlan> = { ...plans, base: { ...plans.base!, revokeDescendants: true } };
const request = { image: 'base', version: '1.0.0/2', reason: 'CVE-2027-0001', by: 'ops-lead', at: NOW };

/** base 1.0.0/2 on dev and staging; hardened 1.0.0/7 built on it, on hardened's staging after 1.0.0/6 (on base 1.0.0/1). */
function world(): void {
  baseOnDevAndStaging([
    {
      sk: 'BUILD#1.0.0/6',
      buildVersionArn: HARDENED_ARN('1.0.0/6'),
      status: 'AVAILABLE',
      parent: { image: 'base', channel: 'staging', buildVersion: '1.0.0/1' },
    },
    {
      sk: 'BUILD#1.0.0/7',
      buildVersionArn: HARDENED_ARN('1.0.0/7'),
      status: 'AVAILABLE',
      parent: { image: 'base', channel: 'staging', buildVersion: '1.0.0/2' },
    },
  ]);
  ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#hardened', ':prefix': 'PROMOTION#' } }).resolves({
    Items: [
      promoted('1.0.0/6', 'staging', '2027-02-03T00:00:00Z', 6),
      promoted('1.0.0/7', 'staging', '2027-02-22T00:00:00Z', 7),
    ],
  });
  ddb
    .on(GetCommand, { Key: { pk: 'IMAGE#hardened', sk: 'CHANNEL#staging' } })
    .resolves({ Item: { channel: 'staging', version: '1.0.0/7', amis: [] } });
  imagebuilder.on(GetImageCommand).resolves({});
}

/** The revocations marked (not the records that their announcements were made). */
const revocationUpdates = () =>
  ddb
    .commandCalls(UpdateCommand)
    .map((c) => c.args[0].input)
    .filter((i) => String(i.Key?.sk).startsWith('REVOCATION#') && i.ExpressionAttributeValues?.[':reason'])
    .map((i) => `${i.Key?.pk} ${i.Key?.sk} ${i.ExpressionAttributeValues?.[':reason']}`);
const busEntries = () =>
  bus
    .commandCalls(PutEventsCommand)
    .flatMap((c) => c.args[0].input.Entries ?? [])
    .map((e) => {
      const d = JSON.parse(e.Detail ?? '{}') as { image: string; version?: string };
      return `${e.DetailType} ${d.image}${d.version ? ` ${d.version}` : ''}`;
    });

describe('revokeVersion with revocation.descendants: revoke', () => {
  it('revokes the child version built on the revoked one, rolls its channel back, then rebuilds the child', async () => {
    const result = await revokeVersion(request, cascading, 'goldsmith-test');

    expect(result).toMatchObject({ firstTime: true, descendantsFlagged: 1, descendantsRevoked: ['hardened 1.0.0/7'] });
    expect(revocationUpdates()).toEqual([
      'IMAGE#base REVOCATION#1.0.0/2 CVE-2027-0001',
      `IMAGE#hardened REVOCATION#1.0.0/7 ${REASON}`,
    ]);
    // hardened 1.0.0/7's AMIs lose their grants; hardened/staging goes back to 1.0.0/6 (built on base 1.0.0/1).
    for (const ami of amisOf(7)) {
      expect(ec2).toHaveReceivedCommandWith(ModifyImageAttributeCommand, {
        ImageId: ami.imageId,
        LaunchPermission: { Remove: [DEV_GRANT] },
      });
    }
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ pk: 'IMAGE#hardened', sk: 'CHANNEL#staging', version: '1.0.0/6' }),
      ConditionExpression: 'version = :from',
      ExpressionAttributeValues: { ':from': '1.0.0/7' },
    });
    // The child's revocation (with its own children's rebuild) is complete before base asks for hardened's rebuild.
    expect(busEntries()).toEqual([
      'Image Rebuild Requested app',
      'Image Revoked hardened 1.0.0/7',
      'Image Rebuild Requested hardened',
      'Image Revoked base 1.0.0/2',
    ]);
    const subjects = sns.commandCalls(PublishCommand).map((c) => c.args[0].input.Subject);
    expect(subjects.filter((s) => s?.includes('revoked'))).toEqual([
      'hardened 1.0.0/7: revoked',
      'base 1.0.0/2: revoked',
    ]);
    const baseNotice = sns
      .commandCalls(PublishCommand)
      .find((c) => c.args[0].input.Subject === 'base 1.0.0/2: revoked');
    expect(baseNotice?.args[0].input.Message).toContain('also revoked: hardened 1.0.0/7');
  });

  it('finishes again on a repeat without announcing or putting the facts twice', async () => {
    await revokeVersion(request, cascading, 'goldsmith-test');
    const announced = sns.commandCalls(PublishCommand).length;
    ddb.on(UpdateCommand, { Key: { pk: 'IMAGE#base', sk: 'REVOCATION#1.0.0/2' } }).rejects(conditionFailed());
    ddb.on(UpdateCommand, { Key: { pk: 'IMAGE#hardened', sk: 'REVOCATION#1.0.0/7' } }).rejects(conditionFailed());
    bus.resetHistory();

    const again = await revokeVersion(request, cascading, 'goldsmith-test');

    expect(again).toMatchObject({ firstTime: false, descendantsRevoked: ['hardened 1.0.0/7'] });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(announced);
    expect(busEntries()).toEqual(['Image Rebuild Requested app', 'Image Rebuild Requested hardened']);
  });

  it('leaves descendants unrevoked (flagged and rebuilt) without the setting', async () => {
    const result = await revokeVersion(request, plans, 'goldsmith-test');

    expect(result).toMatchObject({ descendantsFlagged: 1, descendantsRevoked: [], rebuild: ['hardened'] });
    expect(revocationUpdates()).toEqual(['IMAGE#base REVOCATION#1.0.0/2 CVE-2027-0001']);
    expect(busEntries()).toEqual(['Image Rebuild Requested hardened', 'Image Revoked base 1.0.0/2']);
  });
  it('flags the grandchild built on the flagged child too, and asks no rebuild of it before the child', async () => {
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#app', ':prefix': 'BUILD#' } }).resolves({
      Items: [
        { sk: 'BUILD#1.0.0/3', parent: { image: 'hardened', channel: 'staging', buildVersion: '1.0.0/6' } },
        { sk: 'BUILD#1.0.0/4', parent: { image: 'hardened', channel: 'staging', buildVersion: '1.0.0/7' } },
      ],
    });

    const result = await revokeVersion(request, plans, 'goldsmith-test');

    expect(result).toMatchObject({ descendantsFlagged: 2, rebuild: ['hardened'] });
    const flags = ddb
      .commandCalls(UpdateCommand)
      .map((c) => c.args[0].input)
      .filter((i) => String(i.UpdateExpression).includes('flaggedReason'))
      .map((i) => `${i.Key?.pk} ${i.Key?.sk}: ${i.ExpressionAttributeValues?.[':r']}`);
    expect(flags).toEqual([
      'IMAGE#hardened BUILD#1.0.0/7: built on revoked base 1.0.0/2',
      'IMAGE#app BUILD#1.0.0/4: built on revoked base 1.0.0/2 (through hardened 1.0.0/7)',
    ]);
    // app is rebuilt once hardened's rebuild reaches the channel it follows (a cascade), not on the flagged 1.0.0/7.
    expect(busEntries()).toEqual(['Image Rebuild Requested hardened', 'Image Revoked base 1.0.0/2']);
  });
  it('leaves restored a child an operator restored from this very revocation (a re-run of the parent’s cascade)', async () => {
    const at = NOW.toISOString();
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'IMAGE#hardened', ':prefix': 'REVOCATION#' } })
      .resolves({
        Items: [
          {
            sk: 'REVOCATION#1.0.0/7',
            version: '1.0.0/7',
            reason: REASON,
            by: 'ops-lead',
            state: 'restored',
            at,
            revokedAt: at,
            restoredAt: '2027-03-02T08:00:00.000Z',
            restoredBy: 'security',
            restoreReason: 'hardened does not ship the package',
          },
        ],
      });

    const result = await revokeVersion(request, cascading, 'goldsmith-test');

    expect(result).toMatchObject({ firstTime: true, descendantsRevoked: [] });
    expect(revocationUpdates()).toEqual(['IMAGE#base REVOCATION#1.0.0/2 CVE-2027-0001']);
  });
});
