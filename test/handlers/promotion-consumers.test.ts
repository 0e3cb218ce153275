import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  BatchGetImageCommand,
  ECRClient,
  GetRepositoryPolicyCommand,
  PutImageCommand,
  RepositoryPolicyNotFoundException,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  AssociateResourceShareCommand,
  CreateResourceShareCommand,
  DisassociateResourceShareCommand,
  GetResourceShareAssociationsCommand,
  GetResourceSharesCommand,
  RAMClient,
} from '@aws-sdk/client-ram';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { imagePromotedDetailSchema } from '../../events/image-promoted.js';
import { publish } from '../../functions/promotion/publish.js';
import { share } from '../../functions/promotion/share.js';
import { associatedAnswer, channelItem, ORGANIZATION } from './promotion-fixtures.js';

// One mock per client class for the whole file (mockClient stubs the prototype).
const ddb = mockClient(DynamoDBDocumentClient);
const ssm = mockClient(SSMClient);
const ec2 = mockClient(EC2Client);
const ecr = mockClient(ECRClient);
const ram = mockClient(RAMClient);
const org = mockClient(OrganizationsClient);
const bus = mockClient(EventBridgeClient);
const sns = mockClient(SNSClient);

const SHARE_ARN = 'arn:aws:ram:us-east-1:111122223333:resource-share/7f3e';
const OU = (id: string) => `arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/${id}`;
const PROD_PRINCIPALS: string[] = [OU('ou-x1y2-prd00001'), OU('ou-x1y2-prd00002')];
const REGISTRY = '111122223333';
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const OLD_DIGEST = `sha256:${'cd'.repeat(32)}`;
const MANIFEST = '{"schemaVersion":2}';
const MEDIA = 'application/vnd.docker.distribution.manifest.v2+json';
const uri = (region: string) => `${REGISTRY}.dkr.ecr.${region}.amazonaws.com/golden/web-runtime:1.0.0-3`;

/** A container build's Map item for `channel` (the example catalog's channels), in two regions. */
function containerItem(channel: string) {
  const item = channelItem(channel);
  return {
    ...item,
    image: 'web-runtime',
    build: {
      ...item.build,
      amis: [],
      containers: ['us-east-1', 'eu-west-1'].map((region) => ({ region, imageUri: uri(region) })),
    },
  };
}

beforeEach(() => {
  process.env.LEDGER_TABLE = 'ledger';
  process.env.NOTIFY_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:notify';
  process.env.EVENT_BUS_NAME = 'goldsmith-test';
  ddb.on(PutCommand).resolves({});
  // Publish reads the build record for its outcome metrics (time from AVAILABLE to the channel).
  ddb.on(GetCommand).resolves({ Item: { status: 'AVAILABLE', updatedAt: '2027-01-20T09:00:00.000Z' } });
  ssm.on(PutParameterCommand).resolves({ Version: 4, Tier: 'Advanced' });
  ec2.on(CreateTagsCommand).resolves({});
  bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  sns.on(PublishCommand).resolves({});
  org.on(DescribeOrganizationCommand).resolves({ Organization: ORGANIZATION });
});

afterEach(() => {
  for (const m of [ddb, ssm, ec2, ecr, ram, org, bus, sns]) m.reset();
});

