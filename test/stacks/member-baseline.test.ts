import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUTO_SCALING_GRANT_OPERATIONS } from '../../core/sharing/key-grants.js';
import example from '../../goldsmith.config.js';
import { MemberBaseline } from '../../stacks/MemberBaseline.js';
import { MEMBER_CODE_MAX_BYTES } from '../../stacks/member-baseline/code.js';
import { FACTORY_STACKS, minimalCatalog, resourcesOf, synthesize } from './helpers.js';

type Props = Record<string, unknown>;
type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Condition?: Props };
type MemberTemplate = {
  Transform?: unknown;
  Resources: Record<string, { Type: string; Properties: Props }>;
};

function stackSetOf(template: Template): Props {
  const sets = Object.values(resourcesOf(template, 'AWS::CloudFormation::StackSet'));
  expect(sets).toHaveLength(1);
  return sets[0]!.Properties;
}

function memberTemplateOf(stackSet: Props): MemberTemplate {
  return JSON.parse(stackSet['TemplateBody'] as string) as MemberTemplate;
}

describe('the member baseline StackSet (example catalog)', () => {
  let stackSet: Props;
  let member: MemberTemplate;
  beforeAll(async () => {
    const synth = await synthesize(example, { stacks: [...FACTORY_STACKS, MemberBaseline] });
    stackSet = stackSetOf(synth.template);
    member = memberTemplateOf(stackSet);
  });

  it('is service-managed, deploys itself to accounts that join a targeted OU, and removes itself from leavers', () => {
    expect(stackSet).toMatchObject({
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'DELEGATED_ADMIN',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      ManagedExecution: { Active: true },
      Capabilities: ['CAPABILITY_IAM'],
    });
    expect(stackSet['OperationPreferences']).toMatchObject({ RegionConcurrencyType: 'PARALLEL' });
  });

  it('targets the OUs the channels share with, in every Region an AMI image is distributed to', () => {
    expect(stackSet['StackInstancesGroup']).toEqual([
      {
        DeploymentTargets: {
          OrganizationalUnitIds: ['ou-x1y2-dev00001', 'ou-x1y2-prd00001', 'ou-x1y2-prd00002', 'ou-x1y2-stg00001'],
        },
        Regions: ['ap-southeast-2', 'eu-west-1', 'us-east-1'],
      },
    ]);
  });

  it('passes the AMI key id and the factory account: each instance builds its own Region’s key ARN', () => {
    const params = stackSet['Parameters'] as { ParameterKey: string; ParameterValue: unknown }[];
    expect(params.map((p) => p.ParameterKey)).toEqual(['AmiKeyId', 'FactoryAccount']);
    expect(JSON.stringify(member.Resources['AutoScalingKeyGrant']?.Properties['KeyArn'])).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub variables
      'kms:${AWS::Region}:${FactoryAccount}:key/${AmiKeyId}',
    );
  });

  it('synthesizes a member template without transforms, with the function inline and under 4 KB', () => {
    expect(member.Transform).toBeUndefined();
    expect(JSON.stringify(member)).not.toContain('Fn::Transform');
    const fn = member.Resources['GrantFunction']!.Properties;
    const code = (fn['Code'] as { ZipFile: string }).ZipFile;
    expect(Buffer.byteLength(code)).toBeLessThanOrEqual(MEMBER_CODE_MAX_BYTES);
    expect(code).toContain('exports');
    expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler' });
    expect(member.Resources['AutoScalingKeyGrant']?.Properties['ServiceToken']).toEqual({
      'Fn::GetAtt': ['GrantFunction', 'Arn'],
    });
  });

  it('gives no member resource a fixed name (an OU move may create the new instance before deleting the old)', () => {
    const named = Object.entries(member.Resources).filter(([, r]) =>
      Object.keys(r.Properties).some((k) => /Name$/.test(k) && k !== 'PolicyName'),
    );
    expect(named).toEqual([]);
  });

  it('lets the member function do exactly what its code does, no more', () => {
    const role = member.Resources['GrantFunctionRole']!.Properties;
    const statements = (role['Policies'] as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
      (p) => p.PolicyDocument.Statement,
    );
    expect(statements.flatMap((s) => [s.Action].flat()).sort()).toEqual([
      'iam:CreateServiceLinkedRole',
      'kms:CreateGrant',
      'kms:RetireGrant',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
    const slr = statements.find((s) => s.Action === 'iam:CreateServiceLinkedRole');
    expect(slr?.Condition).toEqual({ StringEquals: { 'iam:AWSServiceName': 'autoscaling.amazonaws.com' } });
    const grant = statements.find((s) => s.Action === 'kms:CreateGrant');
    expect(grant?.Condition).toEqual({
      StringEquals: {
        'kms:GranteePrincipal': {
          'Fn::Sub':
            // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub variables
            'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling',
        },
      },
      'ForAllValues:StringEquals': { 'kms:GrantOperations': [...AUTO_SCALING_GRANT_OPERATIONS] },
    });
    for (const s of statements) expect(JSON.stringify(s.Resource)).not.toBe('"*"');
  });
});

describe('the member baseline StackSet (other catalogs)', () => {
  it('deploys from the management account with CallAs SELF when the catalog says so', async () => {
    const catalog = {
      ...example,
      organization: { ...example.organization, memberBaseline: { callAs: 'SELF' as const } },
    };
    const synth = await synthesize(catalog, { stacks: [...FACTORY_STACKS, MemberBaseline] });
    expect(stackSetOf(synth.template)['CallAs']).toBe('SELF');
  });

  it('defines no StackSet when the catalog turns the baseline off', async () => {
    const catalog = {
      ...example,
      organization: { ...example.organization, memberBaseline: { enabled: false } },
    };
    const synth = await synthesize(catalog, { stacks: [...FACTORY_STACKS, MemberBaseline] });
    expect(Object.keys(resourcesOf(synth.template, 'AWS::CloudFormation::StackSet'))).toEqual([]);
  });

  it('refuses more than the 50 OUs one StackSets operation can target, naming the field', async () => {
    const ous = Array.from({ length: 51 }, (_, i) => `ou-x1y2-${String(i).padStart(8, '0')}`);
    // dev's 51 OUs, staging's one and prod's two.
    const channels = example.channels.map((c) => (c.name === 'dev' ? { ...c, targets: { ous } } : c));
    const catalog = { ...example, channels };
    await expect(synthesize(catalog, { stacks: [...FACTORY_STACKS, MemberBaseline] })).rejects.toThrow(
      /channels\[\]\.targets\.ous: the member baseline can deploy to at most 50 OUs, the channels name 54/,
    );
  });

  it('defines no StackSet when no channel names an OU (accounts alone are not StackSets targets)', async () => {
    const synth = await synthesize(minimalCatalog(), { stacks: [...FACTORY_STACKS, MemberBaseline] });
    expect(Object.keys(resourcesOf(synth.template, 'AWS::CloudFormation::StackSet'))).toEqual([]);
  });
});
