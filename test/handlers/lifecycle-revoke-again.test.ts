import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { announcement } from '../../core/notifications/announce.js';
import { revokeVersion } from '../../functions/lifecycle/revoke.js';
import {
  baseOnDevAndStaging,
  build,
  conditionFailed,
  ledger,
  NOW,
  promoted,
  useLifecycleWorld,
} from './lifecycle-fixtures.js';
import { plans } from './promotion-fixtures.js';

const { ddb, sns, bus } = useLifecycleWorld();

/** base 1.0.0/2's revocation by ops-lead, restored by security at `restoredAt`. */
const restoredAt = '2027-02-25T09:00:00.000Z';
const restored = {
  sk: 'REVOCATION#1.0.0/2',
  version: '1.0.0/2',
  reason: 'CVE-2027-0001',
  by: 'ops-lead',
  channels: ['dev', 'staging'],
  state: 'restored',
  at: '2027-02-22T12:00:00.000Z',
  revokedAt: '2027-02-22T12:00:00.000Z',
  restoredAt,
  restoredBy: 'security',
  restoreReason: 'the CVE does not apply',
};

/** The ids SNS was handed, per announcement event. */
function publishedIds(): Record<string, string[]> {
  const ids: Record<string, string[]> = {};
  for (const call of sns.commandCalls(PublishCommand)) {
    const message = JSON.parse(String(call.args[0].input.Message)) as { default: string };
    const doc = JSON.parse(message.default) as { event: string; id: string };
    ids[doc.event] = [...(ids[doc.event] ?? []), doc.id];
  }
  return ids;
}

/** The id of a `revoked` or `rolled-back` announcement about base `version` (in `channel`) with `key`: the detail plays no part. */
const idOf = (event: 'revoked' | 'rolled-back', version: string, channel?: string, key?: string) => {
  const options = { at: NOW.toISOString(), ...(key ? { key } : {}) };
  const subject = { image: 'base', version, ...(channel ? { channel } : {}) };
  return event === 'revoked'
    ? announcement(event, subject, { reason: 'r', channels: [], by: 'b' }, options).id
    : announcement(event, subject, { from: '1.0.0/2', to: version, reason: 'r', by: 'b' }, options).id;
};

const revoke = (at = NOW) =>
  revokeVersion(
    { image: 'base', version: '1.0.0/2', reason: 'CVE-2027-0009', by: 'ops-lead', at },
    plans,
    'goldsmith-test',
  );

describe('revoking a version an operator restored', () => {
  it('announces the revocation and its roll-backs again, under ids of its own, not the first revocation’s', async () => {
    baseOnDevAndStaging([], [restored]);

    const result = await revoke();

    expect(result.firstTime).toBe(true);
    const ids = publishedIds();
    // The first revocation's ids (no key: every announcement made before restores existed) stay its own.
    expect(ids.revoked).toEqual([idOf('revoked', '1.0.0/2', undefined, restoredAt)]);
    expect(ids.revoked).not.toContain(idOf('revoked', '1.0.0/2'));
    expect(ids['rolled-back']).toEqual([
      idOf('rolled-back', '1.0.0/1', 'dev', `revoked:1.0.0/2:${restoredAt}`),
      idOf('rolled-back', '1.0.0/1', 'staging', `revoked:1.0.0/2:${restoredAt}`),
    ]);
  });

  it('revokes nothing of a version restored from this very revocation: a replayed or re-delivered fact', async () => {
    ledger({
      builds: [build('1.0.0/1'), build('1.0.0/2')],
      outcomes: [promoted('1.0.0/2', 'dev', '2027-02-20T00:00:00Z', 2)],
      revocations: [restored],
      pointers: { dev: '1.0.0/1' },
    });

    const result = await revoke(new Date(restored.revokedAt));

    expect(result).toMatchObject({ firstTime: false, restoredSince: restoredAt, moves: [], grantCalls: 0 });
    expect(ddb).not.toHaveReceivedCommandWith(UpdateCommand, { Key: { pk: 'IMAGE#base', sk: 'REVOCATION#1.0.0/2' } });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('revokes nothing when a restore of this revocation lands between its read and its write', async () => {
    ledger({
      builds: [build('1.0.0/1'), build('1.0.0/2')],
      outcomes: [promoted('1.0.0/2', 'dev', '2027-02-20T00:00:00Z', 2)],
      revocations: [{ ...restored, state: 'revoked', restoredAt: undefined, restoredBy: undefined }],
      pointers: { dev: '1.0.0/1' },
    });
    ddb.on(UpdateCommand, { ConditionExpression: 'attribute_not_exists(revokedAt)' }).rejects(conditionFailed());
    ddb.on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'REVOCATION#1.0.0/2' } }).resolves({ Item: restored });

    const result = await revoke(new Date(restored.revokedAt));

    expect(result).toMatchObject({ firstTime: false, restoredSince: restoredAt });
    expect(ddb).not.toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: '#state = :restored AND restoredAt = :restoredAt',
    });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('a retry of a revocation that stopped after its mark announces it and puts its fact; one that finds them made, or an old record, does not', async () => {
    // base 1.0.0/2 marked revoked by ops-lead at NOW, by an attempt that stopped before its announcements.
    const marked = {
      sk: 'REVOCATION#1.0.0/2',
      version: '1.0.0/2',
      reason: 'CVE-2027-0009',
      by: 'ops-lead',
      channels: ['dev', 'staging'],
      state: 'revoked',
      at: NOW.toISOString(),
      revokedAt: NOW.toISOString(),
      announcePending: NOW.toISOString(),
    };
    baseOnDevAndStaging([], [marked]);
    ddb.on(UpdateCommand, { ConditionExpression: 'attribute_not_exists(revokedAt)' }).rejects(conditionFailed());
    const record = ddb.on(GetCommand, { Key: { pk: 'IMAGE#base', sk: 'REVOCATION#1.0.0/2' } });
    record.resolves({ Item: marked });
    const facts = () =>
      bus
        .commandCalls(PutEventsCommand)
        .flatMap((c) => c.args[0].input.Entries ?? [])
        .filter((e) => e.DetailType === 'Image Revoked');

    const retried = await revoke();

    expect(retried.firstTime).toBe(false);
    expect(publishedIds().revoked).toEqual([idOf('revoked', '1.0.0/2')]);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: 'REMOVE announcePending',
      ExpressionAttributeValues: expect.objectContaining({ ':revokedAt': NOW.toISOString() }),
    });
    expect(facts().map((e) => JSON.parse(e.Detail ?? '{}').channels)).toEqual([['dev', 'staging']]);

    // Its announcements recorded made, or a record from before the field: nothing announced, no fact.
    const { announcePending: _made, ...old } = marked;
    for (const item of [old, { ...old, announcePending: '2027-01-01T00:00:00.000Z' }]) {
      sns.resetHistory();
      bus.resetHistory();
      record.resolves({ Item: item });
      await revoke();
      expect(sns).not.toHaveReceivedCommand(PublishCommand);
      expect(facts()).toEqual([]);
    }
  });
});
