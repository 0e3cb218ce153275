import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import {
  BatchGetImageCommand,
  GetRepositoryPolicyCommand,
  PutImageCommand,
  RepositoryPolicyNotFoundException,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { BatchGetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { imagePromotedDetailSchema } from '../../events/image-promoted.js';
import { publish } from '../../functions/promotion/publish.js';
import { share } from '../../functions/promotion/share.js';
import { catalog, channelItem, ledgerFactsAnswer, OU } from './promotion-fixtures.js';
import { newPointerShare, usePublishWorld } from './publish-fixtures.js';

const { ddb, ssm, ec2, ecr, ram } = usePublishWorld({ Version: 4, Tier: 'Advanced' });

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

/** BatchGetImage's answer: the build's tag on DIGEST, and the channel tag `staging` on `stagingDigest`. */
function taggedImages(stagingDigest: string, stagingManifest: string) {
  return {
    images: [
      { imageId: { imageTag: '1.0.0-3', imageDigest: DIGEST }, imageManifest: MANIFEST, imageManifestMediaType: MEDIA },
      {
        imageId: { imageTag: 'staging', imageDigest: stagingDigest },
        imageManifest: stagingManifest,
        imageManifestMediaType: MEDIA,
      },
    ],
  };
}

// What LoadImage recorded of the build: no AMIs, one image per region (the steps read it, not their input).
beforeEach(() => {
  ddb.on(BatchGetCommand).callsFake(
    ledgerFactsAnswer({
      loaded: { amis: [], containers: ['us-east-1', 'eu-west-1'].map((region) => ({ region, imageUri: uri(region) })) },
    }),
  );
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

  it("writes the guard's Deny statements with the pull statements, and again where someone took them out", async () => {
    process.env.GOLDSMITH_STAGE = 'prod';
    ecr
      .on(GetRepositoryPolicyCommand)
      .rejects(new RepositoryPolicyNotFoundException({ message: 'none', $metadata: {} }));
    ecr.on(SetRepositoryPolicyCommand).resolves({});

    await share(containerItem('dev'));

    const written = JSON.parse(ecr.commandCalls(SetRepositoryPolicyCommand)[0]?.args[0].input.policyText ?? '{}');
    const sids = (written.Statement as { Sid: string }[]).map((s) => s.Sid);
    expect(sids).toEqual(['GoldsmithPullDevOus', 'GoldsmithOnlyImages', 'GoldsmithOnlySettings']);
    expect(written.Statement[1]).toMatchObject({
      Effect: 'Deny',
      Action: expect.arrayContaining(['ecr:PutImage', 'ecr:BatchDeleteImage']),
      Condition: {
        ArnNotLike: { 'aws:PrincipalArn': expect.arrayContaining([`arn:aws:iam::${REGISTRY}:role/prod-goldsmith-*`]) },
      },
    });
    // The pull statements in place, the guard gone (someone with SetRepositoryPolicy before the SCP): written again.
    ecr.reset();
    const pullsOnly = { ...written, Statement: written.Statement.slice(0, 1) };
    ecr.on(GetRepositoryPolicyCommand).resolves({ policyText: JSON.stringify(pullsOnly) });
    ecr.on(SetRepositoryPolicyCommand).resolves({});

    await share(containerItem('dev'));

    const again = JSON.parse(ecr.commandCalls(SetRepositoryPolicyCommand)[0]?.args[0].input.policyText ?? '{}');
    expect(again).toEqual(written);
    delete process.env.GOLDSMITH_STAGE;
  });

  it('refuses a channel that selects accounts by tag, which a repository policy cannot express', async () => {
    // The targets are the catalog's (never the input's): a catalog whose dev channel also selects by tag.
    process.env.GOLDSMITH_CATALOG = JSON.stringify({
      ...catalog,
      channels: catalog.channels.map((c) =>
        c.name === 'dev' ? { ...c, targets: { ...c.targets, accountTags: { team: 'web' } } } : c,
      ),
    });

    await expect(share(containerItem('dev'))).rejects.toMatchObject({ name: 'ContainerTargetsUnsupported' });
    expect(ecr).not.toHaveReceivedCommand(SetRepositoryPolicyCommand);
  });
});

describe('publish (container images)', () => {
  beforeEach(() => {
    newPointerShare(ram, [OU('ou-x1y2-stg00001')]);
  });

  it('moves the channel tag to the build digest by manifest and points the pointer at the digest', async () => {
    ecr.on(BatchGetImageCommand).resolves(taggedImages(OLD_DIGEST, '{}'));
    // The read-back after the move: the channel tag now names the build's digest.
    ecr
      .on(BatchGetImageCommand, { imageIds: [{ imageTag: 'staging' }] })
      .resolves({ images: [{ imageId: { imageTag: 'staging', imageDigest: DIGEST }, imageManifest: MANIFEST }] });
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
    ecr.on(BatchGetImageCommand).resolves(taggedImages(DIGEST, MANIFEST));

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
