import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { markIntentDone, pendingIntents, recordIntent } from '../../aws/builds/intents.js';
import {
  markApprovalSent,
  markApprovalUndeliverable,
  undeliveredDecisions,
} from '../../aws/promotion/promotion-approvals.js';
import { markResumed, pausedPromotions, recordPause } from '../../aws/promotion/promotion-pauses.js';
import { openWork, openWorkIndex } from '../../core/ledger/keys.js';
import { localLedgerClient } from '../helpers/ledger-table.js';
import { change, decide, useOpenWorkLedger } from './open-work-fixtures.js';

const dynamo = useOpenWorkLedger();

/** What the index holds for one kind: every entry DynamoDB reads for the Query (ScannedCount), not just matches. */
async function indexed(kind: string): Promise<{ scanned: number; keys: string[] }> {
  const out = await localLedgerClient(dynamo.endpoint).send(
    new QueryCommand({
      TableName: 'ledger',
      IndexName: openWorkIndex.name,
      KeyConditionExpression: '#o = :k',
      ExpressionAttributeNames: { '#o': openWorkIndex.partitionKey },
      ExpressionAttributeValues: { ':k': { S: kind } },
    }),
  );
  return { scanned: out.ScannedCount ?? 0, keys: (out.Items ?? []).map((i) => `${i.pk?.S} ${i.sk?.S}`) };
}

describe('the open-work index', () => {
  it('holds a decision from the moment it is recorded until it is sent or refused for good, across images', async () => {
    // A history of 30 delivered decisions, one undelivered in each of two images, and one refused for good.
    for (let n = 1; n <= 30; n++) {
      await decide('base', `1.0.0/${n}`);
      await markApprovalSent('base', `1.0.0/${n}`, 'prod', '2027-01-21T00:01:00Z');
    }
    await decide('base', '1.0.0/40');
    await decide('app', '1.0.0/2');
    await decide('app', '1.0.0/1');
    await markApprovalUndeliverable('app', '1.0.0/1', 'prod', 'TaskTimedOut');

    const open = await undeliveredDecisions();

    expect(open.map((a) => `${a.image} ${a.version}`)).toEqual(['app 1.0.0/2', 'base 1.0.0/40']);
    // Only the open ones are in the index: the run reads 2 entries, not the 33 approvals of the history.
    expect(await indexed(openWork.decision)).toMatchObject({ scanned: 2 });
  });

  it('holds a paused promotion until it is resumed, and again when it pauses again', async () => {
    const pause = {
      image: 'base',
      version: '1.0.0/3',
      buildVersionArn: 'arn:aws:imagebuilder:us-east-1:123456789012:image/base/1.0.0/3',
      channel: 'prod',
      error: 'ServiceUnavailableException',
      reason: 'still failing after the retry horizon',
      pausedAt: '2027-01-15T05:00:00.000Z',
    };
    await recordPause(pause);
    expect((await pausedPromotions()).map((p) => p.version)).toEqual(['1.0.0/3']);

    expect(await markResumed('base', '1.0.0/3', 1, 'goldsmith', '2027-01-15T06:00:00Z')).toBe(true);
    expect(await pausedPromotions()).toEqual([]);
    expect(await indexed(openWork.pause)).toEqual({ scanned: 0, keys: [] });

    await recordPause({ ...pause, pausedAt: '2027-01-16T05:00:00.000Z' });
    expect(await pausedPromotions()).toMatchObject([{ version: '1.0.0/3', status: 'paused', resumes: 1 }]);
  });

  it('holds a build intent until it is done', async () => {
    await recordIntent(change('3.0.16'), new Date('2027-02-06T10:00:00Z'));
    await recordIntent(change('3.0.17'), new Date('2027-02-07T10:00:00Z'));
    await markIntentDone(change('3.0.16'), ['base: start 1.0.0/3'], new Date('2027-02-06T10:05:00Z'));

    expect((await pendingIntents()).map((i) => i.change)).toEqual([change('3.0.17')]);
    expect(await indexed(openWork.intent)).toMatchObject({ scanned: 1 });
  });
});
