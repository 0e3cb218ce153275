import {
  GetComponentCommand,
  GetImageCommand,
  ImagebuilderClient,
  ListImagePackagesCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-imagebuilder';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { configureClients } from '../../aws/clients/registry.js';
import { contentOf } from '../../core/sbom/ledger-content.js';
import { onImageEvent } from '../../functions/on-image-event.js';
import { VirtualClock } from '../../local/clock.js';
import { installFakes } from '../../local/fakes/install.js';
import type { S3Fake } from '../../local/fakes/s3.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';
import { BUILD_ARN, catalog, getImageOutput, stateChangeEvent } from './promotion-fixtures.js';

const RECIPE_ARN = 'arn:aws:imagebuilder:us-east-1:111122223333:image-recipe/goldsmith-base-3f9a2c1d/1.0.0';
const AGENTS = 'arn:aws:imagebuilder:us-east-1:111122223333:component/goldsmith-base-agents-9c1e/1.0.0/1';
const UPDATE = 'arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x';
const PARENT = 'ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
/** The build version GetComponent resolves update-linux's x.x.x to, published before the build was created. */
const UPDATE_BUILD = 'arn:aws:imagebuilder:us-east-1:aws:component/update-linux/1.0.2/1';

/** GetImage of the AVAILABLE build with its recipe, as Image Builder answers it. */
function withRecipe() {
  const out = getImageOutput();
  return {
    ...out,
    image: {
      ...out.image,
      type: 'AMI' as const,
      osVersion: 'Amazon Linux 2023',
      imageRecipe: {
        arn: RECIPE_ARN,
        name: 'goldsmith-base-3f9a2c1d',
        version: '1.0.0',
        parentImage: PARENT,
        components: [{ componentArn: UPDATE }, { componentArn: AGENTS }],
      },
    },
  };
}

/** 60 packages, as ListImagePackages lists them 25 a page. */
const PACKAGES = Array.from({ length: 60 }, (_, i) => ({
  packageName: `pkg-${String(i).padStart(2, '0')}`,
  packageVersion: `1.${i}-1.amzn2023`,
}));

const dynamo = useLocalDynamo();
const SBOM_BUCKET = 'goldsmith-test-sbom-111122223333-us-east-1';

/** Every item of base's partition in the ledger. */
async function partition(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const pages = paginateQuery(
    { client: documentClient() },
    { TableName: 'ledger', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'IMAGE#base' } },
  );
  for await (const page of pages) items.push(...(page.Items ?? []));
  return items;
}

