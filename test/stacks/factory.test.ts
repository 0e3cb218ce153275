import { Match, type Template } from 'aws-cdk-lib/assertions';
import { type StackContext, use } from 'sst/constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import example from '../../goldsmith.config.js';
import { Factory } from '../../stacks/Factory.js';
import { flatten, resourcesOf, synthesize } from './helpers.js';

type Props = Record<string, unknown>;

/** The one resource of `type` whose `Name` is `name`, flattened to plain strings. */
function named(template: Template, type: string, name: string): Props {
  const found = Object.values(resourcesOf(template, type)).filter((r) => r.Properties['Name'] === name);
  expect(found, `${type} named ${name}`).toHaveLength(1);
  return found[0]!.Properties;
}

/** The recipe (image or container) a pipeline points at, found through the pipeline's GetAtt. */
function recipeOf(template: Template, image: string): Props {
  const raw = template.findResources('AWS::ImageBuilder::ImagePipeline', {
    Properties: { Name: `goldsmith-${image}` },
  });
  const pipeline = Object.values(raw)[0] as { Properties: Record<string, { 'Fn::GetAtt': [string, string] }> };
  const ref = pipeline.Properties['ImageRecipeArn'] ?? pipeline.Properties['ContainerRecipeArn'];
  const logicalId = ref!['Fn::GetAtt'][0];
  return flatten(template.toJSON().Resources[logicalId].Properties) as Props;
}

/** The AMI key: the only multi-region key. */
function amiKeyOf(template: Template): Props {
  const keys = Object.values(resourcesOf(template, 'AWS::KMS::Key')).filter(
    (k) => k.Properties['MultiRegion'] === true,
  );
  expect(keys).toHaveLength(1);
  return keys[0]!.Properties;
}

/** A stack that consumes the Factory the way Triggers and Promotion will. */
function Consumer({ stack }: StackContext) {
  const factory = use(Factory);
  stack.addOutputs({ BasePipeline: factory.pipelineArns['base']!, Topic: factory.imageBuilderTopic.topicArn });
}

