import { DescribeImagesCommand } from '@aws-sdk/client-ec2';
import {
  CancelImageCreationCommand,
  DeleteImageCommand,
  GetComponentCommand,
  GetImageCommand,
  ListImagePackagesCommand,
  ListImageScanFindingsCommand,
  paginateListImagePackages,
  paginateListImagePipelineImages,
  StartImagePipelineExecutionCommand,
} from '@aws-sdk/client-imagebuilder';
import { afterEach, describe, expect, it } from 'vitest';
import { ec2Client } from '../../../aws/clients/ec2.js';
import { imagebuilderClient } from '../../../aws/clients/imagebuilder.js';
import type { AwsEvent } from '../../../local/fakes/imagebuilder-model.js';
import { withdrawViolations } from '../../../local/models/request-check.js';
import { ACCOUNT, localCloud, resetClients } from './helpers.js';

const R = 'us-east-1';
const TOPIC = `arn:aws:sns:${R}:${ACCOUNT}:goldsmith-imagebuilder`;
const PIPELINE = `arn:aws:imagebuilder:${R}:${ACCOUNT}:image-pipeline/goldsmith-base`;
const MIN = 60_000;

function cloud() {
  const local = localCloud({
    topics: [TOPIC],
    pipelines: [
      { name: 'goldsmith-base', image: 'base', regions: [R, 'eu-west-1'], recipeVersion: '1.2.0', snsTopicArn: TOPIC },
    ],
    durations: { pendingMs: MIN, buildingMs: 20 * MIN, testingMs: 10 * MIN, distributingMs: 5 * MIN },
  });
  const events: AwsEvent[] = [];
  local.fakes.imagebuilder.onEvent((e) => events.push(e));
  return { ...local, events };
}

const start = (clientToken: string) =>
  imagebuilderClient(R).send(new StartImagePipelineExecutionCommand({ imagePipelineArn: PIPELINE, clientToken }));

