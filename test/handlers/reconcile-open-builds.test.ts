import {
  GetImageCommand,
  ListImagePipelineImagesCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-imagebuilder';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it, vi } from 'vitest';
import { recordSweep } from '../../aws/audit/sweep-ledger.js';
import { recordBuildRequested } from '../../aws/triggers/ledger.js';
import { TRANSIENT_ERROR_NAME } from '../../core/errors/classify.js';
import { onImageEvent } from '../../functions/on-image-event.js';
import { reconcileBuilds } from '../../functions/reconcile.js';
import { BUILD_ARN, getImageOutput, stateChangeEvent } from './promotion-fixtures.js';
import { INPUT, listingEvery, summary, useReconcileWorld } from './reconcile-fixtures.js';

/** The ledger records base 1.0.0/3 as started by Goldsmith (open until its final status is handled). */
async function started(): Promise<void> {
  await recordBuildRequested(
    {
      image: 'base',
      outcome: 'start',
      reason: 'monthly patch',
      trigger: 'schedule',
      changeId: 'c-1',
      dedupeKey: 'schedule#base#2027-03',
      clientToken: 't-1',
      resume: false,
    },
    { buildVersion: '1.0.0/3', buildVersionArn: BUILD_ARN },
    new Date(Date.now() - 3_600_000),
  );
}

describe('reconcileBuilds between full passes: only the builds the ledger holds open (and weekly, every pipeline)', () => {
  const { imagebuilder, sfn, ledger, listBase } = useReconcileWorld();
  const laterInTheDay = () => vi.setSystemTime(new Date('2027-03-03T12:00:00Z'));

  it('asks Image Builder about the open build alone and starts the promotion its missed AVAILABLE event would have', async () => {
    await started();
    laterInTheDay();
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });

    const report = await reconcileBuilds(INPUT);

    expect(report.fullPass).toBe(false);
    expect(imagebuilder).not.toHaveReceivedCommand(ListImagePipelineImagesCommand);
    expect(report.reconciled).toEqual([
      { image: 'base', version: '1.0.0/3', status: 'AVAILABLE', missed: 'event', result: 'promotion-started' },
    ]);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    // Handled now, so closed: the next run asks Image Builder nothing.
    expect(ledger.get('IMAGE#base|BUILD#1.0.0/3')?.openWork).toBeUndefined();
    imagebuilder.resetHistory();
    await reconcileBuilds(INPUT);
    expect(imagebuilder.calls()).toHaveLength(0);
  });

  it('leaves a build the ledger never recorded to the day’s full pass, which finds it', async () => {
    listBase([summary('AVAILABLE')]);
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });
    laterInTheDay();

    const between = await reconcileBuilds(INPUT);
    expect(between.listed).toBe(0);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);

    vi.setSystemTime(new Date('2027-03-04T00:00:00Z'));
    const full = await reconcileBuilds(INPUT);
    expect(full.fullPass).toBe(true);
    expect(full.reconciled.map((r) => r.status)).toEqual(['AVAILABLE']);
  });

  it('closes a build whose final status on-image-event handled, without asking Image Builder again', async () => {
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });
    await started();
    await onImageEvent(stateChangeEvent('AVAILABLE'));
    expect(ledger.get('IMAGE#base|BUILD#1.0.0/3')?.openWork).toBeUndefined();
    laterInTheDay();
    imagebuilder.resetHistory();

    const report = await reconcileBuilds(INPUT);

    expect(report.listed).toBe(0);
    expect(imagebuilder.calls()).toHaveLength(0);
  });

  it('fails the run with a transient error when only a service being down stopped it, so its dead letter is re-driven', async () => {
    await started();
    laterInTheDay();
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    sfn
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }));

    await expect(reconcileBuilds(INPUT)).rejects.toMatchObject({
      name: TRANSIENT_ERROR_NAME,
      message: /1 build\(s\) could not be reconciled: base 1.0.0\/3 AVAILABLE: ServiceUnavailable/,
    });
    expect(ledger.get('IMAGE#base|BUILD#1.0.0/3')?.openWork).toBe('unfinished-build');
  });

  it('leaves a build still running open, and asks about it again next time', async () => {
    await started();
    laterInTheDay();
    imagebuilder.on(GetImageCommand).resolves(getImageOutput('BUILDING'));

    const report = await reconcileBuilds(INPUT);

    expect(report.reconciled).toEqual([]);
    expect(ledger.get('IMAGE#base|BUILD#1.0.0/3')?.openWork).toBe('unfinished-build');
  });

  const weekly = () => {
    process.env.GOLDSMITH_CATALOG = JSON.stringify(listingEvery('7d'));
  };

  it("lists every pipeline on the first day's pass, then on the day's pass a period after the last listing", async () => {
    weekly();
    listBase([summary('AVAILABLE')]);
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });

    // Never listed: the first day's pass lists every pipeline and acts on what it finds.
    const first = await reconcileBuilds(INPUT);
    expect(first.fullPass).toBe(true);
    expect(imagebuilder).toHaveReceivedCommand(ListImagePipelineImagesCommand);
    expect(first.reconciled.map((r) => r.status)).toEqual(['AVAILABLE']);

    // The next six days' passes list nothing; the seventh day's does.
    for (const day of ['04', '09']) {
      imagebuilder.resetHistory();
      vi.setSystemTime(new Date(`2027-03-${day}T00:30:00Z`));
      expect((await reconcileBuilds(INPUT)).fullPass).toBe(true);
      expect(imagebuilder).not.toHaveReceivedCommand(ListImagePipelineImagesCommand);
    }
    vi.setSystemTime(new Date('2027-03-10T00:30:00Z'));
    await reconcileBuilds(INPUT);
    expect(imagebuilder).toHaveReceivedCommand(ListImagePipelineImagesCommand);
  });

  it('lists every pipeline again the next day when a build the listing found could not be acted on', async () => {
    weekly();
    listBase([summary('AVAILABLE')]);
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    const down = Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' });
    sfn.on(StartExecutionCommand).rejectsOnce(down).resolves({ executionArn: 'arn:exec' });

    await expect(reconcileBuilds(INPUT)).rejects.toThrow(/could not be reconciled/);
    expect(imagebuilder).toHaveReceivedCommand(ListImagePipelineImagesCommand);

    imagebuilder.resetHistory();
    vi.setSystemTime(new Date('2027-03-04T00:30:00Z'));
    const next = await reconcileBuilds(INPUT);
    expect(imagebuilder).toHaveReceivedCommand(ListImagePipelineImagesCommand);
    expect(next.reconciled.map((r) => [r.version, r.status])).toEqual([['1.0.0/3', 'AVAILABLE']]);
  });

  it("lists on the day's pass when the last listing is recorded in the future, and records today's over it", async () => {
    weekly();
    listBase([summary('AVAILABLE')]);
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });
    // A time no run wrote (someone with the ledger's write rights): taken at its word, nothing would list until 9999.
    await recordSweep('pipelines', '9999-12-31T00:00:00.000Z');

    await reconcileBuilds(INPUT);
    expect(imagebuilder).toHaveReceivedCommand(ListImagePipelineImagesCommand);
    expect(ledger.get('FACTORY#audit|SWEEP#pipelines')?.sweptAt).toBe('2027-03-03T02:00:00.000Z');
  });

  it('does not count a listing that looked back less than the schedule does', async () => {
    weekly();
    listBase([summary('AVAILABLE')]);
    imagebuilder.on(GetImageCommand).resolves(getImageOutput());
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });

    await reconcileBuilds({ ...INPUT, windowDays: 0.5 });
    expect(imagebuilder).toHaveReceivedCommand(ListImagePipelineImagesCommand);
    expect(ledger.get('FACTORY#audit|SWEEP#pipelines')).toBeUndefined();
    // The next run with the schedule's window lists again.
    imagebuilder.resetHistory();
    await reconcileBuilds(INPUT);
    expect(imagebuilder).toHaveReceivedCommand(ListImagePipelineImagesCommand);
  });

  it("lists the pipeline of an open build Image Builder no longer describes, on the day's pass, and acts on what it lists", async () => {
    weekly();
    await started();
    const gone = new ResourceNotFoundException({ message: 'no such image', $metadata: {} });
    // Not described by either run's look at the open build; described when the promotion reads its outputs.
    imagebuilder.on(GetImageCommand).rejectsOnce(gone).rejectsOnce(gone).resolves(getImageOutput());
    listBase([summary('AVAILABLE')]);
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });

    // Every pipeline was listed the day before: today's pass lists only the overdue build's pipeline.
    await recordSweep('pipelines', '2027-03-02T00:30:00.000Z');
    vi.setSystemTime(new Date('2027-03-03T12:00:00Z'));
    const later = await reconcileBuilds(INPUT);
    expect(later.reconciled).toEqual([]);
    expect(imagebuilder).not.toHaveReceivedCommand(ListImagePipelineImagesCommand);

    vi.setSystemTime(new Date('2027-03-03T00:30:00Z'));
    const dayPass = await reconcileBuilds(INPUT);
    expect(imagebuilder).toHaveReceivedCommandTimes(ListImagePipelineImagesCommand, 1);
    expect(dayPass.reconciled.map((r) => [r.version, r.status])).toEqual([['1.0.0/3', 'AVAILABLE']]);
  });
});
