import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { openBuilds } from '../../aws/builds/build-handling.js';
import { markIntentDone, pendingIntents, recordIntent } from '../../aws/builds/intents.js';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { combinedFilter, openItemsOf, openWorkItems, readOpenWork } from '../../aws/ledger/open-work.js';
import { markApprovalSent, undeliveredDecisions } from '../../aws/promotion/promotion-approvals.js';
import { pausedPromotions, recordPause } from '../../aws/promotion/promotion-pauses.js';
import { OPEN_ROLLOUTS, OPEN_TAKE_BACKS } from '../../aws/rollout/rollout-ledger.js';
import { openWork } from '../../core/ledger/keys.js';
import { RECONCILED_WORK } from '../../functions/reconcile.js';
import { localLedgerClient } from '../helpers/ledger-table.js';
import { change, decide, useOpenWorkLedger } from './open-work-fixtures.js';

const dynamo = useOpenWorkLedger();

/** Counts the ledger requests the document client sends until `stop`, by command. */
function countSent(): { stop(): Record<string, number> } {
  const counts: Record<string, number> = {};
  const stack = documentClient().middlewareStack;
  stack.add(
    (next, context) => (args) => {
      const name = context.commandName ?? '';
      counts[name] = (counts[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'countLedgerRequests' },
  );
  return {
    stop: () => {
      stack.remove('countLedgerRequests');
      return counts;
    },
  };
}

describe("the reconciler's one read of the open-work index", () => {
  it('reads every kind the reconciler acts on in one Scan: each kind as its own Query lists it, what is closed left out', async () => {
    await decide('base', '1.0.0/7');
    await decide('base', '1.0.0/8');
    await markApprovalSent('base', '1.0.0/8', 'prod', '2027-01-21T00:01:00Z');
    await recordIntent(change('3.0.18'), new Date('2027-02-08T10:00:00Z'));
    await recordIntent(change('3.0.19'), new Date('2027-02-09T10:00:00Z'));
    await markIntentDone(change('3.0.18'), ['base: start 1.0.0/9'], new Date('2027-02-08T10:05:00Z'));
    await recordPause({
      image: 'app',
      version: '1.0.0/2',
      buildVersionArn: 'arn:aws:imagebuilder:us-east-1:123456789012:image/app/1.0.0/2',
      channel: 'prod',
      error: 'ServiceUnavailableException',
      reason: 'still failing after the retry horizon',
      pausedAt: '2027-01-15T05:00:00.000Z',
    });
    // Open builds of two images under the same sort key; rollouts running, paused and completed (still marked: the
    // index lags), two under one sort key; take-backs open, found stopped, and of a rollout not superseded; an open
    // usage report: a kind the reconciler does not act on, left out of its read.
    const ledger = localLedgerClient(dynamo.endpoint);
    const put = (item: Record<string, unknown>) =>
      ledger.send(new PutItemCommand({ TableName: 'ledger', Item: marshall(item) }));
    for (const [image, version] of [
      ['base', '1.0.0/9'],
      ['app', '1.0.0/9'],
      ['app', '1.0.0/10'],
    ] as const) {
      const arn = `arn:aws:imagebuilder:us-east-1:123456789012:image/${image}/${version}`;
      await put({
        pk: `IMAGE#${image}`,
        sk: `BUILD#${version}`,
        image,
        buildVersion: version,
        buildVersionArn: arn,
        openWork: openWork.build,
      });
    }
    for (const [image, state] of [
      ['base', 'running'],
      ['app', 'paused'],
      ['web', 'completed'],
    ] as const) {
      await put({ pk: `IMAGE#${image}`, sk: 'ROLLOUT#prod#1.0.0/9', image, state, openWork: openWork.rollout });
    }
    for (const [image, state, stopped] of [
      ['base', 'superseded', false],
      ['app', 'superseded', true],
      ['web', 'halted', false],
    ] as const) {
      const takenBack = stopped ? { stopped: '2027-02-09T00:00:00Z' } : {};
      await put({
        pk: `IMAGE#${image}`,
        sk: 'ROLLOUT#staging#1.0.0/8',
        image,
        state,
        takenBack,
        openWork: openWork.takeBack,
      });
    }
    await put({ pk: 'IMAGE#base', sk: 'USAGE#1.0.0/9#us-east-1', reportId: 'r-1', openWork: openWork.usageReport });

    const sent = countSent();
    const read = await readOpenWork(RECONCILED_WORK);
    expect(sent.stop()).toEqual({ ScanCommand: 1 });

    // Each kind as its own Query returns it (AWS documents no Scan order: compared by key), what is closed left out.
    const keys = (items: Record<string, unknown>[] | undefined) => (items ?? []).map((i) => `${i.pk} ${i.sk}`).sort();
    for (const request of RECONCILED_WORK) {
      expect(keys(read.itemsOf(request)), request.kind).toEqual(
        keys(await openWorkItems(request.kind, request.filter)),
      );
    }
    expect(keys(read.itemsOf(OPEN_ROLLOUTS))).toEqual([
      'IMAGE#app ROLLOUT#prod#1.0.0/9',
      'IMAGE#base ROLLOUT#prod#1.0.0/9',
    ]);
    expect(keys(read.itemsOf(OPEN_TAKE_BACKS))).toEqual(['IMAGE#base ROLLOUT#staging#1.0.0/8']);
    // Read: every entry of the index, 13 (the sent decision and the done intent left it; the completed rollout, the
    // stopped take-back and the usage report not yet); kept: the 9 of the reconciler's kinds still open.
    expect(read.counts).toEqual({ scanned: 13, kept: 9 });
    expect((await undeliveredDecisions(read)).map((a) => a.version)).toEqual(['1.0.0/7']);
    expect((await pendingIntents(read)).map((i) => i.change)).toEqual([change('3.0.19')]);
    expect((await pausedPromotions(read)).map((p) => `${p.image} ${p.version}`)).toEqual(['app 1.0.0/2']);
    expect((await openBuilds(read)).map((b) => `${b.image} ${b.version}`)).toEqual(
      (await openBuilds()).map((b) => `${b.image} ${b.version}`),
    );
    expect((await openBuilds(read)).length).toBe(3);
    // A reader restating another condition than the one read with, or of a kind not read, is refused, not sent to a
    // Query the reconciler's role may not make.
    const other = { kind: openWork.intent, filter: { expression: 'attribute_exists(change)' } };
    expect(read.itemsOf(other)).toBeUndefined();
    await expect(openItemsOf(other, read)).rejects.toThrow('holds no pending-intent items under this condition');
    await expect(openItemsOf({ kind: openWork.usageReport }, read)).rejects.toThrow('holds no usage-report items');
  });
});

describe('one filter for several kinds of open work', () => {
  it("keeps each kind's own condition, its placeholders apart from another kind's of the same name", () => {
    const filter = combinedFilter([
      {
        kind: openWork.intent,
        filter: { expression: '#status = :v', names: { '#status': 'status' }, values: { ':v': 'pending' } },
      },
      {
        kind: openWork.pause,
        filter: { expression: '#status = :v', names: { '#status': 'status' }, values: { ':v': 'paused' } },
      },
      { kind: openWork.build },
    ]);
    expect(filter).toEqual({
      expression:
        '(#open = :kind0 AND (#k0_status = :k0_v)) OR (#open = :kind1 AND (#k1_status = :k1_v)) OR #open = :kind2',
      names: { '#open': 'openWork', '#k0_status': 'status', '#k1_status': 'status' },
      values: {
        ':kind0': openWork.intent,
        ':k0_v': 'pending',
        ':kind1': openWork.pause,
        ':k1_v': 'paused',
        ':kind2': openWork.build,
      },
    });
  });
});