describe('what a version is made of, recorded when its build becomes AVAILABLE', () => {
  const imagebuilder = mockClient(ImagebuilderClient);
  const sfn = mockClient(SFNClient);
  const sns = mockClient(SNSClient);

  let s3: S3Fake;

  beforeEach(async () => {
    await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
    // The ledger in dynalite, S3 the local fake with the stage's SBOM bucket.
    const local = installFakes({ clock: new VirtualClock('2027-01-18T17:50:56Z'), accountId: '111122223333' });
    local.fakes.s3.createBucket(SBOM_BUCKET, true);
    s3 = local.fakes.s3;
    const dynamodb = { endpoint: dynamo.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
    configureClients({
      ...local.clientSettings,
      overrides: { ...local.clientSettings.overrides, dynamodb: { ...dynamodb, maxAttempts: 1 } },
    });
    process.env.SBOM_BUCKET = SBOM_BUCKET;
    process.env.LEDGER_TABLE = 'ledger';
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
    process.env.STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:promotion';
    process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
    imagebuilder.on(GetImageCommand).resolves(withRecipe());
    imagebuilder
      .on(GetComponentCommand, { componentBuildVersionArn: UPDATE })
      .resolves({ component: { arn: UPDATE_BUILD, version: '1.0.2', dateCreated: '2024-03-01T00:00:00.000Z' } });
    imagebuilder
      .on(ListImagePackagesCommand)
      .resolvesOnce({ imagePackageList: PACKAGES.slice(0, 25), nextToken: 'p2' })
      .resolvesOnce({ imagePackageList: PACKAGES.slice(25, 50), nextToken: 'p3' })
      .resolvesOnce({ imagePackageList: PACKAGES.slice(50) });
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  afterEach(() => {
    delete process.env.SBOM_BUCKET;
    imagebuilder.reset();
    sfn.reset();
    sns.reset();
  });

  it('keeps the recipe, parent, components and all 60 packages listed over three pages', async () => {
    await onImageEvent(stateChangeEvent('AVAILABLE'));

    const content = contentOf(await partition(), '1.0.0/3');
    expect(imagebuilder).toHaveReceivedCommandTimes(ListImagePackagesCommand, 3);
    expect(content).toMatchObject({
      image: 'base',
      version: '1.0.0/3',
      kind: 'ami',
      buildVersionArn: BUILD_ARN,
      builtAt: '2027-01-18T17:50:56Z',
      recipe: { name: 'goldsmith-base-3f9a2c1d', version: '1.0.0' },
      parent: PARENT,
      osVersion: 'Amazon Linux 2023',
      components: [
        { name: 'update-linux', version: '1.0.2/1', arn: UPDATE_BUILD, requested: UPDATE },
        { name: 'goldsmith-base-agents-9c1e', version: '1.0.0/1', arn: AGENTS },
      ],
      packageSource: 'imagebuilder',
    });
    // Only the version filter is resolved: the account's own component is named by its build version already.
    expect(imagebuilder).toHaveReceivedCommandTimes(GetComponentCommand, 1);
    expect(content?.packages).toHaveLength(60);
    expect(content?.packages).toContainEqual({ name: 'pkg-59', version: '1.59-1.amzn2023' });
  });

  it('keeps x.x.x where the version GetComponent answers was published after the build, or is not found', async () => {
    imagebuilder.on(GetComponentCommand, { componentBuildVersionArn: UPDATE }).resolves({
      component: {
        arn: 'arn:aws:imagebuilder:us-east-1:aws:component/update-linux/1.0.3/1',
        dateCreated: '2027-03-01T00:00:00.000Z',
      },
    });

    await onImageEvent(stateChangeEvent('AVAILABLE'));

    expect(contentOf(await partition(), '1.0.0/3')?.components[0]).toEqual({
      name: 'update-linux',
      version: 'x.x.x',
      arn: UPDATE,
    });
    imagebuilder
      .on(GetComponentCommand)
      .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    await onImageEvent({ ...stateChangeEvent('AVAILABLE'), time: '2027-01-18T18:20:00Z' });
    expect(contentOf(await partition(), '1.0.0/3')?.components[0]?.version).toBe('x.x.x');
  });

  it('leaves out a package whose name would forge an inventory line, and records how many it left out', async () => {
    imagebuilder.reset();
    imagebuilder.on(GetImageCommand).resolves(withRecipe());
    imagebuilder.on(ListImagePackagesCommand).resolves({
      imagePackageList: [
        { packageName: 'openssl', packageVersion: '1:3.0.8-1.amzn2023.0.18' },
        { packageName: 'zz\nopenssl', packageVersion: '9:99' },
        { packageName: 'curl', packageVersion: '8.5.0\t1' },
      ],
    });

    await onImageEvent(stateChangeEvent('AVAILABLE'));

    const items = await partition();
    expect(contentOf(items, '1.0.0/3')?.packages).toEqual([
      expect.objectContaining({ name: 'openssl', version: '1:3.0.8-1.amzn2023.0.18' }),
    ]);
    expect(items.find((i) => String(i.sk).startsWith('INVENTORY#1.0.0/3#'))).toMatchObject({
      count: 1,
      skipped: 2,
      packages: 'openssl\t1:3.0.8-1.amzn2023.0.18',
    });
  });

  it('writes the same item for a re-delivered event, and for the reconciler observing the build later', async () => {
    await onImageEvent(stateChangeEvent('AVAILABLE'));
    const first = (await partition()).find((i) => i.sk === 'CONTENT#1.0.0/3');

    await onImageEvent(stateChangeEvent('AVAILABLE'));
    await onImageEvent({ ...stateChangeEvent('AVAILABLE'), time: '2027-01-18T18:20:00Z' });

    const items = await partition();
    expect(items.filter((i) => String(i.sk).startsWith('CONTENT#'))).toEqual([first]);
    expect(first).toMatchObject({ kind: 'content', imageKind: 'ami', builtAt: '2027-01-18T17:50:56Z' });
  });

  it('keeps its CycloneDX and SPDX documents in the bucket, once, and records them kept', async () => {
    await onImageEvent(stateChangeEvent('AVAILABLE'));
    await onImageEvent(stateChangeEvent('AVAILABLE'));

    const cyclonedx = JSON.parse(s3.read(SBOM_BUCKET, 'sbom/base/1.0.0-3/cyclonedx.json') ?? '{}');
    const spdx = JSON.parse(s3.read(SBOM_BUCKET, 'sbom/base/1.0.0-3/spdx.json') ?? '{}');
    expect(cyclonedx).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6' });
    expect(cyclonedx.components.length).toBeGreaterThanOrEqual(60);
    expect(spdx).toMatchObject({ spdxVersion: 'SPDX-2.3' });
    expect(s3.buckets.get(SBOM_BUCKET)?.objects.get('sbom/base/1.0.0-3/cyclonedx.json')).toHaveLength(1);
    const sbom = (await partition()).find((i) => i.sk === 'SBOM#1.0.0/3');
    expect(sbom).toMatchObject({ kind: 'sbom', bucket: SBOM_BUCKET });
    const documents = (sbom?.documents ?? []) as { file: string }[];
    expect(documents.map((d) => d.file)).toEqual(['cyclonedx.json', 'spdx.json']);
  });
});
