import { inspectorFindingsRoleName, onFindingRoleName } from '../names.js';

/**
 * The role Amazon Inspector's delegated administrator grants the factory when it is another account of the
 * organization (a security account: `organization.inspectorAdministrator`). Only the administrator lists its members'
 * findings (https://docs.aws.amazon.com/inspector/latest/user/admin-member-relationship.html), so on-finding reads a
 * finding back there, through this role: ListFindings and nothing else, assumable only by the factory's on-finding
 * role (`aws:PrincipalArn`) from inside the organization (`aws:PrincipalOrgID`,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html). No external id: that is
 * for a third party trusting a whole account it does not control
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html); here the trust names
 * one role of a known account of the same organization. Exported for the template the administrator deploys
 * (docs/templates/inspector-findings-role.json) and for the local cloud, which gives that account the same documents.
 * Values may be CloudFormation expressions (`Fn::Sub`) or plain strings.
 */

type Json = Record<string, unknown>;
type Value = string | Json;

/** The factory's on-finding role, which the administrator's role trusts: `arn:aws:iam::<factory>:role/goldsmith-<stage>-on-finding`. */
export function onFindingRoleArn(factoryAccount: string, stage: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${factoryAccount}:role/${onFindingRoleName(stage)}`;
}

/** The administrator's role, which on-finding assumes: `arn:aws:iam::<administrator>:role/goldsmith-<stage>-inspector-findings`. */
export function inspectorFindingsRoleArn(administrator: string, stage: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${administrator}:role/${inspectorFindingsRoleName(stage)}`;
}

/** The trust policy: the factory's on-finding role, by ARN, from inside the organization. */
export function inspectorFindingsTrustPolicy(factoryAccount: Value, onFindingRole: Value, organizationId: Value): Json {
  const root = typeof factoryAccount === 'string' ? `arn:aws:iam::${factoryAccount}:root` : factoryAccount;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TheFactoryOnFindingRole',
        Effect: 'Allow',
        Principal: { AWS: root },
        Action: 'sts:AssumeRole',
        Condition: {
          ArnEquals: { 'aws:PrincipalArn': onFindingRole },
          StringEquals: { 'aws:PrincipalOrgID': organizationId },
        },
      },
    ],
  };
}

/**
 * The permissions: ListFindings, which supports no resource-level permissions or condition keys
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoninspector2.html), hence `*`.
 */
export function inspectorFindingsPolicy(): Json {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'ReadFindings', Effect: 'Allow', Action: 'inspector2:ListFindings', Resource: '*' }],
  };
}

const sub = (s: string) => ({ 'Fn::Sub': s });
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub variables
const STAGE = '${Stage}';
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub variables
const FACTORY = 'arn:${AWS::Partition}:iam::${FactoryAccount}';

/**
 * The CloudFormation template the delegated administrator deploys once (IAM is global: one stack, any Region), with
 * parameters `Stage`, `FactoryAccount` and `OrganizationId`.
 */
export function inspectorFindingsRoleTemplate(): Json {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'Goldsmith: lets the factory account read Amazon Inspector findings (ListFindings only) from this delegated administrator',
    Parameters: {
      Stage: {
        Type: 'String',
        AllowedPattern: '^[a-z0-9-]+$',
        Description: 'The Goldsmith stage the factory runs (sst deploy --stage)',
      },
      FactoryAccount: {
        Type: 'String',
        AllowedPattern: '^\\d{12}$',
        Description: 'The account Goldsmith is deployed to',
      },
      OrganizationId: {
        Type: 'String',
        AllowedPattern: '^o-[a-z0-9]{10,32}$',
        Description: 'The organization id (o-…), as the catalog names it',
      },
    },
    Resources: {
      InspectorFindingsRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: sub(inspectorFindingsRoleName(STAGE)),
          Description: 'Goldsmith: the factory on-finding function reads findings back (ListFindings only)',
          AssumeRolePolicyDocument: inspectorFindingsTrustPolicy(
            sub(`${FACTORY}:root`),
            sub(`${FACTORY}:role/${onFindingRoleName(STAGE)}`),
            { Ref: 'OrganizationId' },
          ),
          Policies: [{ PolicyName: 'inspector-findings', PolicyDocument: inspectorFindingsPolicy() }],
        },
      },
    },
    Outputs: { RoleArn: { Value: { 'Fn::GetAtt': ['InspectorFindingsRole', 'Arn'] } } },
  };
}