describe('Factory stack with the example catalog', () => {
  let template: Template;
  let consumer: Template;
  beforeAll(async () => {
    const built = await synthesize(example, { stacks: [Factory, Consumer] });
    template = built.templates.get(Factory)!;
    consumer = built.template;
  });

  it('creates one enabled, unscheduled pipeline per catalog image', () => {
    const pipelines = Object.values(resourcesOf(template, 'AWS::ImageBuilder::ImagePipeline'));
    expect(pipelines.map((p) => p.Properties['Name']).sort()).toEqual([
      'goldsmith-app',
      'goldsmith-base',
      'goldsmith-hardened',
      'goldsmith-web-runtime',
    ]);
    for (const { Properties } of pipelines) {
      expect(Properties['Status']).toBe('ENABLED');
      expect(Properties).not.toHaveProperty('Schedule');
    }
  });

  it('turns on image tests, scanning and enhanced metadata in every pipeline', () => {
    for (const { Properties } of Object.values(resourcesOf(template, 'AWS::ImageBuilder::ImagePipeline'))) {
      expect(Properties['EnhancedImageMetadataEnabled']).toBe(true);
      expect(Properties['ImageTestsConfiguration']).toMatchObject({ ImageTestsEnabled: true });
      expect(Properties['ImageScanningConfiguration']).toMatchObject({ ImageScanningEnabled: true });
    }
    const container = named(template, 'AWS::ImageBuilder::ImagePipeline', 'goldsmith-web-runtime');
    expect(container['ImageScanningConfiguration']).toMatchObject({
      EcrConfiguration: { RepositoryName: 'golden/web-runtime' },
    });
  });

  it('builds the base on the public SSM parameter and each child on its parent channel pointer', () => {
    expect(recipeOf(template, 'base')['ParentImage']).toBe(
      'ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
    );
    expect(recipeOf(template, 'hardened')['ParentImage']).toBe('ssm:/goldsmith/base/staging');
    expect(recipeOf(template, 'app')['ParentImage']).toBe('ssm:/goldsmith/hardened/staging');
  });

  it('lists managed components by ARN and ours by resource, build components before tests', () => {
    const components = recipeOf(template, 'base')['Components'] as { ComponentArn: string }[];
    expect(components.map((c) => c.ComponentArn)).toEqual([
      'arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x',
      expect.stringMatching(/^<baseComponentsgoldsmithbasebaseagents[0-9a-f]{8}[0-9A-F]{8}\.Arn>$/),
      'arn:aws:imagebuilder:us-east-1:aws:component/reboot-linux/x.x.x',
    ]);
  });

  it('passes catalog parameters to our components', () => {
    const components = recipeOf(template, 'hardened')['Components'] as Props[];
    expect(components[0]).toMatchObject({ Parameters: [{ Name: 'Level', Value: ['1'] }] });
    expect(components[1]).not.toHaveProperty('Parameters');
  });

  it('embeds our AWSTOE documents inline with the image platform and version', () => {
    const components = Object.values(resourcesOf(template, 'AWS::ImageBuilder::Component'));
    const agents = components.find((c) => String(c.Properties['Name']).startsWith('goldsmith-base-base-agents-'));
    expect(agents?.Properties).toMatchObject({ Platform: 'Linux', Version: '1.0.0' });
    expect(agents?.Properties['Data']).toContain('name: goldsmith-base-agents');
    expect(components).toHaveLength(5);
  });

  it('builds the container image from a Docker parent into its ECR repository', () => {
    const recipe = recipeOf(template, 'web-runtime');
    expect(recipe).toMatchObject({ ContainerType: 'DOCKER', ParentImage: 'amazonlinux:2023' });
    expect(recipe['DockerfileTemplateData']).toContain('FROM {{{ imagebuilder:parentImage }}}');
    expect(recipe['DockerfileTemplateData']).toContain('{{{ imagebuilder:environments }}}');
    expect(recipe['DockerfileTemplateData']).toContain('{{{ imagebuilder:components }}}');
    template.hasResourceProperties('AWS::ECR::Repository', { RepositoryName: 'golden/web-runtime' });
  });

  it('creates the container repository in every other distribution region before distributing there', () => {
    const repositories = Object.entries(template.findResources('Custom::GoldsmithRepository'));
    const calls = repositories.map(([, r]) => JSON.parse(String(flatten(r.Properties.Create))));
    expect(calls).toEqual([
      expect.objectContaining({
        service: 'ECR',
        action: 'CreateRepository',
        region: 'eu-west-1',
        parameters: expect.objectContaining({ repositoryName: 'golden/web-runtime' }),
        ignoreErrorCodesMatching: 'RepositoryAlreadyExistsException',
      }),
    ]);
    const raw = template.findResources('AWS::ImageBuilder::DistributionConfiguration', {
      Properties: { Name: 'goldsmith-web-runtime' },
    });
    const dependsOn = (Object.values(raw)[0] as { DependsOn?: string[] }).DependsOn ?? [];
    expect(dependsOn).toEqual(expect.arrayContaining(repositories.map(([id]) => id)));
  });

  it('distributes AMIs to every catalog region, encrypted with our key, without launch permissions', () => {
    const dist = named(template, 'AWS::ImageBuilder::DistributionConfiguration', 'goldsmith-base');
    const distributions = dist['Distributions'] as { Region: string; AmiDistributionConfiguration: Props }[];
    expect(distributions.map((d) => d.Region)).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-2']);
    expect(distributions[0]!.AmiDistributionConfiguration['KmsKeyId']).toMatch(/^<AmiKey[0-9A-F]{8}\.Arn>$/);
    expect(distributions[1]!.AmiDistributionConfiguration['KmsKeyId']).toMatch(
      /^arn:aws:kms:eu-west-1:[^:]+:key\/<AmiKey[0-9A-F]{8}>$/,
    );
    for (const { AmiDistributionConfiguration: ami } of distributions) {
      expect(ami['Name']).toBe('goldsmith-base-{{ imagebuilder:buildDate }}');
      expect(ami['AmiTags']).toMatchObject({ 'goldsmith:image': 'base' });
      expect(ami).not.toHaveProperty('LaunchPermissionConfiguration');
      expect(ami).not.toHaveProperty('TargetAccountIds');
    }
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
    const raw = template.findResources('AWS::ImageBuilder::DistributionConfiguration', {
      Properties: { Name: 'goldsmith-base' },
    });
    const dependsOn = (Object.values(raw)[0] as { DependsOn?: string[] }).DependsOn ?? [];
    expect(dependsOn).toEqual(expect.arrayContaining(replicas.map(([id]) => id)));
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

  it('exports every pipeline ARN and the shared resources, and hands them to stacks that use it', () => {
    const outputs = Object.keys(template.toJSON().Outputs ?? {});
    expect(outputs).toEqual(
      expect.arrayContaining([
        'PipelineBaseArn',
        'PipelineHardenedArn',
        'PipelineAppArn',
        'PipelineWebRuntimeArn',
        'ImageBuilderTopicArn',
        'AmiKeyArn',
        'BuildLogBucket',
      ]),
    );
    // A consumer stack gets live cross-stack references to the pipeline and the topic.
    const consumed = consumer.toJSON().Outputs as Record<string, { Value: Record<string, unknown> }>;
    expect(consumed['BasePipeline']?.Value).toHaveProperty('Fn::ImportValue');
    expect(consumed['Topic']?.Value).toHaveProperty('Fn::ImportValue');
  });
});
