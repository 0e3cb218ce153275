import { DescribeImagesCommand } from '@aws-sdk/client-ec2';
import {
  GetImageCommand,
  ListImagePackagesCommand,
  StartImagePipelineExecutionCommand,
} from '@aws-sdk/client-imagebuilder';
import { afterEach, describe, expect, it } from 'vitest';
import { ec2Client } from '../../../aws/clients/ec2.js';
import { imagebuilderClient } from '../../../aws/clients/imagebuilder.js';
import type { PipelineSpec } from '../../../local/fakes/imagebuilder-model.js';
import { ACCOUNT, localCloud, resetClients } from './helpers.js';

const R = 'us-east-1';
const PIPELINE = `arn:aws:imagebuilder:${R}:${ACCOUNT}:image-pipeline/goldsmith-app`;
const MANAGED = (name: string) => `arn:aws:imagebuilder:${R}:aws:component/${name}/x.x.x`;
const MIN = 60_000;

const app = (spec: Partial<PipelineSpec>): PipelineSpec => ({
  name: 'goldsmith-app',
  image: 'app',
  regions: [R],
  ...spec,
});

async function build(token: string) {
  const { imageBuildVersionArn } = await imagebuilderClient(R).send(
    new StartImagePipelineExecutionCommand({ imagePipelineArn: PIPELINE, clientToken: token }),
  );
  return imageBuildVersionArn as string;
}

const imageOf = async (arn: string) =>
  (await imagebuilderClient(R).send(new GetImageCommand({ imageBuildVersionArn: arn }))).image;

describe('Image Builder fake: platforms and architectures', () => {
  afterEach(resetClients);

  it("refuses a recipe with a managed component of another platform than the parent image's, registering nothing", () => {
    const windows = app({ platform: 'Windows', componentArns: [MANAGED('update-windows'), MANAGED('reboot-linux')] });

    expect(() => localCloud({ pipelines: [windows] })).toThrow(
      expect.objectContaining({
        name: 'InvalidParameterValueException',
        message: `The value supplied for parameter 'components' is not valid. Component ARN '${MANAGED('reboot-linux')}' is for platform Linux, which does not match the platform Windows of the parent image.`,
      }),
    );
    const { fakes } = localCloud({ pipelines: [] });
    expect(() => fakes.imagebuilder.registerPipeline(windows)).toThrow(/parameter 'components' is not valid/);
    expect(fakes.imagebuilder.pipelines.size).toBe(0);
  });

  it("fails a build whose instance type does not run the AMI, with EC2's refusal, and distributes nothing", async () => {
    const { clock } = localCloud({ pipelines: [app({ architecture: 'x86_64', instanceTypes: ['m7g.large'] })] });

    const arn = await build('graviton-1');
    await clock.run(clock.now() + 90 * MIN);

    const image = await imageOf(arn);
    expect(image?.state).toEqual({
      status: 'FAILED',
      reason: expect.stringContaining(
        "on instance type m7g.large: InvalidParameterValue: The architecture 'arm64' of the specified instance type does not match the architecture 'x86_64' of the specified AMI.",
      ),
    });
    expect(image?.outputResources?.amis ?? []).toEqual([]);
    const owned = await ec2Client(R).send(new DescribeImagesCommand({ Owners: ['self'] }));
    expect(owned.Images ?? []).toEqual([]);
  });

  it('launches on each listed type in turn: a list that mixes architectures fails the builds that land on the other', async () => {
    const { clock } = localCloud({ pipelines: [app({ instanceTypes: ['m7i.large', 'm7g.large'] })] });

    const first = await build('mixed-1');
    await clock.run(clock.now() + 90 * MIN);
    const second = await build('mixed-2');
    await clock.run(clock.now() + 90 * MIN);

    expect((await imageOf(first))?.state?.status).toBe('AVAILABLE');
    expect((await imageOf(second))?.state).toMatchObject({
      status: 'FAILED',
      reason: expect.stringContaining('m7g.large'),
    });
  });

  it("distributes AMIs of the parent's architecture and platform, as DescribeImages shows them", async () => {
    const windows = app({ platform: 'Windows', componentArns: [MANAGED('update-windows')] });
    const { clock } = localCloud({
      pipelines: [windows, { ...app({ architecture: 'arm64', instanceTypes: ['m7g.large'] }), name: 'goldsmith-arm' }],
    });

    const arn = await build('windows-1');
    const arm = await imagebuilderClient(R).send(
      new StartImagePipelineExecutionCommand({
        imagePipelineArn: PIPELINE.replace('app', 'arm'),
        clientToken: 'arm-1',
      }),
    );
    await clock.run(clock.now() + 90 * MIN);

    const amis = [arn, arm.imageBuildVersionArn as string];
    const ids = await Promise.all(
      amis.map(async (a) => (await imageOf(a))?.outputResources?.amis?.[0]?.image as string),
    );
    const { Images = [] } = await ec2Client(R).send(new DescribeImagesCommand({ ImageIds: ids }));
    expect(Images.map((i) => [i.Architecture, i.Platform])).toEqual([
      ['x86_64', 'Windows'],
      ['arm64', undefined],
    ]);
  });

  it('lists what a Windows build instance holds, and no Linux package, as its packages', async () => {
    const { clock } = localCloud({
      pipelines: [app({ platform: 'Windows', componentArns: [MANAGED('update-windows')] })],
    });

    const arn = await build('windows-packages');
    await clock.run(clock.now() + 90 * MIN);

    const { imagePackageList = [] } = await imagebuilderClient(R).send(
      new ListImagePackagesCommand({ imageBuildVersionArn: arn }),
    );
    expect(imagePackageList.map((p) => p.packageName)).toEqual(['Amazon SSM Agent', 'Amazon EC2Launch']);
  });

  it('launches a container build on any type: its parent has no single architecture', async () => {
    const { clock } = localCloud({ pipelines: [app({ type: 'CONTAINER', instanceTypes: ['m7g.large'] })] });

    const arn = await build('container-1');
    await clock.run(clock.now() + 90 * MIN);

    expect((await imageOf(arn))?.state?.status).toBe('AVAILABLE');
  });
});
