import { GetImageCommand, ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { configureClients } from '../../aws/clients/registry.js';
import { openSbomExports, putSbomExport } from '../../aws/sbom/export-records.js';
import type { SbomExportStatus } from '../../core/sbom/inspector-export.js';
import { contentOf } from '../../core/sbom/ledger-content.js';
import { pollOpenSbomExports } from '../../functions/builds/sbom-exports.js';
import { onImageEvent } from '../../functions/on-image-event.js';
import { VirtualClock } from '../../local/clock.js';
import type { SbomExportsFake } from '../../local/fakes/inspector2-sbom.js';
import { EXPORT_MS } from '../../local/fakes/inspector2-sbom.js';
import { installFakes } from '../../local/fakes/install.js';
import type { S3Fake } from '../../local/fakes/s3.js';
import { localLedgerClient, recreateLedgerTable, useLocalDynamo } from '../helpers/ledger-table.js';
import { mockClient } from '../helpers/mock-client.js';
import { ACCOUNT, catalog, getImageOutput, stateChangeEvent } from './promotion-fixtures.js';

const SBOM_BUCKET = 'goldsmith-test-sbom-111122223333-us-east-1';
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0b6f3d1e-5a2c-4f8e-9d7b-1c2e3f4a5b6c`;
const URI = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/goldsmith-base:1.0.0-3`;
const DIGEST = 'sha256:4f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f';
const PACKAGES = [
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

const dynamo = useLocalDynamo();

async function partition(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const pages = paginateQuery(
    { client: documentClient() },
    { TableName: 'ledger', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'IMAGE#base' } },
  );
  for await (const page of pages) items.push(...(page.Items ?? []));
  return items;
}

const exportOf = async () => (await partition()).find((i) => i.sk === 'SBOMEXPORT#1.0.0/3');

describe("a container version's packages from Inspector's SBOM export", () => {
  const imagebuilder = mockClient(ImagebuilderClient);
  const sfn = mockClient(SFNClient);
  const sns = mockClient(SNSClient);
  let clock: VirtualClock;
  let s3: S3Fake;
  let exports: SbomExportsFake;

  beforeEach(async () => {
    await recreateLedgerTable(localLedgerClient(dynamo.endpoint));
    clock = new VirtualClock('2027-01-18T17:50:56Z');
    const local = installFakes({ clock, accountId: ACCOUNT });
    local.fakes.s3.createBucket(SBOM_BUCKET, true);
    s3 = local.fakes.s3;
    exports = local.fakes.inspector2.sbomExports as SbomExportsFake;
    // What Inspector scanned in ECR: the image the build pushed, with its packages.
    exports.images = (region, repository, tag) =>
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

  it('requests an export with the content, starts it, polls it IN_PROGRESS, then takes its packages', async () => {
    await onImageEvent(stateChangeEvent('AVAILABLE'));
    expect(exports.exports.size).toBe(0);
    expect(await pollOpenSbomExports(['base'], clock.iso())).toMatchObject({
      outcomes: { 'base 1.0.0/3': 'IN_PROGRESS' },
    });
    expect([...exports.exports.values()]).toMatchObject([
      {
        format: 'CYCLONEDX_1_4',
        filterCriteria: {
          ecrRepositoryName: [{ comparison: 'EQUALS', value: 'goldsmith-base' }],
          ecrImageTags: [{ comparison: 'EQUALS', value: '1.0.0-3' }],
        },
        s3Destination: { bucketName: SBOM_BUCKET, keyPrefix: 'inspector/base/1.0.0-3', kmsKeyArn: KEY_ARN },
      },
    ]);
    expect(await exportOf()).toMatchObject({
      status: 'IN_PROGRESS',
      repository: 'goldsmith-base',
      tag: '1.0.0-3',
      keyPrefix: 'inspector/base/1.0.0-3',
    });
    expect(contentOf(await partition(), '1.0.0/3')?.packageSource).toBe('none');

    // Still running: nothing changes.
    expect(await pollOpenSbomExports(['base'], clock.iso())).toMatchObject({
      outcomes: { 'base 1.0.0/3': 'IN_PROGRESS' },
    });
    expect(contentOf(await partition(), '1.0.0/3')?.packageSource).toBe('none');

    clock.moveTo(clock.now() + EXPORT_MS);
    const report = await pollOpenSbomExports(['base'], clock.iso());

    expect(report).toEqual({ polled: 1, outcomes: { 'base 1.0.0/3': 'READ' }, failed: 0 });
    const content = contentOf(await partition(), '1.0.0/3');
    expect(content?.packageSource).toBe('inspector');
    expect(content?.packages).toEqual([
      { name: 'bash', version: '5.2.15-1.amzn2023.0.2' },
      { name: 'openssl-libs', version: '1:3.0.8-1.amzn2023.0.18' },
    ]);
    const cyclonedx = s3.read(SBOM_BUCKET, 'sbom/base/1.0.0-3/cyclonedx.json') ?? '';
    expect(cyclonedx).toContain('openssl-libs');
    expect(s3.read(SBOM_BUCKET, 'sbom/base/1.0.0-3/spdx.json')).toContain('openssl-libs');
    // Nothing left to poll.
    expect(await pollOpenSbomExports(['base'], clock.iso())).toMatchObject({ polled: 0 });
  });

  it('starts no second export for a re-delivered event, nor after the export was read', async () => {
    await onImageEvent(stateChangeEvent('AVAILABLE'));
    await pollOpenSbomExports(['base'], clock.iso());
    await onImageEvent(stateChangeEvent('AVAILABLE'));
    await pollOpenSbomExports(['base'], clock.iso());
    expect(exports.exports.size).toBe(1);

    clock.moveTo(clock.now() + EXPORT_MS);
    await pollOpenSbomExports(['base'], clock.iso());
    await onImageEvent({ ...stateChangeEvent('AVAILABLE'), time: '2027-01-18T19:00:00Z' });

    expect(exports.exports.size).toBe(1);
    expect(contentOf(await partition(), '1.0.0/3')?.packageSource).toBe('inspector');
  });

  it("keeps packageSource 'none' with Inspector's reason when the export fails", async () => {
    exports.images = () => [];
    await onImageEvent(stateChangeEvent('AVAILABLE'));
    await pollOpenSbomExports(['base'], clock.iso());
    clock.moveTo(clock.now() + EXPORT_MS);

    expect(await pollOpenSbomExports(['base'], clock.iso())).toMatchObject({ outcomes: { 'base 1.0.0/3': 'FAILED' } });
    expect(await exportOf()).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/^NO_FINDINGS_FOUND: /) });
    expect(contentOf(await partition(), '1.0.0/3')?.packageSource).toBe('none');
    expect(s3.read(SBOM_BUCKET, 'sbom/base/1.0.0-3/cyclonedx.json')).not.toContain('openssl-libs');
  });

  it('starts no export where no export key is set (the packages stay unknown)', async () => {
    delete process.env.SBOM_EXPORT_KEY_ARN;
    await onImageEvent(stateChangeEvent('AVAILABLE'));
    expect(exports.exports.size).toBe(0);
    expect(await exportOf()).toBeUndefined();
  });

  it('reads back only the unfinished exports: the finished ones are not returned by the Query', async () => {
    const statuses: SbomExportStatus[] = ['READ', 'FAILED', 'REQUESTED', 'CANCELLED', 'IN_PROGRESS', 'NOT_COVERED'];
    for (const [i, status] of statuses.entries()) {
      await putSbomExport({
        image: 'base',
        version: `1.0.0/${i + 1}`,
        repository: 'goldsmith-base',
        tag: `1.0.0-${i + 1}`,
        keyPrefix: `inspector/base/1.0.0-${i + 1}`,
        status,
        startedAt: '2027-01-18T17:00:00Z',
      });
    }
    // Every item each Query answer carried, as DynamoDB returned it.
    const returned: string[] = [];
    const client = documentClient();
    const name = 'count-returned-sbom-exports';
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const items = (result.output as { Items?: { sk?: string }[] }).Items;
        if (context.commandName === 'QueryCommand') returned.push(...(items ?? []).map((i) => i.sk ?? ''));
        return result;
      },
      { step: 'initialize', name },
    );
    try {
      const open = await openSbomExports('base');
      expect(open.map((r) => `${r.version} ${r.status}`).sort()).toEqual(['1.0.0/3 REQUESTED', '1.0.0/5 IN_PROGRESS']);
      expect(returned.sort()).toEqual(['SBOMEXPORT#1.0.0/3', 'SBOMEXPORT#1.0.0/5']);
    } finally {
      client.middlewareStack.remove(name);
    }
  });
});
