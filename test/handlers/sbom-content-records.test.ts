import { GetImageCommand, ImagebuilderClient, ListImagePackagesCommand } from '@aws-sdk/client-imagebuilder';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { contentOf } from '../../core/sbom/ledger-content.js';
import { onImageEvent } from '../../functions/on-image-event.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';
import { BUILD_ARN, catalog, getImageOutput, stateChangeEvent } from './promotion-fixtures.js';

const RECIPE_ARN = 'arn:aws:imagebuilder:us-east-1:111122223333:image-recipe/goldsmith-base-3f9a2c1d/1.0.0';
const AGENTS = 'arn:aws:imagebuilder:us-east-1:111122223333:component/goldsmith-base-agents-9c1e/1.0.0/1';
const UPDATE = 'arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x';
const PARENT = 'ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

/** GetImage of the AVAILABLE build with its recipe, as Image Builder answers it. */
function withRecipe() {
  const out = getImageOutput();
  return {
    ...out,
    image: {
      ...out.image,
      type: 'AMI' as const,
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

  beforeEach(async () => {
    await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
    process.env.LEDGER_TABLE = 'ledger';
    process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
    process.env.STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:promotion';
    process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
    imagebuilder.on(GetImageCommand).resolves(withRecipe());
    imagebuilder
      .on(ListImagePackagesCommand)
      .resolvesOnce({ imagePackageList: PACKAGES.slice(0, 25), nextToken: 'p2' })
      .resolvesOnce({ imagePackageList: PACKAGES.slice(25, 50), nextToken: 'p3' })
      .resolvesOnce({ imagePackageList: PACKAGES.slice(50) });
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  afterEach(() => {
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
      components: [
        { name: 'update-linux', version: 'x.x.x', arn: UPDATE },
        { name: 'goldsmith-base-agents-9c1e', version: '1.0.0/1', arn: AGENTS },
      ],
      packageSource: 'imagebuilder',
    });
    expect(content?.packages).toHaveLength(60);
    expect(content?.packages).toContainEqual({ name: 'pkg-59', version: '1.59-1.amzn2023' });
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
});
