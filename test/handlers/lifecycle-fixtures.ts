import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  CreateImageUsageReportCommand,
  DeregisterImageCommand,
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DescribeSnapshotAttributeCommand,
  EC2Client,
  EnableImageDeprecationCommand,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
} from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DeleteImageCommand, ImagebuilderClient, ListImageScanFindingsCommand } from '@aws-sdk/client-imagebuilder';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  DisassociateResourceShareCommand,
  GetResourceShareAssociationsCommand,
  GetResourceSharesCommand,
  RAMClient,
} from '@aws-sdk/client-ram';
import { DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach } from 'vitest';
import { documentClient } from '../../aws/clients/dynamodb.js';
import { configureClients } from '../../aws/clients/registry.js';
import { pointerPrincipals } from '../../core/promotion/consumer-access.js';
import { batchGetThroughGetMocks } from '../helpers/batch-get-mock.js';
import { mockClient } from '../helpers/mock-client.js';
import { parameterStore } from './parameter-store-mock.js';
import { AMIS, catalog, ORGANIZATION, OU } from './promotion-fixtures.js';

/**
 * Shared fixtures of the lifecycle handler tests: one mock per client (mockClient stubs the prototype), the ledger of
 * `base` as Query answers it, and AWS answers in which every AMI is launchable by the dev OU and every pointer share
 * associates at once.
 */
function stubClients() {
  return {
    ddb: mockClient(DynamoDBDocumentClient),
    ec2: mockClient(EC2Client),
    imagebuilder: mockClient(ImagebuilderClient),
    ssm: mockClient(SSMClient),
    bus: mockClient(EventBridgeClient),
    sns: mockClient(SNSClient),
    org: mockClient(OrganizationsClient),
    ram: mockClient(RAMClient),
    s3: mockClient(S3Client),
  };
}

/**
 * The mocks of the test file that runs: stubbed by `useLifecycleWorld` when the file calls it, not when this module
 * loads, so that a file sharing its worker with others (test/isolation.ts) gets stubs of its own after the previous
 * file's were restored (test/setup-shared-cloud.ts).
 */
export const mocks = {} as ReturnType<typeof stubClients>;

/** The SBOM objects the bucket holds (by key): each version's two documents, until the lifecycle deletes them. */
export const sbomObjects = new Set<string>();

export const NOW = new Date('2027-03-01T10:00:30Z');
export const arnOf = (v: string) => `arn:aws:imagebuilder:us-east-1:111122223333:image/goldsmith-base-3f9a2c1d/${v}`;
export const amisOf = (n: number) => AMIS.map((a) => ({ ...a, imageId: `ami-0${String(n).repeat(16)}` }));
/** The launch permission every AMI carries before the lifecycle acts (the dev OU's grant). */
export const DEV_GRANT = { OrganizationalUnitArn: OU('ou-x1y2-dev00001') };
export const SNAPSHOT = 'snap-0123456789abcdef0';

/** The ledger of `base` (and of its child `hardened`) as Query answers it, by prefix, with base's `pointers`. */
export function ledger(items: {
  builds?: Record<string, unknown>[];
  outcomes?: Record<string, unknown>[];
  revocations?: Record<string, unknown>[];
  childBuilds?: Record<string, unknown>[];
  pointers?: Record<string, string>;
}) {
  const query = (pk: string, prefix: string, Items: Record<string, unknown>[]) =>
    mocks.ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix } }).resolves({ Items });
  query('IMAGE#base', 'BUILD#', items.builds ?? []);
  query('IMAGE#base', 'PROMOTION#', items.outcomes ?? []);
  query('IMAGE#base', 'REVOCATION#', items.revocations ?? []);
  query('IMAGE#hardened', 'BUILD#', items.childBuilds ?? []);
  for (const [channel, version] of Object.entries(items.pointers ?? {})) pointer(channel, version);
}

/** What DynamoDB answers a write whose condition does not hold. */
export const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

export const build = (v: string, extra: Record<string, unknown> = {}) => ({
  sk: `BUILD#${v}`,
  buildVersionArn: arnOf(v),
  status: 'AVAILABLE',
  ...extra,
});

export const promoted = (v: string, channel: string, at: string, n: number) => ({
  version: v,
  channel,
  outcome: 'promoted',
  at,
  amis: amisOf(n),
});

/** `base`'s `channel` pointer naming `version`, as GetItem answers it. */
function pointer(channel: string, version: string): void {
  mocks.ddb
    .on(GetCommand, { Key: { pk: 'IMAGE#base', sk: `CHANNEL#${channel}` } })
    .resolves({ Item: { channel, version, amis: [] } });
}

/** base 1.0.0/1 then 1.0.0/2 on dev and staging, both pointers on 1.0.0/2, hardened's `childBuilds`, and base's `revocations`. */
export function baseOnDevAndStaging(
  childBuilds: Record<string, unknown>[],
  revocations: Record<string, unknown>[] = [],
): void {
  ledger({
    revocations,
    builds: [build('1.0.0/1'), build('1.0.0/2')],
    outcomes: [
      promoted('1.0.0/1', 'dev', '2027-02-01T00:00:00Z', 1),
      promoted('1.0.0/1', 'staging', '2027-02-02T00:00:00Z', 1),
      promoted('1.0.0/2', 'dev', '2027-02-20T00:00:00Z', 2),
      promoted('1.0.0/2', 'staging', '2027-02-21T00:00:00Z', 2),
    ],
    childBuilds,
    pointers: { dev: '1.0.0/2', staging: '1.0.0/2' },
  });
}