describe('publish (pointers shared through RAM)', () => {
  it('creates the channel share with the OU ARNs, the parameter and no external principals on first use', async () => {
    ram.on(GetResourceSharesCommand).resolves({ resourceShares: [] });
    ram.on(CreateResourceShareCommand).resolves({ resourceShare: { resourceShareArn: SHARE_ARN } });
    ram.on(GetResourceShareAssociationsCommand).callsFake(associatedAnswer(PROD_PRINCIPALS, SHARE_ARN));

    await publish(channelItem('prod'));

    expect(ram).toHaveReceivedCommandWith(GetResourceSharesCommand, {
      resourceOwner: 'SELF',
      name: 'goldsmith-pointers-prod',
      resourceShareStatus: 'ACTIVE',
    });
    expect(ram).toHaveReceivedCommandTimes(CreateResourceShareCommand, 2);
    expect(ram).toHaveReceivedCommandWith(CreateResourceShareCommand, {
      name: 'goldsmith-pointers-prod',
      resourceArns: ['arn:aws:ssm:eu-west-1:111122223333:parameter/goldsmith/base/prod'],
      principals: PROD_PRINCIPALS,
      allowExternalPrincipals: false,
      clientToken: expect.stringMatching(/^[0-9a-f]{64}$/),
      tags: [{ key: 'goldsmith:purpose', value: 'channel-pointers' }],
    });
    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, {
      Name: '/goldsmith/base/prod',
      Value: 'ami-0ddd3333eeee4444f',
      Type: 'String',
      DataType: 'aws:ec2:image',
      Tier: 'Advanced',
      Overwrite: true,
    });
  });

  it('adds only the missing principal and the parameter to an existing share, and drops an OU no longer targeted', async () => {
    ram
      .on(GetResourceSharesCommand)
      .resolves({ resourceShares: [{ name: 'goldsmith-pointers-prod', resourceShareArn: SHARE_ARN }] });
    let associated = false;
    ram
      .on(GetResourceShareAssociationsCommand)
      .callsFake((input: { associationType: string; resourceArn?: string }) => {
        if (associated) return associatedAnswer(PROD_PRINCIPALS, SHARE_ARN)(input);
        return {
          resourceShareAssociations:
            input.associationType === 'PRINCIPAL'
              ? [
                  { associatedEntity: PROD_PRINCIPALS[0], status: 'ASSOCIATED' },
                  { associatedEntity: OU('ou-x1y2-old00001'), status: 'ASSOCIATED' },
                ]
              : [],
        };
      });
    ram.on(AssociateResourceShareCommand).callsFake(() => {
      associated = true;
      return {};
    });
    ram.on(DisassociateResourceShareCommand).resolves({});

    await publish({
      ...channelItem('prod'),
      build: { ...channelItem('prod').build, amis: [channelItem().build.amis[0]!] },
    });

    expect(ram).not.toHaveReceivedCommand(CreateResourceShareCommand);
    expect(ram).toHaveReceivedCommandWith(DisassociateResourceShareCommand, {
      resourceShareArn: SHARE_ARN,
      principals: [OU('ou-x1y2-old00001')],
    });
    expect(ram).toHaveReceivedCommandWith(AssociateResourceShareCommand, {
      resourceShareArn: SHARE_ARN,
      principals: [PROD_PRINCIPALS[1] as string],
      resourceArns: ['arn:aws:ssm:us-east-1:111122223333:parameter/goldsmith/base/prod'],
    });
  });

  it('fails with a transient error while RAM is still associating, so the state machine retries', async () => {
    ram.on(GetResourceSharesCommand).resolves({ resourceShares: [] });
    ram.on(CreateResourceShareCommand).resolves({ resourceShare: { resourceShareArn: SHARE_ARN } });
    ram.on(GetResourceShareAssociationsCommand).resolves({
      resourceShareAssociations: [{ associatedEntity: PROD_PRINCIPALS[0], status: 'ASSOCIATING' }],
    });

    await expect(publish(channelItem('prod'))).rejects.toMatchObject({
      name: 'Goldsmith.Transient',
      message: /still associating/,
    });
    expect(bus).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('fails with PointerShareFailed, naming RAM reason, when an association failed', async () => {
    ram.on(GetResourceSharesCommand).resolves({ resourceShares: [] });
    ram.on(CreateResourceShareCommand).resolves({ resourceShare: { resourceShareArn: SHARE_ARN } });
    ram.on(GetResourceShareAssociationsCommand).resolves({
      resourceShareAssociations: [{ associatedEntity: PROD_PRINCIPALS[0], status: 'FAILED', statusMessage: 'nope' }],
    });

    await expect(publish(channelItem('prod'))).rejects.toMatchObject({ name: 'PointerShareFailed', message: /nope/ });
  });
});

describe('share (container images)', () => {
  it('adds the channel pull statements to the repository policy in every region, keeping other statements', async () => {
    const foreign = {
      Sid: 'CiPush',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::222233334444:root' },
      Action: 'ecr:PutImage',
    };
    ecr
      .on(GetRepositoryPolicyCommand, { repositoryName: 'golden/web-runtime' })
      .callsFake((input: { registryId: string }) => {
        if (input.registryId !== REGISTRY) throw new Error('wrong registry');
        return { policyText: JSON.stringify({ Version: '2012-10-17', Statement: [foreign] }) };
      });
    ecr.on(SetRepositoryPolicyCommand).resolves({});

    const result = await share(containerItem('prod'));

    expect(result).toMatchObject({ regions: ['us-east-1', 'eu-west-1'], targets: { ous: 2, accounts: 0, tags: 0 } });
    expect(ecr).toHaveReceivedCommandTimes(SetRepositoryPolicyCommand, 2);
    const policy = JSON.parse(ecr.commandCalls(SetRepositoryPolicyCommand)[0]?.args[0].input.policyText ?? '{}');
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        foreign,
        {
          Sid: 'GoldsmithPullProdOus',
          Effect: 'Allow',
          Principal: '*',
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          Condition: {
            StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
            'ForAnyValue:StringLike': {
              'aws:PrincipalOrgPaths': ['o-a1b2c3d4e5/*/ou-x1y2-prd00001/*', 'o-a1b2c3d4e5/*/ou-x1y2-prd00002/*'],
            },
            StringNotEquals: { 'aws:PrincipalAccount': ['111122223333'] },
          },
        },
      ],
    });
  });

  it('writes nothing when the repository policy already carries the channel statements', async () => {
    ecr
      .on(GetRepositoryPolicyCommand)
      .rejects(new RepositoryPolicyNotFoundException({ message: 'none', $metadata: {} }));
    ecr.on(SetRepositoryPolicyCommand).resolves({});
    await share(containerItem('dev'));
    const written = ecr.commandCalls(SetRepositoryPolicyCommand)[0]?.args[0].input.policyText;
    ecr.reset();
    ecr.on(GetRepositoryPolicyCommand).resolves({ policyText: written });

    await share(containerItem('dev'));

    expect(ecr).not.toHaveReceivedCommand(SetRepositoryPolicyCommand);
  });

  it('refuses a channel that selects accounts by tag, which a repository policy cannot express', async () => {
    const item = containerItem('dev');
    const tagged = {
      ...item,
      channel: { ...item.channel, targets: { ...item.channel.targets, accountTags: { team: 'web' } } },
    };

    await expect(share(tagged)).rejects.toMatchObject({ name: 'ContainerTargetsUnsupported' });
    expect(ecr).not.toHaveReceivedCommand(SetRepositoryPolicyCommand);
  });
});

