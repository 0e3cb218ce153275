import { GetImagePipelineCommand, StartImagePipelineExecutionCommand } from '@aws-sdk/client-imagebuilder';
import { afterEach, describe, expect, it } from 'vitest';
import { imagebuilderClient } from '../../../aws/clients/imagebuilder.js';
import { parseEvent } from '../../../events/registry.js';
import type { AwsEvent, PipelineSchedule } from '../../../local/fakes/imagebuilder-model.js';
import { ACCOUNT, localCloud, resetClients } from './helpers.js';

const R = 'us-east-1';
const PIPELINE = `arn:aws:imagebuilder:${R}:${ACCOUNT}:image-pipeline/nightly`;
const MIN = 60_000;
const DISABLED = 'EC2 Image Builder Image Pipeline Automatically Disabled';

/** One pipeline that fails every build, with `schedule` (or none, as Goldsmith's). */
function cloud(schedule?: PipelineSchedule) {
  const local = localCloud({
    pipelines: [{ name: 'nightly', image: 'nightly', regions: [R], ...(schedule ? { schedule } : {}) }],
    durations: { pendingMs: MIN, buildingMs: 20 * MIN, testingMs: 10 * MIN, distributingMs: 5 * MIN },
  });
  const events: AwsEvent[] = [];
  local.fakes.imagebuilder.onEvent((e) => events.push(e));
  const settle = () => local.clock.run(local.clock.now() + 60 * MIN);
  return { ...local, events, settle };
}

const nightly = { scheduleExpression: 'cron(0 3 * * ? *)', autoDisablePolicy: { failureCount: 2 } };
let token = 0;
const startManually = () =>
  imagebuilderClient(R).send(
    new StartImagePipelineExecutionCommand({ imagePipelineArn: PIPELINE, clientToken: `manual-${++token}` }),
  );
const pipeline = async () =>
  (await imagebuilderClient(R).send(new GetImagePipelineCommand({ imagePipelineArn: PIPELINE }))).imagePipeline;

describe("ImageBuilderFake: a pipeline's autoDisablePolicy counts scheduled executions only", () => {
  afterEach(resetClients);

  it('never counts a manual build that fails, so StartImagePipelineExecution never disables a pipeline', async () => {
    const { fakes, events, settle } = cloud(nightly);
    fakes.imagebuilder.failNext('nightly', 'component failed', 5);

    for (let i = 0; i < 5; i++) {
      await startManually();
      await settle();
    }

    expect(await pipeline()).toMatchObject({ status: 'ENABLED', consecutiveFailures: 0 });
    expect(events.filter((e) => e['detail-type'] === DISABLED)).toEqual([]);
  });

  it('disables the pipeline at failureCount scheduled failures, with the event AWS documents, and stops its schedule', async () => {
    const { fakes, events, settle } = cloud(nightly);
    fakes.imagebuilder.failNext('nightly', 'component failed', 3);

    fakes.imagebuilder.runScheduled(PIPELINE);
    await settle();
    expect(await pipeline()).toMatchObject({ status: 'ENABLED', consecutiveFailures: 1 });
    fakes.imagebuilder.runScheduled(PIPELINE);
    await settle();

    expect(await pipeline()).toMatchObject({ status: 'DISABLED', consecutiveFailures: 2 });
    const disabled = events.filter((e) => e['detail-type'] === DISABLED);
    expect(disabled).toHaveLength(1);
    const parsed = parseEvent('image-pipeline-auto-disabled', disabled[0]);
    expect(parsed.resources[0]).toBe(PIPELINE);
    expect(parsed.detail['consecutive-failures']).toBe(2);
    expect(fakes.imagebuilder.runScheduled(PIPELINE)).toBeUndefined();
  });

  it('keeps the count across a manual failure and resets it on a manual success', async () => {
    const { fakes, settle } = cloud(nightly);
    fakes.imagebuilder.failNext('nightly', 'component failed', 2);
    fakes.imagebuilder.runScheduled(PIPELINE);
    await settle();
    await startManually();
    await settle();
    expect(await pipeline()).toMatchObject({ status: 'ENABLED', consecutiveFailures: 1 });

    await startManually();
    await settle();

    expect(await pipeline()).toMatchObject({ status: 'ENABLED', consecutiveFailures: 0 });
  });

  it("has no schedule, and so no auto-disable policy, on a pipeline like Goldsmith's", async () => {
    const { fakes } = cloud();

    expect((await pipeline())?.schedule).toBeUndefined();
    expect(() => fakes.imagebuilder.runScheduled(PIPELINE)).toThrow(/has no schedule/);
  });

  it('refuses a failureCount outside 1 to 10', () => {
    expect(() => cloud({ scheduleExpression: 'cron(0 3 * * ? *)', autoDisablePolicy: { failureCount: 11 } })).toThrow(
      /failureCount must be between 1 and 10/,
    );
  });
});