/** RAM's answers: one share per channel, which holds every parameter and principal asked about, ASSOCIATED. */
function pointerShares(): void {
  const principalsOf = (channel: string) =>
    pointerPrincipals(catalog.channels.find((c) => c.name === channel)!.targets, {
      id: ORGANIZATION.Id,
      managementAccountId: ORGANIZATION.MasterAccountId,
    }).principals;
  const shareArn = (name: string) => `arn:aws:ram:us-east-1:111122223333:resource-share/${name}`;
  mocks.ram.on(GetResourceSharesCommand).callsFake((input: { name: string }) => ({
    resourceShares: [
      {
        name: input.name,
        resourceShareArn: shareArn(input.name),
        tags: [{ key: 'goldsmith:purpose', value: 'channel-pointers' }],
        allowExternalPrincipals: false,
      },
    ],
  }));
  mocks.ram
    .on(GetResourceShareAssociationsCommand)
    .callsFake((input: { associationType: string; resourceShareArns: string[]; resourceArn?: string }) => {
      const arn = input.resourceShareArns[0]!;
      const channel = arn.split('goldsmith-pointers-')[1] ?? '';
      const entities = input.associationType === 'PRINCIPAL' ? principalsOf(channel) : [input.resourceArn];
      return {
        resourceShareAssociations: entities.map((associatedEntity) => ({
          resourceShareArn: arn,
          associatedEntity,
          status: 'ASSOCIATED' as const,
        })),
      };
    });
  mocks.ram.on(DisassociateResourceShareCommand).resolves({});
}

/** Sets every client's default answers; call in beforeEach. */
export function lifecycleWorld(): void {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
  process.env.EVENT_BUS_NAME = 'goldsmith-test';
  process.env.GOLDSMITH_CATALOG = JSON.stringify(catalog);
  process.env.SBOM_BUCKET = 'goldsmith-test-sbom-111122223333-us-east-1';
  const { ddb, ec2 } = mocks;
  sbomObjects.clear();
  // The sweep lists a version's SBOMs before and after deleting them (aws/sbom/sbom-objects.ts).
  mocks.s3.on(ListObjectsV2Command).callsFake((input: { Prefix?: string }) => {
    const keys = [...sbomObjects].filter((key) => key.startsWith(input.Prefix ?? '')).sort();
    return { Contents: keys.map((Key) => ({ Key })), KeyCount: keys.length, IsTruncated: false };
  });
  mocks.s3.on(DeleteObjectCommand).callsFake((input: { Key: string }) => {
    sbomObjects.delete(input.Key);
    return { DeleteMarker: true };
  });
  ddb.on(GetCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
  batchGetThroughGetMocks(ddb, documentClient);
  ec2.on(EnableImageDeprecationCommand).resolves({ Return: true });
  ec2.on(DeregisterImageCommand).resolves({ Return: true });
  ec2.on(DescribeImageAttributeCommand).resolves({ LaunchPermissions: [DEV_GRANT] });
  ec2.on(DescribeImagesCommand).resolves({
    Images: [{ BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: SNAPSHOT } }] }],
  });
  ec2.on(DescribeSnapshotAttributeCommand).resolves({ CreateVolumePermissions: [] });
  ec2.on(ModifyImageAttributeCommand).resolves({});
  ec2.on(ModifySnapshotAttributeCommand).resolves({});
  // The sweep asks who uses each kept AMI (read on its next pass): nobody, unless a test says otherwise.
  ec2.on(CreateImageUsageReportCommand).resolves({ ReportId: 'amiur-00000000000000001' });
  mocks.imagebuilder.on(DeleteImageCommand).resolves({});
  // A rollback reads the findings of the version it goes to: none, unless a test says otherwise.
  mocks.imagebuilder.on(ListImageScanFindingsCommand).resolves({ findings: [] });
  parameterStore(mocks.ssm, { Version: 2 });
  mocks.ssm.on(DeleteParameterCommand).resolves({});
  mocks.bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  mocks.sns.on(PublishCommand).resolves({});
  mocks.org.on(DescribeOrganizationCommand).resolves({ Organization: ORGANIZATION });
  pointerShares();
}

/** Resets every mock; call in afterEach. */
export function resetLifecycleWorld(): void {
  for (const m of Object.values(mocks)) m.reset();
}

/**
 * The set-up every lifecycle handler test file shares: each test starts from `lifecycleWorld()` (then `world`, the
 * file's own answers, if given) and every mock is reset after it. Returns the mocks.
 */
export function useLifecycleWorld(world?: () => void): typeof mocks {
  Object.assign(mocks, stubClients());
  beforeEach(() => {
    // A revocation's or a roll-back's pointer is read back 2.5 s after it is written
    // (aws/promotion/pointers.ts): the mocked Parameter Store holds a value once written, so the wait takes no time
    // here (a test may set its own sleep after this).
    configureClients({ sleep: () => Promise.resolve() });
    lifecycleWorld();
    world?.();
  });
  afterEach(() => {
    resetLifecycleWorld();
    configureClients({});
  });
  return mocks;
}