describe('publish (container images)', () => {
  beforeEach(() => {
    ram.on(GetResourceSharesCommand).resolves({ resourceShares: [] });
    ram.on(CreateResourceShareCommand).resolves({ resourceShare: { resourceShareArn: SHARE_ARN } });
    ram.on(GetResourceShareAssociationsCommand).callsFake(associatedAnswer([OU('ou-x1y2-stg00001')], SHARE_ARN));
  });

  it('moves the channel tag to the build digest by manifest and points the pointer at the digest', async () => {
    ecr.on(BatchGetImageCommand).resolves({
      images: [
        {
          imageId: { imageTag: '1.0.0-3', imageDigest: DIGEST },
          imageManifest: MANIFEST,
          imageManifestMediaType: MEDIA,
        },
        {
          imageId: { imageTag: 'staging', imageDigest: OLD_DIGEST },
          imageManifest: '{}',
          imageManifestMediaType: MEDIA,
        },
      ],
    });
    ecr.on(PutImageCommand).resolves({});

    const detail = await publish(containerItem('staging'));

    expect(ecr).toHaveReceivedCommandWith(BatchGetImageCommand, {
      registryId: REGISTRY,
      repositoryName: 'golden/web-runtime',
      imageIds: [{ imageTag: '1.0.0-3' }, { imageTag: 'staging' }],
    });
    expect(ecr).toHaveReceivedCommandWith(PutImageCommand, {
      registryId: REGISTRY,
      repositoryName: 'golden/web-runtime',
      imageManifest: MANIFEST,
      imageManifestMediaType: MEDIA,
      imageTag: 'staging',
      imageDigest: DIGEST,
    });
    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, {
      Name: '/goldsmith/web-runtime/staging',
      Value: `${REGISTRY}.dkr.ecr.eu-west-1.amazonaws.com/golden/web-runtime@${DIGEST}`,
      DataType: 'text',
      Tier: 'Advanced',
    });
    expect(ec2).not.toHaveReceivedCommand(CreateTagsCommand);
    expect(imagePromotedDetailSchema.parse(detail).containers).toEqual([
      { region: 'us-east-1', imageUri: `${REGISTRY}.dkr.ecr.us-east-1.amazonaws.com/golden/web-runtime@${DIGEST}` },
      { region: 'eu-west-1', imageUri: `${REGISTRY}.dkr.ecr.eu-west-1.amazonaws.com/golden/web-runtime@${DIGEST}` },
    ]);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({
        sk: 'POINTER#staging#00000001.00000000.00000000.00000003',
        kind: 'pointer-move',
      }),
      ConditionExpression: 'attribute_not_exists(sk)',
    });
  });

  it('makes no PutImage when the channel tag already names the digest (a retry)', async () => {
    ecr.on(BatchGetImageCommand).resolves({
      images: [
        {
          imageId: { imageTag: '1.0.0-3', imageDigest: DIGEST },
          imageManifest: MANIFEST,
          imageManifestMediaType: MEDIA,
        },
        {
          imageId: { imageTag: 'staging', imageDigest: DIGEST },
          imageManifest: MANIFEST,
          imageManifestMediaType: MEDIA,
        },
      ],
    });

    await publish(containerItem('staging'));

    expect(ecr).not.toHaveReceivedCommand(PutImageCommand);
  });

  it('fails naming the repository when the build image is gone', async () => {
    ecr.on(BatchGetImageCommand).resolves({ images: [], failures: [{ failureCode: 'ImageNotFound' }] });

    await expect(publish(containerItem('staging'))).rejects.toMatchObject({
      name: 'ContainerImageMissing',
      message: /golden\/web-runtime .* no image tagged 1\.0\.0-3/,
    });
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
  });
});
