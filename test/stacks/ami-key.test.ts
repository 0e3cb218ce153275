import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import example from '../../goldsmith.config.js';
import { KmsFake } from '../../local/fakes/kms.js';
import { autoScalingGrantRefusal, directUseRefusal, launchRefusal, memberRole } from '../../local/fakes/kms-launch.js';
import type { CfnTemplate } from '../../local/simulator/intrinsics.js';
import { TemplateResolver } from '../../local/simulator/intrinsics.js';
import { distributionKeysOf, registerKeys } from '../../local/simulator/keys.js';
import { pipelineName } from '../../stacks/names.js';
import { FACTORY_STACKS, factoryTemplate, resourcesOf, synthesize } from './helpers.js';

type Props = Record<string, unknown>;
const ORG = example.organization.id;
const MEMBER = '200000000001';

function keyStatements(template: Template): Props[] {
  const keys = Object.values(resourcesOf(template, 'AWS::KMS::Key')).filter((k) => k.Properties['MultiRegion']);
  return (keys[0]!.Properties['KeyPolicy'] as { Statement: Props[] }).Statement;
}

describe('the AMI key policy as the Factory stack writes it', () => {
  let template: Template;
  let kms: KmsFake;
  let resolver: TemplateResolver;
  let templates: CfnTemplate[];
  beforeAll(async () => {
    const synth = await synthesize(example, { stacks: FACTORY_STACKS });
    // The Factory (key, replicas) and the image stacks (distributions) as one template.
    template = factoryTemplate(synth);
    templates = [template.toJSON() as CfnTemplate];
    // The account as the test app has it: replica ARNs carry it literally.
    const accountId = synth.stack.account;
    resolver = new TemplateResolver(templates, { accountId, region: example.organization.homeRegion });
    kms = new KmsFake(accountId);
    registerKeys(templates, resolver, kms);
  });

  it('creates grants for the organization only through EC2 in the distribution Regions, for AWS resources', () => {
    const grants = keyStatements(template).find((s) => s['Sid'] === 'OrganizationGrantsForAwsServices');
    expect(grants?.['Condition']).toEqual({
      StringEquals: {
        'aws:PrincipalOrgID': ORG,
        'kms:ViaService': [
          'ec2.ap-southeast-2.amazonaws.com',
          'ec2.eu-west-1.amazonaws.com',
          'ec2.us-east-1.amazonaws.com',
        ],
      },
      Bool: { 'kms:GrantIsForAWSResource': 'true' },
    });
  });

  it("lets a member account under a targeted OU grant the key to its own Auto Scaling role only, with AWS's documented operations", () => {
    const member = keyStatements(template).find((s) => s['Sid'] === 'MembersGrantTheirAutoScalingRole');
    // The example catalog's channels target OUs only: each of them, nested OUs included, and nothing else.
    const ous = ['ou-x1y2-dev00001', 'ou-x1y2-prd00001', 'ou-x1y2-prd00002', 'ou-x1y2-stg00001'];
    expect(member).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'kms:CreateGrant',
      Condition: {
        StringEquals: { 'aws:PrincipalOrgID': ORG },
        'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ous.map((ou) => `${ORG}/*/${ou}/*`) },
        StringLike: {
          // The partition written out: a leading `arn:*:` would match another account's role whose path spells a
          // member's (`arn:aws:iam::<other>:role/x:iam::<member>:role/aws-service-role/…`).
          'kms:GranteePrincipal':
            // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, as the policy holds it
            'arn:aws:iam::${aws:PrincipalAccount}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling*',
        },
        'ForAllValues:StringEquals': {
          'kms:GrantOperations': expect.arrayContaining(['Decrypt', 'ReEncryptFrom', 'CreateGrant', 'DescribeKey']),
        },
      },
    });
  });

  it('encrypts every AMI distribution with the key in its own Region, and that key exists there once deployed', () => {
    const amiImages = Object.entries(example.images).filter(([, spec]) => spec.kind !== 'container');
    for (const [image, spec] of amiImages) {
      const keys = distributionKeysOf(templates, resolver, pipelineName(image));
      expect(Object.keys(keys).sort()).toEqual([...spec.regions].sort());
      for (const [region, key] of Object.entries(keys)) expect(kms.key(region, key)?.region).toBe(region);
    }
  });

  it('lets members launch and give Auto Scaling the key in every Region, and refuses outsiders and direct use', () => {
    const inOu = (ou: string) => ({ ...memberRole(MEMBER, ORG), organizationPaths: [`${ORG}/r-x1y2/${ou}/`] });
    const regions = [...new Set(Object.values(example.images).flatMap((spec) => spec.regions))];
    for (const region of regions) {
      const key = distributionKeysOf(templates, resolver, pipelineName('base'))[region]!;
      expect(launchRefusal(kms, region, key, memberRole(MEMBER, ORG))).toBeUndefined();
      expect(autoScalingGrantRefusal(kms, region, key, inOu('ou-x1y2-prd00001'))).toBeUndefined();
      // An account of the organization under no targeted OU (one that left them) cannot create the grant again.
      expect(autoScalingGrantRefusal(kms, region, key, inOu('ou-x1y2-sbx00001'))).toMatch(/^AccessDeniedException/);
      expect(launchRefusal(kms, region, key, memberRole('999999999999', undefined))).toBeDefined();
      expect(directUseRefusal(kms, region, key, memberRole(MEMBER, ORG))).toBeDefined();
    }
  });
});
