import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FACTORY_STACKS, factoryTemplate, minimalCatalog, resourcesOf, synthesize } from './helpers.js';

describe('Factory stack with a minimal catalog (one AMI image, one region)', () => {
  let template: Template;
  beforeAll(async () => {
    template = factoryTemplate(await synthesize(minimalCatalog(), { stacks: FACTORY_STACKS }));
  });

  it('creates exactly one pipeline, recipe and distribution for the one image', () => {
    template.resourceCountIs('AWS::ImageBuilder::ImagePipeline', 1);
    template.resourceCountIs('AWS::ImageBuilder::ImageRecipe', 1);
    template.resourceCountIs('AWS::ImageBuilder::DistributionConfiguration', 1);
    template.hasResourceProperties('AWS::ImageBuilder::ImagePipeline', { Name: 'goldsmith-solo' });
  });

  it('uses an AMI id parent as is and pins the managed component version the catalog asks for', () => {
    const [recipe] = Object.values(resourcesOf(template, 'AWS::ImageBuilder::ImageRecipe'));
    expect(recipe?.Properties).toMatchObject({
      ParentImage: 'ami-0123456789abcdef0',
      Components: [{ ComponentArn: 'arn:aws:imagebuilder:us-east-1:aws:component/update-linux/1.0.x' }],
    });
    template.resourceCountIs('AWS::ImageBuilder::Component', 0);
  });

  it('distributes to the home region only, with the key itself and no replicas', () => {
    template.resourceCountIs('Custom::GoldsmithKeyReplica', 0);
    const [dist] = Object.values(resourcesOf(template, 'AWS::ImageBuilder::DistributionConfiguration'));
    const distributions = dist?.Properties['Distributions'] as {
      Region: string;
      AmiDistributionConfiguration: object;
    }[];
    expect(distributions).toEqual([
      {
        Region: 'us-east-1',
        AmiDistributionConfiguration: expect.objectContaining({ KmsKeyId: expect.stringMatching(/^<AmiKey.*\.Arn>$/) }),
      },
    ]);
  });

  it('scopes the key to the catalog organization and to EC2 in the one region', () => {
    const policy = JSON.stringify(template.toJSON());
    expect(policy).toContain('"aws:PrincipalOrgID":"o-zz9988776655"');
    expect(policy).toContain('"kms:ViaService":["ec2.us-east-1.amazonaws.com"]');
    expect(policy).not.toContain('o-a1b2c3d4e5');
  });

  it('creates no container build role, repository or container recipe when no image is a container', () => {
    template.resourceCountIs('AWS::ECR::Repository', 0);
    template.resourceCountIs('AWS::ImageBuilder::ContainerRecipe', 0);
    expect(
      Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => id.startsWith('ContainerBuild')),
    ).toEqual([]);
  });
});

describe('Factory stack with a catalog it cannot build', () => {
  it('reports every catalog problem before building anything', async () => {
    const catalog = minimalCatalog({
      images: {
        solo: {
          parent: { image: 'ghost', channel: 'live' },
          components: [{ file: 'components/cis-hardening.yml', parameters: { Levle: '2' } }],
          regions: ['us-east-1'],
        },
      },
    });
    const error = await synthesize(catalog, { stacks: FACTORY_STACKS }).catch((e: unknown) => e);
    expect(String(error)).toMatch(/^Error: Invalid catalog:\n/);
    expect(String(error)).toContain('images.solo.parent.image');
    expect(String(error)).toContain('images.solo.components[0].parameters.Levle');
  });

  // The remaining cases bypass the catalog rules: the stack must still refuse rather than synthesize nonsense.
  it('rejects a container image whose parent is a catalog image', async () => {
    const catalog = minimalCatalog({
      images: {
        solo: {
          parent: 'ami-0123456789abcdef0',
          platform: 'Linux',
          architecture: 'x86_64',
          components: [{ managed: 'update-linux' }],
          regions: ['us-east-1'],
        },
        box: {
          kind: 'container',
          parent: { image: 'solo', channel: 'live' },
          components: [{ managed: 'x' }],
          regions: ['us-east-1'],
        },
      },
    });
    await expect(synthesize(catalog, { stacks: FACTORY_STACKS, validate: 'shape' })).rejects.toThrow(
      'images.box.parent: a container image cannot build on catalog image "solo"',
    );
  });

  it('rejects an AMI image whose parent is a Docker image', async () => {
    const catalog = minimalCatalog({
      images: {
        solo: { parent: 'docker:amazonlinux:2023', components: [{ managed: 'update-linux' }], regions: ['us-east-1'] },
      },
    });
    await expect(synthesize(catalog, { stacks: FACTORY_STACKS, validate: 'shape' })).rejects.toThrow(
      /images\.solo\.parent: .*needs an AMI parent/,
    );
  });

  it('rejects a component parameter its AWSTOE document does not declare', async () => {
    const catalog = minimalCatalog({
      images: {
        solo: {
          parent: 'ami-0123456789abcdef0',
          platform: 'Linux',
          architecture: 'x86_64',
          components: [{ file: 'components/cis-hardening.yml', parameters: { Levle: '2' } }],
          regions: ['us-east-1'],
        },
      },
    });
    await expect(synthesize(catalog, { stacks: FACTORY_STACKS, validate: 'shape' })).rejects.toThrow(
      'images.solo.components.0.parameters.Levle: not a parameter of "components/cis-hardening.yml"',
    );
  });

  it('rejects a component file that does not exist, naming the catalog field', async () => {
    const catalog = minimalCatalog({
      images: {
        solo: {
          parent: 'ami-0123456789abcdef0',
          platform: 'Linux',
          architecture: 'x86_64',
          components: [{ managed: 'update-linux' }],
          tests: [{ file: 'components/nope.yml' }],
          regions: ['us-east-1'],
        },
      },
    });
    await expect(synthesize(catalog, { stacks: FACTORY_STACKS, validate: 'shape' })).rejects.toThrow(
      'images.solo.tests.0.file: cannot read component file "components/nope.yml"',
    );
  });

  it('refuses to deploy to a region other than the catalog home region', async () => {
    const catalog = minimalCatalog({ organization: { id: 'o-zz9988776655', homeRegion: 'eu-west-1' } });
    await expect(synthesize(catalog, { stacks: FACTORY_STACKS, validate: 'shape' })).rejects.toThrow(
      'organization.homeRegion is "eu-west-1" but the app deploys to "us-east-1"',
    );
  });
});
