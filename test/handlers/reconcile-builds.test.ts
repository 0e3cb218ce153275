import { GetImageCommand, ListImagePipelineImagesCommand } from '@aws-sdk/client-imagebuilder';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand } from '@aws-sdk/client-sns';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { executionNameFor } from '../../core/promotion/naming.js';
import { onImageEvent } from '../../functions/on-image-event.js';
import { reconcileBuilds } from '../../functions/reconcile.js';
import {
  ACCOUNT,
  BUILD_ARN,
  basePlan,
  catalog,
  getImageOutput,
  PIPELINE_ARN,
  stateChangeEvent,
} from './promotion-fixtures.js';
import { daysAgo, INPUT, STATE_MACHINE_ARN, summary, useReconcileWorld } from './reconcile-fixtures.js';

describe('reconcileBuilds: builds whose events or handling were missed', () => {
  const { ddb, imagebuilder, sfn, sns, ledger, listBase } = useReconcileWorld();

  it('starts the promotion on-image-event would have started when an AVAILABLE event was missed', async () => {
    listBase([summary('AVAILABLE')]);
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });

    const report = await reconcileBuilds(INPUT);

    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: STATE_MACHINE_ARN,
      name: executionNameFor(BUILD_ARN),
    });
    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}');
    expect(input).toEqual({
      image: 'base',
      buildVersionArn: BUILD_ARN,
      version: '1.0.0/3',
      plan: basePlan,
      schemaVersion: 2,
    });
    expect(report.reconciled).toEqual([
      { image: 'base', version: '1.0.0/3', status: 'AVAILABLE', missed: 'event', result: 'promotion-started' },
    ]);
    expect(ledger.get('IMAGE#base|RECONCILED#1.0.0/3#AVAILABLE')).toMatchObject({
      kind: 'reconciled',
      status: 'AVAILABLE',
      missed: 'event',
      result: 'promotion-started',
    });
  });

  it('does nothing for a build on-image-event already handled', async () => {
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });
    await onImageEvent(stateChangeEvent('AVAILABLE'));
    listBase([summary('AVAILABLE')]);
    imagebuilder.resetHistory();
    sfn.resetHistory();

    const report = await reconcileBuilds(INPUT);

    expect(report.reconciled).toEqual([]);
    expect(imagebuilder).not.toHaveReceivedCommand(GetImageCommand);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
    expect([...ledger.keys()].some((k) => k.includes('RECONCILED#'))).toBe(false);
  });

  it('has no extra effect when it runs twice', async () => {
    listBase([summary('AVAILABLE'), summary('FAILED', { arn: BUILD_ARN.replace(/3$/, '4') })]);
    imagebuilder.on(GetImageCommand, { imageBuildVersionArn: BUILD_ARN }).resolves(getImageOutput());
    const failed = getImageOutput('FAILED', 'component update-linux failed');
    failed.image.arn = BUILD_ARN.replace(/3$/, '4');
    imagebuilder.on(GetImageCommand, { imageBuildVersionArn: BUILD_ARN.replace(/3$/, '4') }).resolves(failed);
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });

    const first = await reconcileBuilds(INPUT);
    const second = await reconcileBuilds(INPUT);

    expect(first.reconciled.map((r) => r.status)).toEqual(['AVAILABLE', 'FAILED']);
    expect(second.reconciled).toEqual([]);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    // One announcement per build: image-available for the first, build-failed for the second.
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      Message: expect.stringContaining('component update-linux failed'),
    });
  });

  it('catches a build whose status was recorded but whose promotion never started', async () => {
    ledger.set('IMAGE#base|BUILD#1.0.0/3', {
      pk: 'IMAGE#base',
      sk: 'BUILD#1.0.0/3',
      statusesSeen: new Set(['TESTING', 'AVAILABLE']),
    });
    listBase([summary('AVAILABLE')]);
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });

    const report = await reconcileBuilds(INPUT);

    expect(report.reconciled).toMatchObject([{ status: 'AVAILABLE', missed: 'handling' }]);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });

  it('asks the ledger again for builds it left unprocessed before deciding', async () => {
    const key = { pk: 'IMAGE#base', sk: 'BUILD#1.0.0/3' };
    ledger.set('IMAGE#base|BUILD#1.0.0/3', {
      ...key,
      statusesSeen: new Set(['AVAILABLE']),
      handledStatuses: new Set(['AVAILABLE']),
    });
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { ledger: [] }, UnprocessedKeys: { ledger: { Keys: [key] } } })
      .resolvesOnce({ Responses: { ledger: [ledger.get('IMAGE#base|BUILD#1.0.0/3') ?? {}] } })
      // The pointer shares the backstop reads at the end of the day's full pass: none held.
      .resolvesOnce({ Responses: { ledger: [] } })
      // The channel pointers the audit reads after it: none yet.
      .resolves({ Responses: { ledger: [] } });
    listBase([summary('AVAILABLE')]);

    const report = await reconcileBuilds(INPUT);

    // Twice for the build (its key left unprocessed, then read); the pointer shares' read comes after, at the end.
    const builds = ddb
      .commandCalls(BatchGetCommand)
      .filter((c) => JSON.stringify(c.args[0].input.RequestItems).includes('BUILD#'));
    expect(builds).toHaveLength(2);
    expect(report.reconciled).toEqual([]);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('leaves builds in progress and builds older than the window alone', async () => {
    listBase([
      summary('TESTING'),
      summary('AVAILABLE', { arn: BUILD_ARN.replace(/3$/, '1'), dateCreated: daysAgo(30) }),
    ]);

    const report = await reconcileBuilds(INPUT);

    expect(report).toMatchObject({ listed: 2, skipped: 2, reconciled: [] });
    expect(imagebuilder).not.toHaveReceivedCommand(GetImageCommand);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("reads every page of a pipeline's builds and lists only the catalog's pipelines", async () => {
    imagebuilder
      .on(ListImagePipelineImagesCommand, { imagePipelineArn: PIPELINE_ARN })
      .resolvesOnce({ imageSummaryList: [summary('TESTING', { arn: BUILD_ARN.replace(/3$/, '4') })], nextToken: 't' })
      .resolvesOnce({ imageSummaryList: [summary('AVAILABLE')] });
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    sfn.on(StartExecutionCommand).resolves({});

    const report = await reconcileBuilds(INPUT);

    expect(report.listed).toBe(2);
    expect(report.reconciled.map((r) => r.version)).toEqual(['1.0.0/3']);
    const pipelines = imagebuilder
      .commandCalls(ListImagePipelineImagesCommand)
      .map((c) => c.args[0].input.imagePipelineArn?.split('/').pop());
    expect(new Set(pipelines)).toEqual(new Set(Object.keys(catalog.images).map((i) => `goldsmith-${i}`)));
  });

  it('does not act on a listed build that Image Builder says is not ours', async () => {
    listBase([summary('AVAILABLE')]);
    const foreign = getImageOutput();
    foreign.image.sourcePipelineArn = `arn:aws:imagebuilder:us-east-1:${ACCOUNT}:image-pipeline/someone-else`;
    foreign.image.tags = { 'goldsmith:image': 'not-in-catalog' };
    imagebuilder.on(GetImageCommand).resolves(foreign);

    const report = await reconcileBuilds(INPUT);

    expect(report.reconciled).toEqual([]);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
    // Nothing about the build: the ledger holds only the run's own bookkeeping (the migration, the pipelines' listing).
    expect([...ledger.keys()].sort()).toEqual(['FACTORY#audit|SWEEP#pipelines', 'MIGRATIONS|FORMAT#2']);
  });

  it('reconciles the other builds and then fails the run when one build cannot be reconciled', async () => {
    const other = BUILD_ARN.replace(/3$/, '4');
    listBase([summary('AVAILABLE'), summary('AVAILABLE', { arn: other, dateCreated: daysAgo(1) })]);
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    sfn
      .on(StartExecutionCommand, { name: executionNameFor(BUILD_ARN) })
      .rejects(new Error('Rate exceeded'))
      .on(StartExecutionCommand, { name: executionNameFor(other) })
      .resolves({});

    await expect(reconcileBuilds(INPUT)).rejects.toThrow(/1 build\(s\) could not be reconciled.*Rate exceeded/);
    expect(ledger.has('IMAGE#base|RECONCILED#1.0.0/4#AVAILABLE')).toBe(true);
    expect(ledger.has('IMAGE#base|RECONCILED#1.0.0/3#AVAILABLE')).toBe(false);
  });

  it('rejects an input that is not the schedule', async () => {
    await expect(reconcileBuilds({ reconcile: 'image-builds', windowDays: 400 })).rejects.toThrow();
    expect(imagebuilder).not.toHaveReceivedCommand(ListImagePipelineImagesCommand);
  });
});
