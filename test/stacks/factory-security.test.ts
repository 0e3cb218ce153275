import { Match, type Template } from 'aws-cdk-lib/assertions';
import { getStack } from 'sst/constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import example from '../../goldsmith.config.js';
import { Factory } from '../../stacks/Factory.js';
import { FACTORY_IMAGE_STACKS } from '../../stacks/FactoryImages.js';
import { imageStackOf } from '../../stacks/factory/shards.js';
import { FACTORY_STACKS, factoryTemplate, flatten, resourcesOf, synthesize } from './helpers.js';

type Props = Record<string, unknown>;

/** The AMI key: the only multi-region key. */
function amiKeyOf(template: Template): Props {
  const keys = Object.values(resourcesOf(template, 'AWS::KMS::Key')).filter(
    (k) => k.Properties['MultiRegion'] === true,
  );
  expect(keys).toHaveLength(1);
  return keys[0]!.Properties;
}

describe('Factory stack security with the example catalog', () => {
  let template: Template;
  beforeAll(async () => {
    template = factoryTemplate(await synthesize(example, { stacks: FACTORY_STACKS }));
  });

  it('requires IMDSv2 on every build instance, with one more hop for container builds', () => {
    const hops = Object.values(resourcesOf(template, 'AWS::ImageBuilder::InfrastructureConfiguration')).map(
      ({ Properties }) => [Properties['Name'], Properties['InstanceMetadataOptions']],
    );
    expect(Object.fromEntries(hops)).toEqual({
      'goldsmith-base': { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
      'goldsmith-hardened': { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
      'goldsmith-app': { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
      'goldsmith-web-runtime': { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
    });
  });

  it('sends every build log to the log bucket and every notification to the one encrypted topic', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    expect(topics).toHaveLength(1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    for (const { Properties } of Object.values(
      resourcesOf(template, 'AWS::ImageBuilder::InfrastructureConfiguration'),
    )) {
      expect(Properties['SnsTopicArn']).toBe(`<${topics[0]}>`);
      expect(Properties['Logging']).toMatchObject({ S3Logs: { S3BucketName: expect.stringMatching(/^<BuildLogs/) } });
    }
  });

  it('lets the organization launch from AMIs encrypted with the rotated, multi-region key', () => {
    const key = amiKeyOf(template);
    expect(key['EnableKeyRotation']).toBe(true);
    const statements = (key['KeyPolicy'] as { Statement: Props[] }).Statement;
    const org = statements.find((s) => s['Sid'] === 'OrganizationUsesSharedAmis');
    expect(org).toMatchObject({
      Principal: { AWS: '*' },
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
    });
    const via = (org?.['Condition'] as { StringEquals: Record<string, unknown> } | undefined)?.StringEquals[
      'kms:ViaService'
    ];
    expect(via).toEqual(expect.arrayContaining(['ec2.us-east-1.amazonaws.com']));
    expect(org?.['Action']).toEqual(['kms:Decrypt', 'kms:DescribeKey', 'kms:ReEncrypt*', 'kms:GenerateDataKey*']);
    const grants = statements.find((s) => s['Sid'] === 'OrganizationGrantsForAwsServices');
    expect(grants).toMatchObject({
      Action: 'kms:CreateGrant',
      Condition: {
        StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
        Bool: { 'kms:GrantIsForAWSResource': 'true' },
      },
    });
  });

  it('lets Image Builder use the key only through EC2 in the distribution regions', () => {
    const key = amiKeyOf(template);
    const statements = (key['KeyPolicy'] as { Statement: Props[] }).Statement;
    const service = statements.find((s) => s['Sid'] === 'ImageBuilderEncryptsAmis');
    expect(service?.['Principal']).toEqual({
      AWS: expect.stringMatching(
        /:role\/aws-service-role\/imagebuilder\.amazonaws\.com\/AWSServiceRoleForImageBuilder$/,
      ),
    });
    expect(service?.['Condition']).toEqual({
      StringEquals: {
        'kms:ViaService': [
          'ec2.ap-southeast-2.amazonaws.com',
          'ec2.eu-west-1.amazonaws.com',
          'ec2.us-east-1.amazonaws.com',
        ],
      },
    });
  });

  it('replicates the key, with the same policy, into every other distribution region before distributing', () => {
    const replicas = Object.entries(template.findResources('Custom::GoldsmithKeyReplica'));
    const calls = replicas.map(([, r]) => JSON.parse(String(flatten(r.Properties.Create))));
    expect(calls.map((c) => c.parameters.ReplicaRegion).sort()).toEqual(['ap-southeast-2', 'eu-west-1']);
    for (const call of calls) {
      expect(call).toMatchObject({ service: 'KMS', action: 'ReplicateKey', region: 'us-east-1' });
      expect(JSON.parse(call.parameters.Policy).Statement.map((s: Props) => s['Sid'])).toEqual(
        (amiKeyOf(template)['KeyPolicy'] as { Statement: Props[] }).Statement.map((s) => s['Sid']),
      );
    }
    // Distributions wait for the replicas: their image stacks deploy after the whole Factory stack.
    const imageStack = getStack(FACTORY_IMAGE_STACKS[imageStackOf('base')]!);
    expect(imageStack.dependencies).toContain(getStack(Factory));
  });

  it('keeps build logs in a private, encrypted, TLS-only bucket', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it("keeps SBOMs in a versioned, private, TLS-only bucket whose objects only Goldsmith's roles reach, retained", () => {
    const [id, bucket] = Object.entries(resourcesOf(template, 'AWS::S3::Bucket')).find(([key]) =>
      key.startsWith('SbomBucket'),
    ) ?? ['', { Properties: {} }];
    expect(bucket.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LifecycleConfiguration: {
        Rules: [expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 90 }, Status: 'Enabled' })],
      },
    });
    expect(JSON.stringify(bucket.Properties['BucketName'])).toContain('-sbom-');
    const raw = template.toJSON() as { Resources: Record<string, { DeletionPolicy?: string }> };
    expect(raw.Resources[id]?.DeletionPolicy).toBe('RetainExceptOnCreate');
    const policy = Object.values(resourcesOf(template, 'AWS::S3::BucketPolicy')).find(
      (p) => p.Properties['Bucket'] === `<${id}>`,
    );
    const statements = (policy?.Properties['PolicyDocument'] as { Statement: Props[] } | undefined)?.Statement ?? [];
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const objects = statements.find((s) => s['Sid'] === 'ObjectsOnlyByGoldsmith');
    expect(objects).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' } });
    expect(objects?.['Action']).toEqual(
      expect.arrayContaining([
        's3:GetObject',
        's3:PutObject',
        's3:DeleteObject',
        's3:ReplicateObject',
        's3:PutObjectTagging',
      ]),
    );
    // Inspector's SBOM exports: its service principal writes under inspector/ only, for this account's Inspector.
    const inspector = statements.find((s) => s['Sid'] === 'InspectorSbomExports');
    expect(inspector).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'inspector2.amazonaws.com' },
      Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
      Condition: {
        StringEquals: { 'aws:SourceAccount': expect.anything() },
        ArnLike: { 'aws:SourceArn': expect.anything() },
      },
    });
    expect(JSON.stringify(inspector?.['Resource'])).toContain('/inspector/*');
    expect(statements.find((s) => s['Sid'] === 'ConfigurationOnlyByDeployment')).toMatchObject({
      Effect: 'Deny',
      Action: expect.arrayContaining([
        's3:PutBucketPolicy',
        's3:PutBucketVersioning',
        's3:PutReplicationConfiguration',
        's3:PutBucketOwnershipControls',
      ]),
    });
  });

  it('gives build instances only the managed build policies and log writes, never a wildcard action', () => {
    const roles = resourcesOf(template, 'AWS::IAM::Role');
    const buildRoles = Object.entries(roles).filter(([id]) => /^(Ami|Container)BuildRole/.test(id));
    const managed = Object.fromEntries(
      buildRoles.map(([id, r]) => [
        id.startsWith('Ami') ? 'ami' : 'container',
        (r.Properties['ManagedPolicyArns'] as string[]).map((arn) => arn.split('/').at(-1)),
      ]),
    );
    expect(managed).toEqual({
      ami: ['AmazonSSMManagedInstanceCore', 'EC2InstanceProfileForImageBuilder'],
      container: [
        'AmazonSSMManagedInstanceCore',
        'EC2InstanceProfileForImageBuilder',
        'EC2InstanceProfileForImageBuilderECRContainerBuilds',
      ],
    });
    const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy'));
    const actions = policies.flatMap((p) =>
      (p.Properties['PolicyDocument'] as { Statement: { Action: string | string[] }[] }).Statement.flatMap(
        (s) => s.Action,
      ),
    );
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    expect(JSON.stringify(policies)).toContain('/build-logs/*');
  });
});
