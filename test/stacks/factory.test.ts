import type { Template } from 'aws-cdk-lib/assertions';
import { type StackContext, use } from 'sst/constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import example from '../../goldsmith.config.js';
import { Factory } from '../../stacks/Factory.js';
import { FACTORY_IMAGE_STACKS } from '../../stacks/FactoryImages.js';
import { imageStackOf } from '../../stacks/factory/shards.js';
import { FACTORY_STACKS, factoryTemplate, flatten, resourcesOf, synthesize } from './helpers.js';

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

/** A stack that consumes the Factory and the image stack of `base`. */
function Consumer({ stack }: StackContext) {
  const images = use(FACTORY_IMAGE_STACKS[imageStackOf('base')]!);
  stack.addOutputs({ BasePipeline: images.pipelineArns['base']!, Topic: use(Factory).imageBuilderTopic.topicArn });
}

describe('Factory stack with the example catalog', () => {
  let template: Template;
  let consumer: Template;
  beforeAll(async () => {
    const built = await synthesize(example, { stacks: [...FACTORY_STACKS, Consumer] });
    template = factoryTemplate(built);
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

  it("keeps every tag of the container repositories immutable but the channels', in every region", () => {
    const channels = [
      { ImageTagMutabilityExclusionFilterType: 'WILDCARD', ImageTagMutabilityExclusionFilterValue: 'dev' },
      { ImageTagMutabilityExclusionFilterType: 'WILDCARD', ImageTagMutabilityExclusionFilterValue: 'prod' },
      { ImageTagMutabilityExclusionFilterType: 'WILDCARD', ImageTagMutabilityExclusionFilterValue: 'staging' },
    ];
    template.hasResourceProperties('AWS::ECR::Repository', {
      RepositoryName: 'golden/web-runtime',
      ImageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      ImageTagMutabilityExclusionFilters: channels,
    });
    const [regional] = Object.values(template.findResources('Custom::GoldsmithRepository'));
    const filters = ['dev', 'prod', 'staging'].map((filter) => ({ filter, filterType: 'WILDCARD' }));
    for (const [event, action] of [
      ['Create', 'CreateRepository'],
      ['Update', 'PutImageTagMutability'],
    ] as const) {
      expect(JSON.parse(String(flatten(regional?.Properties[event])))).toMatchObject({
        action,
        parameters: { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: filters },
      });
    }
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

  it('outputs every pipeline ARN and the shared resources, and hands them to stacks that use them', () => {
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
