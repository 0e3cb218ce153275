import { StartImagePipelineExecutionCommand } from '@aws-sdk/client-imagebuilder';
import { describe, expect, it, vi } from 'vitest';
import { openWork } from '../../core/ledger/keys.js';
import type { PackageChange } from '../../core/triggers/change.js';
import { reconcileBuilds } from '../../functions/reconcile.js';
import { keyRefusalOf, startBuildsForChange } from '../../functions/start-builds.js';
import { ACCOUNT, catalog, PIPELINE_ARN } from './promotion-fixtures.js';
import { INPUT, useReconcileWorld } from './reconcile-fixtures.js';

describe('reconcileBuilds: build intents that were never carried out', () => {
  const { imagebuilder, ledger } = useReconcileWorld();

  it('issues a patch build whose scheduled invocation never recorded its intent, once', async () => {
    // Two hours after base's March patch build was due (Thursday 11 March, 03:00 London); nothing recorded it.
    vi.setSystemTime(new Date('2027-03-11T05:00:00Z'));
    imagebuilder.on(StartImagePipelineExecutionCommand).resolves({
      imageBuildVersionArn: `arn:aws:imagebuilder:us-east-1:${ACCOUNT}:image/base/1.0.0/4`,
    });

    const first = await reconcileBuilds(INPUT);
    const second = await reconcileBuilds(INPUT);

    expect(first.intents?.schedulesRederived).toEqual(['schedule:base@2027-03-11T03:00:00Z']);
    expect(second.intents?.schedulesRederived).toEqual([]);
    expect(imagebuilder).toHaveReceivedCommandTimes(StartImagePipelineExecutionCommand, 1);
    expect(ledger.get('INTENTS|INTENT#2027-03-11T03:00:00Z#schedule:base@2027-03-11T03:00:00Z')).toMatchObject({
      kind: 'intent',
      status: 'done',
    });
  });

  it('re-issues a pending build intent through the same dedupe, and leaves it done', async () => {
    const change = {
      kind: 'package',
      name: 'openssl',
      version: '3.0.16',
      source: 'codeartifact',
      observedAt: '2027-03-02T10:00:00Z',
    };
    const key = 'INTENTS|INTENT#2027-03-02T10:00:00Z#package:openssl@3.0.16';
    ledger.set(key, {
      pk: 'INTENTS',
      sk: 'INTENT#2027-03-02T10:00:00Z#package:openssl@3.0.16',
      kind: 'intent',
      changeId: 'package:openssl@3.0.16',
      change,
      status: 'pending',
      openWork: openWork.intent,
    });
    imagebuilder.on(StartImagePipelineExecutionCommand).resolves({
      imageBuildVersionArn: `arn:aws:imagebuilder:us-east-1:${ACCOUNT}:image/base/1.0.0/4`,
    });

    const report = await reconcileBuilds(INPUT);

    expect(report.intents?.reissued).toEqual(['package:openssl@3.0.16']);
    expect(imagebuilder).toHaveReceivedCommandWith(StartImagePipelineExecutionCommand, {
      imagePipelineArn: PIPELINE_ARN,
    });
    expect(ledger.get(key)).toMatchObject({ status: 'done' });
  });

  describe('a change the ledger cannot hold', () => {
    // The intent's sort key fits DynamoDB's 1,024 bytes, but base's decision key (`DECISION#<time>#package:base:…`)
    // would not: what an event recorded before its version was bounded could have left pending.
    const version = 'v'.repeat(970);
    const change: PackageChange = {
      kind: 'package',
      name: 'openssl',
      version,
      source: 'codeartifact',
      observedAt: '2027-03-02T10:00:00Z',
    };
    const sk = `INTENT#2027-03-02T10:00:00Z#package:openssl@${version}`;

    it('is refused once by the reconciler, with its reason, and never re-issued', async () => {
      ledger.set(`INTENTS|${sk}`, {
        pk: 'INTENTS',
        sk,
        kind: 'intent',
        changeId: `package:openssl@${version}`,
        change,
        status: 'pending',
        openWork: openWork.intent,
      });

      const first = await reconcileBuilds(INPUT);
      const second = await reconcileBuilds(INPUT);

      expect(first.intents?.refused).toEqual([
        expect.stringMatching(/the decision key would be 1032 bytes, over DynamoDB's 1024/),
      ]);
      expect(first.intents?.reissued).toEqual([]);
      expect(second.intents?.refused).toEqual([]);
      expect(second.intents?.reissued).toEqual([]);
      expect(imagebuilder).not.toHaveReceivedCommand(StartImagePipelineExecutionCommand);
      expect(ledger.get(`INTENTS|${sk}`)).toMatchObject({
        status: 'done',
        outcome: [expect.stringMatching(/^refused: /)],
      });
    });

    it('is refused by start-builds before any intent is recorded', async () => {
      // base lists openssl, so the change is one start-builds would act on, were its keys to fit.
      expect(keyRefusalOf(catalog, { ...change, version: '3.0.16' })).toBeUndefined();
      expect(keyRefusalOf(catalog, change)).toMatch(/decision key/);
      expect(await startBuildsForChange(catalog, change, new Date('2027-03-02T10:00:05Z'))).toEqual([]);
      expect([...ledger.keys()].filter((k) => k.startsWith('INTENTS|'))).toEqual([]);
      expect(imagebuilder).not.toHaveReceivedCommand(StartImagePipelineExecutionCommand);
    });
  });
});
