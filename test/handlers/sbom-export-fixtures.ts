import { GetImageCommand, ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { configureClients } from '../../aws/clients/registry.js';
import { VirtualClock } from '../../local/clock.js';
import type { SbomExportsFake } from '../../local/fakes/inspector2-sbom.js';
import { installFakes } from '../../local/fakes/install.js';
import type { S3Fake } from '../../local/fakes/s3.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';
import { ACCOUNT, catalog, getImageOutput } from './promotion-fixtures.js';

/**
 * The shared world of the SBOM export tests: a ledger, the S3 and Inspector fakes (the build's image scanned, with
 * PACKAGES), Image Builder answering the container build, Step Functions and SNS stubbed.
 */
export const SBOM_BUCKET = 'goldsmith-test-sbom-111122223333-us-east-1';
export const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0b6f3d1e-5a2c-4f8e-9d7b-1c2e3f4a5b6c`;
export const URI = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/goldsmith-base:1.0.0-3`;
export const DIGEST = 'sha256:4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f';
export const PACKAGES = [
  { packageName: 'openssl-libs', packageVersion: '1:3.0.8-1.amzn2023.0.18' },
  { packageName: 'bash', packageVersion: '5.2.15-1.amzn2023.0.2' },
];

/** GetImage of the AVAILABLE container build: its container recipe and the image it pushed to ECR. */
function containerBuild() {
  const out = getImageOutput();
  return {
    ...out,
    image: {
      ...out.image,
      type: 'DOCKER' as const,
      outputResources: { containers: [{ region: 'us-east-1', imageUris: [URI] }] },
      containerRecipe: {
        name: 'goldsmith-base-3f9a2c1d',
        version: '1.0.0',
        parentImage: 'amazonlinux:2023',
        components: [],
      },
    },
  };
}

export interface SbomExportWorld {
  clock: VirtualClock;
  s3: S3Fake;
  exports: SbomExportsFake;
  sns: ReturnType<typeof mockClient>;
}

/** The ledger's items of `base`. */
export async function partition(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const pages = paginateQuery(
    { client: documentClient() },
    { TableName: 'ledger', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'IMAGE#base' } },
  );
  for await (const page of pages) items.push(...(page.Items ?? []));
  return items;
}

/** The SBOM export record of base 1.0.0/3. */
export const exportOf = async () => (await partition()).find((i) => i.sk === 'SBOMEXPORT#1.0.0/3');

/** Sets the world up before each test of the calling file and takes it down after; its parts are set on the object. */
export function useSbomExportWorld(): SbomExportWorld {
  const dynamo = useLocalDynamo();
  const imagebuilder = mockClient(ImagebuilderClient);
  const sfn = mockClient(SFNClient);
  const sns = mockClient(SNSClient);
  const world = { sns } as SbomExportWorld;

  beforeEach(async () => {
    await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
    world.clock = new VirtualClock('2027-01-18T17:50:56Z');
    const local = installFakes({ clock: world.clock, accountId: ACCOUNT });
    local.fakes.s3.createBucket(SBOM_BUCKET, true);
    world.s3 = local.fakes.s3;
    world.exports = local.fakes.inspector2.sbomExports as SbomExportsFake;
    // What Inspector scanned in ECR: the image the build pushed, with its packages.
    world.exports.images = (region, repository, tag) =>
      region === 'us-east-1' && repository === 'goldsmith-base' && tag === '1.0.0-3'
        ? [{ digest: DIGEST, packages: PACKAGES }]
        : [];
    const dynamodb = { endpoint: dynamo.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
    configureClients({
      ...local.clientSettings,
      overrides: { ...local.clientSettings.overrides, dynamodb: { ...dynamodb, maxAttempts: 1 } },
    });
    process.env.SBOM_BUCKET = SBOM_BUCKET;
    process.env.SBOM_EXPORT_KEY_ARN = KEY_ARN;
    process.env.LEDGER_TABLE = 'ledger';
    process.env.NOTIFY_TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:notify`;
    process.env.STATE_MACHINE_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:promotion`;
    process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
    imagebuilder.on(GetImageCommand).resolves(containerBuild());
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  afterEach(() => {
    delete process.env.SBOM_BUCKET;
    delete process.env.SBOM_EXPORT_KEY_ARN;
    imagebuilder.reset();
    sfn.reset();
    sns.reset();
  });
  return world;
}