describe('ImageBuilderFake', () => {
  afterEach(resetClients);

  it('answers ResourceNotFoundException for unknown pipelines and images', async () => {
    cloud();
    const ib = imagebuilderClient(R);
    await expect(
      ib.send(new StartImagePipelineExecutionCommand({ imagePipelineArn: `${PIPELINE}-nope`, clientToken: 't1' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
    const unknownImage = `arn:aws:imagebuilder:${R}:${ACCOUNT}:image/base/1.2.0/9`;
    await expect(ib.send(new GetImageCommand({ imageBuildVersionArn: unknownImage }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(ib.send(new GetImageCommand({ imageBuildVersionArn: 'not-an-arn' }))).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
    });
    // Deliberately invalid: the request check must have seen it break the ARN pattern.
    expect(withdrawViolations((v) => v.path === 'imageBuildVersionArn' && v.rule === 'pattern')).toHaveLength(1);
  });

  it("answers GetImage with the recipe's parent and components as the pipeline's recipe names them", async () => {
    const agents = `arn:aws:imagebuilder:${R}:${ACCOUNT}:component/goldsmith-base-agents-9c1e/1.0.0/1`;
    const update = `arn:aws:imagebuilder:${R}:aws:component/update-linux/x.x.x`;
    const parent = 'ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
    const { clock } = localCloud({
      pipelines: [
        {
          name: 'goldsmith-base',
          image: 'base',
          regions: [R],
          recipeName: 'goldsmith-base-3f9a2c1d',
          recipeVersion: '1.2.0',
          parentImage: parent,
          componentArns: [update, agents],
        },
      ],
    });
    const { imageBuildVersionArn } = await start('token-recipe');
    await clock.run(clock.now() + 60 * MIN);

    const image = (await imagebuilderClient(R).send(new GetImageCommand({ imageBuildVersionArn }))).image;
    expect(image?.state?.status).toBe('AVAILABLE');

    expect(image?.imageRecipe).toMatchObject({
      arn: `arn:aws:imagebuilder:${R}:${ACCOUNT}:image-recipe/goldsmith-base-3f9a2c1d/1.2.0`,
      name: 'goldsmith-base-3f9a2c1d',
      version: '1.2.0',
      parentImage: parent,
      components: [{ componentArn: update }, { componentArn: agents }],
    });
    expect(image?.containerRecipe).toBeUndefined();
    expect(image?.osVersion).toBe('Amazon Linux 2023');
  });

  it('GetComponent resolves an AWS-managed version filter to its latest build version, as AWS documents', async () => {
    cloud();
    const ib = imagebuilderClient(R);
    const get = (arn: string) => ib.send(new GetComponentCommand({ componentBuildVersionArn: arn }));

    const latest = (await get(`arn:aws:imagebuilder:${R}:aws:component/update-linux/x.x.x`)).component;
    const pinned = (await get(`arn:aws:imagebuilder:${R}:aws:component/update-linux/1.0.1/1`)).component;

    expect(latest).toMatchObject({
      arn: `arn:aws:imagebuilder:${R}:aws:component/update-linux/1.0.2/1`,
      version: '1.0.2',
      dateCreated: expect.any(String),
    });
    expect(pinned?.version).toBe('1.0.1');
    await expect(get(`arn:aws:imagebuilder:${R}:aws:component/update-linux/2.x.x`)).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(get('arn:aws:imagebuilder:us-east-1:aws:component/Update Linux')).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
    });
    // Deliberately invalid: the request check must have seen it break the ARN pattern.
    expect(withdrawViolations((v) => v.path === 'componentBuildVersionArn' && v.rule === 'pattern')).toHaveLength(1);
  });

  it('returns the same build for the same clientToken and a new one for a new token', async () => {
    const { fakes } = cloud();
    const a = await start('token-1');
    const again = await start('token-1');
    const b = await start('token-2');
    expect(a.imageBuildVersionArn).toBe(`arn:aws:imagebuilder:${R}:${ACCOUNT}:image/base/1.2.0/1`);
    expect(again).toMatchObject({ clientToken: 'token-1', imageBuildVersionArn: a.imageBuildVersionArn });
    expect(b.imageBuildVersionArn).toMatch(/\/1\.2\.0\/2$/);
    expect(fakes.imagebuilder.builds.size).toBe(2);
  });

  it('takes the clientToken the SDK fills in when the caller leaves it out: a new build for each start', async () => {
    const { fakes } = cloud();
    const ib = imagebuilderClient(R);
    const a = await ib.send(new StartImagePipelineExecutionCommand({ imagePipelineArn: PIPELINE }));
    const b = await ib.send(new StartImagePipelineExecutionCommand({ imagePipelineArn: PIPELINE }));
    expect(a.clientToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.clientToken).not.toBe(a.clientToken);
    expect(fakes.imagebuilder.builds.size).toBe(2);
  });

  it('walks PENDING → AVAILABLE on the virtual clock, emitting AWS-shaped events and the SNS message', async () => {
    const { clock, events, fakes } = cloud();
    const t0 = clock.now();
    const { imageBuildVersionArn: arn } = await start('token-1');
    await clock.run(t0 + 32 * MIN);
    const ib = imagebuilderClient(R);
    expect((await ib.send(new GetImageCommand({ imageBuildVersionArn: arn }))).image?.state?.status).toBe(
      'DISTRIBUTING',
    );
    await clock.run(t0 + 40 * MIN);
    expect(events.map((e) => [e.detail['previous-state'], e.detail.state, (Date.parse(e.time) - t0) / MIN])).toEqual([
      [{ status: 'PENDING' }, { status: 'BUILDING' }, 1],
      [{ status: 'BUILDING' }, { status: 'TESTING' }, 21],
      [{ status: 'TESTING' }, { status: 'DISTRIBUTING' }, 31],
      [{ status: 'DISTRIBUTING' }, { status: 'AVAILABLE' }, 36],
    ]);
    expect(events[0]).toMatchObject({
      version: '0',
      'detail-type': 'EC2 Image Builder Image State Change',
      source: 'aws.imagebuilder',
      account: ACCOUNT,
      region: R,
      resources: [arn],
    });
    const image = (await ib.send(new GetImageCommand({ imageBuildVersionArn: arn }))).image!;
    expect(image).toMatchObject({
      version: '1.2.0/1',
      sourcePipelineArn: PIPELINE,
      scanState: { status: 'COMPLETED' },
    });
    const amis = image.outputResources?.amis ?? [];
    expect(amis.map((a) => a.region)).toEqual([R, 'eu-west-1']);
    const described = await ec2Client('eu-west-1').send(new DescribeImagesCommand({ ImageIds: [amis[1]!.image!] }));
    expect(described.Images?.[0]?.Tags).toContainEqual({ Key: 'Ec2ImageBuilderArn', Value: arn });
    const message = fakes.sns.messages.find((m) => m.topicArn === TOPIC);
    expect(message?.message).toMatch(/"semver": \d{20,}/);
    expect(JSON.parse(message!.message)).toMatchObject({
      arn,
      version: '1.2.0',
      buildVersion: 1,
      state: { status: 'AVAILABLE' },
    });
  });

  it('fails the next builds of an image when a scenario says so, with the reason in the event', async () => {
    const { clock, events, fakes } = cloud();
    fakes.imagebuilder.failNext('base', 'component update-linux failed', 1);
    const failed = await start('token-1');
    const ok = await start('token-2');
    await clock.run(clock.now() + 60 * MIN);
    const last = (arn: string) => events.filter((e) => e.resources[0] === arn).at(-1)?.detail.state;
    expect(last(failed.imageBuildVersionArn!)).toEqual({ status: 'FAILED', reason: 'component update-linux failed' });
    expect(last(ok.imageBuildVersionArn!)).toEqual({ status: 'AVAILABLE' });
    const image = await imagebuilderClient(R).send(
      new GetImageCommand({ imageBuildVersionArn: failed.imageBuildVersionArn }),
    );
    expect(image.image?.outputResources?.amis).toEqual([]);
    expect(JSON.parse(fakes.sns.messages[0]!.message).state.status).toBe('FAILED');
  });

  it('cancels a build in progress and refuses to cancel a finished one', async () => {
    const { clock, events } = cloud();
    const { imageBuildVersionArn: arn } = await start('token-1');
    const ib = imagebuilderClient(R);
    await clock.run(clock.now() + 5 * MIN);
    await ib.send(new CancelImageCreationCommand({ imageBuildVersionArn: arn, clientToken: 'c1' }));
    await clock.run(clock.now() + 60 * MIN);
    expect(events.map((e) => e.detail.state)).toEqual([
      { status: 'BUILDING' },
      { status: 'CANCELLED', reason: 'Cancelled by request' },
    ]);
    await expect(
      ib.send(new CancelImageCreationCommand({ imageBuildVersionArn: arn, clientToken: 'c2' })),
    ).rejects.toMatchObject({
      name: 'ResourceInUseException',
    });
  });

  it('refuses to delete a running build and forgets a finished one it deleted (its AMIs stay in EC2)', async () => {
    const { clock, fakes } = cloud();
    const { imageBuildVersionArn: arn } = await start('token-1');
    const ib = imagebuilderClient(R);
    await expect(ib.send(new DeleteImageCommand({ imageBuildVersionArn: arn }))).rejects.toMatchObject({
      name: 'ResourceDependencyException',
    });
    await clock.run(clock.now() + 60 * MIN);
    const amis = fakes.imagebuilder.builds.get(arn ?? '')?.amis ?? [];
    await ib.send(new DeleteImageCommand({ imageBuildVersionArn: arn }));
    await expect(ib.send(new GetImageCommand({ imageBuildVersionArn: arn }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(amis.length).toBeGreaterThan(0);
    for (const a of amis) expect(fakes.ec2.images.has(a.image)).toBe(true);
  });

  it('reports scenario findings for the next scanned build only, filtered by build ARN and paginated', async () => {
    const { clock, fakes } = cloud();
    fakes.imagebuilder.setFindings('base', { critical: 2, high: 30, medium: 1 });
    const first = await start('token-1');
    await clock.run(clock.now() + 60 * MIN);
    const second = await start('token-2');
    await clock.run(clock.now() + 60 * MIN);
    const ib = imagebuilderClient(R);
    const list = async (arn: string) => {
      const all: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await ib.send(
          new ListImageScanFindingsCommand({
            filters: [{ name: 'imageBuildVersionArn', values: [arn] }],
            maxResults: 25,
            nextToken,
          }),
        );
        for (const f of page.findings ?? []) all.push(f.severity!);
        nextToken = page.nextToken;
      } while (nextToken);
      return all;
    };
    const severities = await list(first.imageBuildVersionArn!);
    expect(severities.filter((s) => s === 'CRITICAL')).toHaveLength(2);
    expect(severities.filter((s) => s === 'HIGH')).toHaveLength(30);
    expect(severities.filter((s) => s === 'MEDIUM')).toHaveLength(1);
    expect(await list(second.imageBuildVersionArn!)).toEqual([]);
  });

  it('reports a published vulnerability on each build scanned with the package older than its fix, not on one holding the fix', async () => {
    const { clock, fakes } = cloud();
    const ib = imagebuilderClient(R);
    const before = await start('token-0');
    await clock.run(clock.now() + 60 * MIN);
    fakes.imagebuilder.publishVulnerability({
      id: 'CVE-2027-31415',
      package: 'openssl',
      fixedIn: '3.0.16',
      severity: 'MEDIUM',
    });
    const open = await start('token-1');
    await clock.run(clock.now() + 60 * MIN);
    fakes.imagebuilder.releasePackage('openssl', '3.0.16');
    const fixed = await start('token-2');
    await clock.run(clock.now() + 60 * MIN);
    const findingsOf = async (arn: string | undefined) =>
      (
        await ib.send(
          new ListImageScanFindingsCommand({ filters: [{ name: 'imageBuildVersionArn', values: [arn ?? ''] }] }),
        )
      ).findings ?? [];

    expect(await findingsOf(before.imageBuildVersionArn)).toEqual([]);
    const [finding, ...rest] = await findingsOf(open.imageBuildVersionArn);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      severity: 'MEDIUM',
      packageVulnerabilityDetails: {
        vulnerabilityId: 'CVE-2027-31415',
        vulnerablePackages: [
          { name: 'openssl', epoch: 1, version: '3.0.8', release: '1.amzn2023.0.18', fixedInVersion: '3.0.16' },
        ],
      },
    });
    expect(await findingsOf(fixed.imageBuildVersionArn)).toEqual([]);
  });

  it('moves every binary package of a released source package (openssl and openssl-libs), and adds an unknown one as released', async () => {
    const { clock, fakes } = cloud();
    const ib = imagebuilderClient(R);
    fakes.imagebuilder.releasePackage('openssl', '3.0.16');
    fakes.imagebuilder.releasePackage('nginx', '1.24.0');
    const { imageBuildVersionArn: arn } = await start('token-1');
    await clock.run(clock.now() + 120 * MIN);
    const listed = new Map(
      ((await ib.send(new ListImagePackagesCommand({ imageBuildVersionArn: arn }))).imagePackageList ?? []).map((p) => [
        p.packageName,
        p.packageVersion,
      ]),
    );

    expect(listed.get('openssl')).toBe('1:3.0.16-1.amzn2023');
    expect(listed.get('openssl-libs')).toBe('1:3.0.16-1.amzn2023');
    expect(listed.get('nginx')).toBe('1.24.0');
    expect(listed.get('bash')).toBe('5.2.15-1.amzn2023.0.2');
  });

  it('installs the package versions released when a build starts, not those released while it runs', async () => {
    const { clock, fakes } = cloud();
    const ib = imagebuilderClient(R);
    const opensslOf = async (arn: string | undefined) =>
      (await ib.send(new ListImagePackagesCommand({ imageBuildVersionArn: arn }))).imagePackageList?.find(
        (p) => p.packageName === 'openssl',
      )?.packageVersion;
    const { imageBuildVersionArn: early } = await start('token-1');
    fakes.imagebuilder.releasePackage('openssl', '3.0.20');
    const { imageBuildVersionArn: late } = await start('token-2');
    await clock.run(clock.now() + 120 * MIN);

    expect(await opensslOf(early)).toBe('1:3.0.8-1.amzn2023.0.18');
    // Packaged as the distribution packages it: the replaced version's epoch and distribution tag.
    expect(await opensslOf(late)).toBe('1:3.0.20-1.amzn2023');
  });

  it('lists the packages of a distributed AMI build across pages, as the scenario set them', async () => {
    const { clock, fakes } = cloud();
    const { imageBuildVersionArn: before } = await start('token-1');
    const ib = imagebuilderClient(R);
    // Systems Manager Inventory runs on the build instance: nothing is listed before the build is done.
    expect((await ib.send(new ListImagePackagesCommand({ imageBuildVersionArn: before }))).imagePackageList).toEqual(
      [],
    );
    await clock.run(clock.now() + 60 * MIN);
    fakes.imagebuilder.setPackages(
      'base',
      Array.from({ length: 30 }, (_, i) => ({ packageName: `pkg-${i}`, packageVersion: `1.${i}-1.amzn2023` })),
    );
    const { imageBuildVersionArn: after } = await start('token-2');
    await clock.run(clock.now() + 60 * MIN);

    const list = async (arn: string | undefined) => {
      const names: string[] = [];
      const pages = paginateListImagePackages({ client: ib, pageSize: 25 }, { imageBuildVersionArn: arn });
      for await (const page of pages) for (const p of page.imagePackageList ?? []) names.push(p.packageName ?? '');
      return names;
    };
    expect(await list(before)).toContain('openssl');
    const all = await list(after);
    expect(all).toHaveLength(30);
    expect(new Set(all).size).toBe(30);
    await expect(
      ib.send(new ListImagePackagesCommand({ imageBuildVersionArn: after, nextToken: 'bogus' })),
    ).rejects.toMatchObject({ name: 'InvalidPaginationTokenException' });
    await expect(
      ib.send(
        new ListImagePackagesCommand({
          imageBuildVersionArn: `arn:aws:imagebuilder:${R}:${ACCOUNT}:image/base/1.2.0/9`,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('lists every image of a pipeline across pages', async () => {
    const { clock } = cloud();
    for (let i = 0; i < 7; i++) await start(`token-${i}`);
    await clock.run(clock.now() + 60 * MIN);
    const versions: string[] = [];
    for await (const page of paginateListImagePipelineImages(
      { client: imagebuilderClient(R), pageSize: 3 },
      { imagePipelineArn: PIPELINE },
    )) {
      for (const s of page.imageSummaryList ?? []) versions.push(`${s.version} ${s.state?.status}`);
    }
    expect(versions).toEqual(Array.from({ length: 7 }, (_, i) => `1.2.0/${i + 1} AVAILABLE`));
  });

  it('outputs container image URIs per region for a CONTAINER pipeline, and no AMIs', async () => {
    const events: AwsEvent[] = [];
    const { clock, fakes } = localCloud({
      pipelines: [
        { name: 'web-runtime', type: 'CONTAINER', regions: [R, 'eu-west-1'], repository: 'golden/web-runtime' },
      ],
      onImageEvent: (e) => events.push(e),
    });
    const pipeline = `arn:aws:imagebuilder:${R}:${ACCOUNT}:image-pipeline/web-runtime`;
    const ib = imagebuilderClient(R);
    const { imageBuildVersionArn } = await ib.send(
      new StartImagePipelineExecutionCommand({ imagePipelineArn: pipeline, clientToken: 'c' }),
    );
    await clock.run(clock.now() + 120 * MIN);
    const image = (await ib.send(new GetImageCommand({ imageBuildVersionArn }))).image!;
    expect(image.type).toBe('DOCKER');
    expect(image.outputResources?.containers?.map((c) => c.imageUris?.[0])).toEqual([
      `${ACCOUNT}.dkr.ecr.${R}.amazonaws.com/golden/web-runtime:1.0.0-1`,
      `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/golden/web-runtime:1.0.0-1`,
    ]);
    expect(fakes.ec2.images.size).toBe(2); // only the seeded public base AMIs
    expect(events.at(-1)?.detail.state).toEqual({ status: 'AVAILABLE' });
  });

  it('distributes one container build as one digest in every region, and the next build as another', async () => {
    const { clock, fakes } = localCloud({
      pipelines: [
        { name: 'web-runtime', type: 'CONTAINER', regions: [R, 'eu-west-1'], repository: 'golden/web-runtime' },
      ],
    });
    const pipeline = `arn:aws:imagebuilder:${R}:${ACCOUNT}:image-pipeline/web-runtime`;
    const ib = imagebuilderClient(R);
    for (const clientToken of ['a', 'b']) {
      await ib.send(new StartImagePipelineExecutionCommand({ imagePipelineArn: pipeline, clientToken }));
      await clock.run(clock.now() + 120 * MIN);
    }
    const first = fakes.ecr.digestOfTag(R, 'golden/web-runtime', '1.0.0-1');
    const second = fakes.ecr.digestOfTag(R, 'golden/web-runtime', '1.0.0-2');
    expect(first).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(fakes.ecr.digestOfTag('eu-west-1', 'golden/web-runtime', '1.0.0-1')).toBe(first);
    expect(fakes.ecr.digestOfTag('eu-west-1', 'golden/web-runtime', '1.0.0-2')).toBe(second);
    expect(second).not.toBe(first);
  });
});
